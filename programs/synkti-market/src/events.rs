//! One event per instruction. Events are what off-chain parties index; fields carry the
//! amounts moved so a reader can audit every base unit without re-reading accounts.
use anchor_lang::prelude::*;

use crate::state::{LeaseOutcome, MarketParams};

/// Log an event as `Program data: <base64>`, the form Anchor's clients parse.
///
/// On chain this is exactly what `emit!` does. Natively, `emit!` drops the data (Anchor's
/// off-chain `sol_log_data` is a no-op), so it goes to the syscall stubs instead, which the
/// test bank routes into the transaction's logs just like the validator.
pub fn emit_event<E: anchor_lang::Event>(event: E) {
    let data = anchor_lang::Event::data(&event);
    #[cfg(target_os = "solana")]
    anchor_lang::solana_program::log::sol_log_data(&[&data]);
    #[cfg(not(target_os = "solana"))]
    solana_sysvar::program_stubs::sol_log_data(&[&data]);
}

#[event]
pub struct MarketCreated {
    pub market: Pubkey,
    pub creator: Pubkey,
    pub mint: Pubkey,
    pub stake_mint: Pubkey,
    pub params: MarketParams,
}

#[event]
pub struct FeesWithdrawn {
    pub market: Pubkey,
    pub to: Pubkey,
    pub amount: u64,
}

#[event]
pub struct ProviderRegistered {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub authority: Pubkey,
    pub operator: Pubkey,
    pub price_per_second: u64,
}

#[event]
pub struct ProviderUpdated {
    pub provider: Pubkey,
    pub old_operator: Pubkey,
    pub new_operator: Pubkey,
    pub old_price_per_second: u64,
    pub new_price_per_second: u64,
}

#[event]
pub struct ProviderPaused {
    pub provider: Pubkey,
    pub by: Pubkey,
}

#[event]
pub struct ProviderResumed {
    pub provider: Pubkey,
    pub by: Pubkey,
}

#[event]
pub struct StakeDeposited {
    pub provider: Pubkey,
    pub amount: u64,
    pub staked: u64,
}

#[event]
pub struct ExitBegun {
    pub provider: Pubkey,
    pub unlock_at: i64,
}

#[event]
pub struct StakeWithdrawn {
    pub provider: Pubkey,
    pub amount: u64,
    pub staked: u64,
}

#[event]
pub struct LeaseOpened {
    pub lease: Pubkey,
    pub market: Pubkey,
    pub consumer: Pubkey,
    pub provider: Pubkey,
    pub nonce: u64,
    pub job_spec_hash: [u8; 32],
    pub price_per_second: u64,
    pub max_price_per_second: u64,
    pub deposit: u64,
}

#[event]
pub struct LeaseAccepted {
    pub lease: Pubkey,
    pub provider: Pubkey,
    pub accepted_at: i64,
}

#[event]
pub struct UsageAttested {
    pub lease: Pubkey,
    pub provider: Pubkey,
    pub from: i64,
    pub until: i64,
    pub seconds: u64,
    pub payout: u64,
    pub fee: u64,
}

#[event]
pub struct LeaseToppedUp {
    pub lease: Pubkey,
    pub amount: u64,
    pub deposited: u64,
}

#[event]
pub struct LeaseMigrated {
    pub lease: Pubkey,
    pub from_provider: Pubkey,
    pub to_provider: Pubkey,
    pub handoff_at: i64,
    pub seconds: u64,
    pub payout: u64,
    pub fee: u64,
    pub old_price_per_second: u64,
    pub new_price_per_second: u64,
    pub migration_count: u16,
}

#[event]
pub struct DisputeOpened {
    pub lease: Pubkey,
    pub provider: Pubkey,
    pub opened_at: i64,
    pub frozen: u64,
    pub reason_hash: [u8; 32],
}

/// Emitted by every instruction that ends a lease: close, reclaim, resolve, expire.
#[event]
pub struct LeaseEnded {
    pub lease: Pubkey,
    pub provider: Pubkey,
    pub by: Pubkey,
    pub outcome: LeaseOutcome,
    pub seconds: u64,
    pub payout: u64,
    pub fee: u64,
    pub refund: u64,
    pub slashed: u64,
    pub at: i64,
}
