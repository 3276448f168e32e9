//! Synkti market: leases of GPU time paid from escrow, provider stake, reputation and disputes.
//! Each handler lives in `instructions/<name>.rs` with its accounts; this file only dispatches.
#![allow(unexpected_cfgs)]
use anchor_lang::prelude::*;

pub mod constants;
pub mod error;
pub mod escrow;
pub mod events;
pub mod instructions;
pub mod settlement;
pub mod signer_seeds;
pub mod state;
pub mod token_moves;

pub use instructions::*;
use state::MarketParams;

declare_id!("SYNKmkt111111111111111111111111111111111111");

#[program]
pub mod synkti_market {
    use super::*;

    /// Create a market for a payment mint, with its fee vault and settlement rules.
    pub fn create_market(ctx: Context<CreateMarket>, params: MarketParams) -> Result<()> {
        create_market::handler(ctx, params)
    }

    /// Treasury withdraws collected protocol fees.
    pub fn withdraw_fees(ctx: Context<WithdrawFees>, amount: u64) -> Result<()> {
        withdraw_fees::handler(ctx, amount)
    }

    /// Register a provider (authority = cold wallet) with its operator key, capabilities and price.
    pub fn register_provider(ctx: Context<RegisterProvider>, args: RegisterProviderArgs) -> Result<()> {
        register_provider::handler(ctx, args)
    }

    /// Change operator key, capabilities or price (authority only).
    pub fn update_provider(ctx: Context<UpdateProvider>, args: UpdateProviderArgs) -> Result<()> {
        update_provider::handler(ctx, args)
    }

    /// Stop taking new leases (authority or operator).
    pub fn pause_provider(ctx: Context<SetProviderPaused>) -> Result<()> {
        pause_provider::pause(ctx)
    }

    /// Take new leases again (authority or operator).
    pub fn resume_provider(ctx: Context<SetProviderPaused>) -> Result<()> {
        pause_provider::resume(ctx)
    }

    /// Add stake from the authority's stake-mint account.
    pub fn deposit_stake(ctx: Context<StakeTransfer>, amount: u64) -> Result<()> {
        deposit_stake::handler(ctx, amount)
    }

    /// Start leaving the market; stake unlocks after the market's cooldown.
    pub fn begin_exit(ctx: Context<BeginExit>) -> Result<()> {
        begin_exit::handler(ctx)
    }

    /// Withdraw stake after the cooldown, once no lease is open.
    pub fn withdraw_stake(ctx: Context<StakeTransfer>, amount: u64) -> Result<()> {
        withdraw_stake::handler(ctx, amount)
    }

    /// Consumer opens a lease on one provider, funding its escrow.
    pub fn open_lease(ctx: Context<OpenLease>, args: OpenLeaseArgs) -> Result<()> {
        open_lease::handler(ctx, args)
    }

    /// The provider's operator accepts; billing starts now.
    pub fn accept_lease(ctx: Context<AcceptLease>) -> Result<()> {
        accept_lease::handler(ctx)
    }

    /// Operator attests service up to `until`; paid from escrow minus the protocol fee.
    pub fn attest_usage(ctx: Context<AttestUsage>, until: i64) -> Result<()> {
        attest_usage::handler(ctx, until)
    }

    /// Consumer adds funds to the escrow.
    pub fn top_up_lease(ctx: Context<TopUpLease>, amount: u64) -> Result<()> {
        top_up_lease::handler(ctx, amount)
    }

    /// Failover hand-off: settle the old provider up to `handoff_at`, move the lease to the new one.
    pub fn migrate_lease(ctx: Context<MigrateLease>, handoff_at: i64) -> Result<()> {
        migrate_lease::handler(ctx, handoff_at)
    }

    /// Either party ends the lease: final settlement, refund, rent back to the consumer.
    pub fn close_lease(ctx: Context<CloseLease>) -> Result<()> {
        close_lease::handler(ctx)
    }

    /// Consumer takes back the escrow of a lease whose attestations stopped.
    pub fn reclaim_stalled_lease(ctx: Context<ReclaimStalledLease>) -> Result<()> {
        reclaim_stalled_lease::handler(ctx)
    }

    /// Consumer freezes an active lease within the dispute window.
    pub fn open_dispute(ctx: Context<OpenDispute>, reason_hash: [u8; 32]) -> Result<()> {
        open_dispute::handler(ctx, reason_hash)
    }

    /// Arbiter rules: refund and slash, or release to the provider.
    pub fn resolve_dispute(ctx: Context<ResolveDispute>, verdict: Verdict) -> Result<()> {
        resolve_dispute::handler(ctx, verdict)
    }

    /// Anyone ends a dispute the arbiter left past its window, in the provider's favour.
    pub fn expire_dispute(ctx: Context<ExpireDispute>) -> Result<()> {
        expire_dispute::handler(ctx)
    }
}
