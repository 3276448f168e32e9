//! One event per instruction. Events are what off-chain parties index; fields carry the
//! amounts moved so a reader can audit every base unit without re-reading accounts.
use anchor_lang::prelude::*;

use crate::state::{LeaseOutcome, MarketParams, MigrationPolicy};

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
    /// The fee vault (payment mint) or the slash vault (stake mint).
    pub vault: Pubkey,
    pub to: Pubkey,
    pub amount: u64,
}

#[event]
pub struct ProviderRegistered {
    pub market: Pubkey,
    pub provider: Pubkey,
    pub authority: Pubkey,
    pub operator: Pubkey,
    pub index: u16,
    pub price_per_second: u64,
}

#[event]
pub struct ProviderUpdated {
    pub provider: Pubkey,
    pub old_price_per_second: u64,
    pub new_price_per_second: u64,
    pub old_payout: Pubkey,
    pub new_payout: Pubkey,
}

#[event]
pub struct OperatorRotated {
    pub provider: Pubkey,
    pub old_operator: Pubkey,
    pub new_operator: Pubkey,
}

#[event]
pub struct MarketUpdateProposed {
    pub market: Pubkey,
    pub arbiter: Pubkey,
    pub treasury: Pubkey,
    pub authority: Pubkey,
    pub effective_at: i64,
}

#[event]
pub struct MarketUpdateApplied {
    pub market: Pubkey,
    pub arbiter: Pubkey,
    pub treasury: Pubkey,
    pub authority: Pubkey,
}

#[event]
pub struct EarningsClaimed {
    pub provider: Pubkey,
    pub to: Pubkey,
    pub amount: u64,
    pub unclaimed: u64,
    /// Still held (unvested) after this claim.
    pub held: u64,
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
    pub id: u64,
    pub job_spec_hash: [u8; 32],
    pub price_per_second: u64,
    pub policy: MigrationPolicy,
    pub receipt_signer: Pubkey,
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
    /// Backed by the consumer's receipt (paid at once) or not (held until `vests_at`).
    pub verified: bool,
    pub vests_at: i64,
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
    /// Set when the lease had already ended.
    pub ended_at: Option<i64>,
    pub frozen: u64,
    pub bond: u64,
    pub evidence_hash: [u8; 32],
}

#[event]
pub struct EvidenceAdded {
    pub lease: Pubkey,
    pub by: Pubkey,
    pub evidence_hash: [u8; 32],
}

/// Emitted by every instruction that ends a lease: close, reclaim, resolve, expire.
/// `payout`/`fee` of the final interval are held for the dispute window.
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
    /// Unvested pay returned to the consumer by a refund verdict.
    pub clawed_back: u64,
    /// Stake taken; `slash_to_consumer` of it went to the consumer, the rest to the slash vault.
    pub slashed: u64,
    pub slash_to_consumer: u64,
    /// The dispute bond: back to the consumer on Refund, to the provider on Release.
    pub bond: u64,
    pub at: i64,
}

/// The record of an ended lease is gone; `refund` is what stray tokens its escrow still held.
#[event]
pub struct LeaseFinalized {
    pub lease: Pubkey,
    pub provider: Pubkey,
    pub outcome: LeaseOutcome,
    pub refund: u64,
    pub at: i64,
}
