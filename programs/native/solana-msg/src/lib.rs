//! Stand-in for `solana-msg` used through `[patch.crates-io]` in this workspace.
//!
//! On chain (`target_os = "solana"`) every function compiles to the same `sol_log_` syscall as
//! the upstream crate. Off chain the upstream crate prints to stdout, so a program running
//! natively inside a test bank leaves no transaction logs, and Anchor's error and instruction
//! logs vanish. Here the off-chain path calls a hook that the bank harness installs
//! (`set_off_chain_logger`), which forwards to the syscall stubs and so into the transaction's
//! log collector, exactly where the validator would put them.
#![no_std]
#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "alloc")]
#[doc(hidden)]
pub use alloc::format;

/// Print a message to the log: a single `&str` expression as is, anything else through `format!`.
#[cfg(feature = "alloc")]
#[macro_export]
macro_rules! msg {
    ($msg:expr) => {
        $crate::sol_log($msg)
    };
    ($($arg:tt)*) => ($crate::sol_log(&$crate::format!($($arg)*)));
}

#[cfg(target_os = "solana")]
pub mod syscalls {
    //! Syscall definitions used by `solana_msg`.
    pub use solana_define_syscall::definitions::{sol_log_, sol_log_64_, sol_log_compute_units_, sol_log_data};
}

#[cfg(not(target_os = "solana"))]
mod off_chain {
    use core::sync::atomic::{AtomicPtr, Ordering};

    /// A plain function pointer, stored type-erased so this stays `no_std` and lock-free.
    static LOGGER: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

    /// Route every off-chain `sol_log` to `logger` (the harness passes the syscall stubs' logger).
    pub fn set_off_chain_logger(logger: fn(&str)) {
        LOGGER.store(logger as *mut (), Ordering::Release);
    }

    pub(crate) fn log(message: &str) -> bool {
        let raw = LOGGER.load(Ordering::Acquire);
        if raw.is_null() {
            return false;
        }
        // SAFETY: the only non-null value ever stored is a `fn(&str)` cast in `set_off_chain_logger`.
        let logger: fn(&str) = unsafe { core::mem::transmute::<*mut (), fn(&str)>(raw) };
        logger(message);
        true
    }
}

#[cfg(not(target_os = "solana"))]
pub use off_chain::set_off_chain_logger;

/// Print a string to the log.
#[inline]
pub fn sol_log(message: &str) {
    #[cfg(target_os = "solana")]
    unsafe {
        syscalls::sol_log_(message.as_ptr(), message.len() as u64);
    }

    #[cfg(not(target_os = "solana"))]
    if !off_chain::log(message) {
        #[cfg(feature = "std")]
        std::println!("{message}");
        #[cfg(not(feature = "std"))]
        core::hint::black_box(message);
    }
}
