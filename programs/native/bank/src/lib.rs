//! The Synkti program as a native builtin of a real Solana bank (`solana-program-test`).
//!
//! The bank is real: accounts, rent, signatures, the Clock, and SPL Token and Associated Token
//! running as the genuine SBF programs in the VM. Only our program runs natively, which is why
//! its compute units are not metered (those of the SPL programs it calls are).
//!
//! Two things the native path lacks out of the box are added here, without touching the
//! program's on-chain code path: `msg!` output and `sol_log_data` (events) reach the
//! transaction's log collector, as on a validator. See `log_routing`.
// solana-program-test 3.1 marks its API as becoming unstable in 4.0; we pin 3.1 (see README).
#![allow(deprecated)]

mod log_routing;

use anchor_lang::prelude::{AccountInfo, Pubkey};
use anchor_lang::solana_program::entrypoint::ProgramResult;
use solana_program_test::{
    get_runtime_environment_key, invoke_builtin_function, EbpfError, EbpfVm, InvokeContext, ProgramTest,
};

pub use synkti_market::ID as PROGRAM_ID;

/// Anchor 1.x's `entry` ties the slice's lifetime to the accounts' own (`&'info [AccountInfo<'info>]`),
/// while a bank builtin receives independent ones. Within this call both borrows outlive the
/// handler, so narrowing them to a single lifetime only forgets information; it cannot extend one.
fn process_instruction(program_id: &Pubkey, accounts: &[AccountInfo], data: &[u8]) -> ProgramResult {
    let accounts: &[AccountInfo] = unsafe { std::mem::transmute::<&[AccountInfo], &[AccountInfo]>(accounts) };
    synkti_market::entry(program_id, accounts, data)
}

/// What `solana_program_test::processor!` expands to, plus one step: it records the invoke
/// context so that event data can be written to this transaction's log collector.
fn builtin() -> solana_program_runtime::invoke_context::BuiltinFunctionWithContext {
    |vm, _arg0, _arg1, _arg2, _arg3, _arg4| {
        // SAFETY: the same pointer arithmetic `processor!` performs: the VM is stored just
        // before the runtime-environment slot the bank hands to builtins.
        let vm = unsafe {
            &mut *((vm as *mut u64).offset(-(get_runtime_environment_key() as isize)) as *mut EbpfVm<InvokeContext>)
        };
        log_routing::install();
        let _current = log_routing::CurrentInvocation::enter(vm.context_object_pointer);
        let logs = vm.context_object_pointer.get_log_collector();
        let start = logs.as_ref().map_or(0, |l| l.borrow().messages.len());
        vm.program_result = invoke_builtin_function(process_instruction, vm.context_object_pointer)
            .map_err(EbpfError::SyscallError)
            .into();
        if let Some(logs) = logs {
            log_routing::drop_echoes(&mut logs.borrow_mut(), start);
        }
    }
}

/// A program test with Synkti loaded natively; SPL Token, Associated Token and System are
/// part of every program-test bank.
pub fn program_test() -> ProgramTest {
    let mut pt = ProgramTest::default();
    pt.add_builtin_program("synkti_market", PROGRAM_ID, builtin());
    pt
}
