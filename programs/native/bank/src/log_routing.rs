//! Makes a natively-run program log like an on-chain one.
//!
//! solana-program-test installs syscall stubs that forward `sol_log` and CPIs to the bank, but
//! not `sol_log_data`, so Anchor events (`Program data: <base64>`) would be printed to stdout
//! instead of being recorded. We wrap its stubs: everything is delegated unchanged except
//! `sol_log_data`, which writes to the current invocation's log collector through the
//! runtime's own `stable_log::program_data`, the function the validator's syscall uses.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::{account_info::AccountInfo, instruction::Instruction};
use solana_program_runtime::invoke_context::InvokeContext;
use solana_svm_log_collector::LogCollector;
use solana_sysvar::program_stubs::{self, SyscallStubs};
use std::cell::Cell;
use std::sync::Once;

type ProgramResult = Result<(), anchor_lang::solana_program::program_error::ProgramError>;

thread_local! {
    static CURRENT: Cell<usize> = const { Cell::new(0) };
}

/// Marks the invoke context of the builtin call in progress on this thread.
pub struct CurrentInvocation(usize);

impl CurrentInvocation {
    pub fn enter(context: *mut InvokeContext) -> Self {
        Self(CURRENT.with(|c| c.replace(context as usize)))
    }
}

impl Drop for CurrentInvocation {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

static INSTALL: Once = Once::new();

/// Called from inside the first builtin invocation, when program-test's own stubs are in place.
pub fn install() {
    INSTALL.call_once(|| {
        let inner = program_stubs::set_syscall_stubs(Box::new(Placeholder));
        program_stubs::set_syscall_stubs(Box::new(RoutedStubs { inner }));
        solana_msg::set_off_chain_logger(program_stubs::sol_log);
    });
}

/// solana-program-test 3.1 writes `invoke`/`success`/`failed` lines for a builtin and for each
/// CPI it makes, as if the runtime did not; but the 3.1 runtime does too, so every such line
/// would appear twice (and a CPI's at the caller's height first), which breaks log parsers that
/// track the call stack (Anchor's EventParser). This removes program-test's copies from the lines
/// written during one builtin call (`messages[start..]`), leaving exactly what a validator logs.
pub fn drop_echoes(logs: &mut LogCollector, start: usize) {
    let window = logs.messages.split_off(start);
    let before = logs.messages.last().cloned();
    let mut kept: Vec<String> = Vec::with_capacity(window.len());
    for (i, line) in window.iter().enumerate() {
        let echo_of_runtime_invoke = i == 0 && before.as_ref() == Some(line) && invoke(line).is_some();
        let premature_cpi_invoke = match (invoke(line), window.get(i + 1).and_then(|next| invoke(next))) {
            (Some((program, height)), Some((next_program, next_height))) => {
                program == next_program && next_height == height + 1
            }
            _ => false,
        };
        let repeated_outcome = is_outcome(line) && kept.last() == Some(line);
        if echo_of_runtime_invoke || premature_cpi_invoke || repeated_outcome {
            logs.bytes_written = logs.bytes_written.saturating_sub(line.len());
            continue;
        }
        kept.push(line.clone());
    }
    // The builtin's own closing line: the runtime writes it again once the builtin returns.
    if kept.last().is_some_and(|l| is_outcome(l)) && before.as_deref().and_then(invoke).is_some() {
        let closing = kept.pop().unwrap_or_default();
        logs.bytes_written = logs.bytes_written.saturating_sub(closing.len());
    }
    logs.messages.extend(kept);
}

/// `Program <id> invoke [<height>]` → (id, height).
fn invoke(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix("Program ")?;
    let (program, height) = rest.split_once(" invoke [")?;
    Some((program, height.strip_suffix(']')?.parse().ok()?))
}

fn is_outcome(line: &str) -> bool {
    line.starts_with("Program ") && (line.ends_with(" success") || line.contains(" failed: "))
}

struct Placeholder;
impl SyscallStubs for Placeholder {}

struct RoutedStubs {
    inner: Box<dyn SyscallStubs>,
}

impl SyscallStubs for RoutedStubs {
    fn sol_log_data(&self, fields: &[&[u8]]) {
        let ptr = CURRENT.with(|c| c.get());
        if ptr == 0 {
            return self.inner.sol_log_data(fields);
        }
        // SAFETY: `ptr` is the invoke context of the builtin call running on this thread,
        // set by `CurrentInvocation::enter` for exactly the duration of that call.
        let invoke_context = unsafe { &*(ptr as *const InvokeContext) };
        solana_program_runtime::stable_log::program_data(&invoke_context.get_log_collector(), fields);
    }

    fn sol_log(&self, message: &str) {
        self.inner.sol_log(message)
    }
    fn sol_log_compute_units(&self) {
        self.inner.sol_log_compute_units()
    }
    fn sol_remaining_compute_units(&self) -> u64 {
        self.inner.sol_remaining_compute_units()
    }
    fn sol_invoke_signed(
        &self,
        instruction: &Instruction,
        account_infos: &[AccountInfo],
        signers_seeds: &[&[&[u8]]],
    ) -> ProgramResult {
        self.inner.sol_invoke_signed(instruction, account_infos, signers_seeds)
    }
    fn sol_get_sysvar(&self, sysvar_id_addr: *const u8, var_addr: *mut u8, offset: u64, length: u64) -> u64 {
        self.inner.sol_get_sysvar(sysvar_id_addr, var_addr, offset, length)
    }
    fn sol_get_clock_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner.sol_get_clock_sysvar(var_addr)
    }
    fn sol_get_epoch_schedule_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner.sol_get_epoch_schedule_sysvar(var_addr)
    }
    fn sol_get_fees_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner.sol_get_fees_sysvar(var_addr)
    }
    fn sol_get_rent_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner.sol_get_rent_sysvar(var_addr)
    }
    fn sol_get_epoch_rewards_sysvar(&self, var_addr: *mut u8) -> u64 {
        self.inner.sol_get_epoch_rewards_sysvar(var_addr)
    }
    fn sol_get_last_restart_slot(&self, var_addr: *mut u8) -> u64 {
        self.inner.sol_get_last_restart_slot(var_addr)
    }
    fn sol_get_epoch_stake(&self, vote_address: *const u8) -> u64 {
        self.inner.sol_get_epoch_stake(vote_address)
    }
    unsafe fn sol_memcpy(&self, dst: *mut u8, src: *const u8, n: usize) {
        self.inner.sol_memcpy(dst, src, n)
    }
    unsafe fn sol_memmove(&self, dst: *mut u8, src: *const u8, n: usize) {
        self.inner.sol_memmove(dst, src, n)
    }
    unsafe fn sol_memcmp(&self, s1: *const u8, s2: *const u8, n: usize, result: *mut i32) {
        self.inner.sol_memcmp(s1, s2, n, result)
    }
    unsafe fn sol_memset(&self, s: *mut u8, c: u8, n: usize) {
        self.inner.sol_memset(s, c, n)
    }
    fn sol_get_return_data(&self) -> Option<(Pubkey, Vec<u8>)> {
        self.inner.sol_get_return_data()
    }
    fn sol_set_return_data(&self, data: &[u8]) {
        self.inner.sol_set_return_data(data)
    }
    fn sol_get_processed_sibling_instruction(&self, index: usize) -> Option<Instruction> {
        self.inner.sol_get_processed_sibling_instruction(index)
    }
    fn sol_get_stack_height(&self) -> u64 {
        self.inner.sol_get_stack_height()
    }
}
