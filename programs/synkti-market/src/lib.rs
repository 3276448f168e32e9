//! Synkti market: leases of GPU time paid from escrow, provider stake, reputation and disputes.
//! Each handler lives in `instructions/<name>.rs` with its accounts; this file only dispatches.
#![allow(unexpected_cfgs)]
use anchor_lang::prelude::*;

pub mod constants;
pub mod create;
pub mod error;
pub mod escrow;
pub mod events;
pub mod instructions;
pub mod receipt;
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

    /// The market's authority proposes new keys (arbiter, treasury, authority), due after the delay.
    pub fn update_market(ctx: Context<UpdateMarket>, update: MarketUpdate) -> Result<()> {
        update_market::propose(ctx, update)
    }

    /// Anyone applies a proposed market update once its delay has passed.
    pub fn apply_market_update(ctx: Context<ApplyMarketUpdate>) -> Result<()> {
        update_market::apply(ctx)
    }

    /// Treasury withdraws collected protocol fees or slashes.
    pub fn withdraw_fees(ctx: Context<WithdrawFees>, amount: u64) -> Result<()> {
        withdraw_fees::handler(ctx, amount)
    }

    /// Register a provider (authority = cold wallet, operator = node key, both sign) with its price.
    pub fn register_provider(ctx: Context<RegisterProvider>, args: RegisterProviderArgs) -> Result<()> {
        register_provider::handler(ctx, args)
    }

    /// Change capabilities, price or payout account (authority only).
    pub fn update_provider(ctx: Context<UpdateProvider>, args: UpdateProviderArgs) -> Result<()> {
        update_provider::handler(ctx, args)
    }

    /// Move a provider to a new operator key (authority and new operator sign).
    pub fn rotate_operator(ctx: Context<RotateOperator>) -> Result<()> {
        rotate_operator::handler(ctx)
    }

    /// Vest matured held pay and send unclaimed earnings where the authority says.
    pub fn claim_earnings(ctx: Context<ClaimEarnings>, amount: Option<u64>) -> Result<()> {
        claim_earnings::handler(ctx, amount)
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

    /// Withdraw stake after the cooldown, once nothing can claim it any more.
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

    /// Operator attests service up to `until`: paid at once with a receipt, else held back.
    pub fn attest_usage(ctx: Context<AttestUsage>, args: AttestUsageArgs) -> Result<()> {
        attest_usage::handler(ctx, args)
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

    /// Consumer contests an active lease, or one ended within the window, posting the bond.
    pub fn open_dispute(ctx: Context<OpenDispute>, evidence_hash: [u8; 32]) -> Result<()> {
        open_dispute::handler(ctx, evidence_hash)
    }

    /// Either party records its evidence hash on an open dispute.
    pub fn add_evidence(ctx: Context<AddEvidence>, evidence_hash: [u8; 32]) -> Result<()> {
        add_evidence::handler(ctx, evidence_hash)
    }

    /// The lease's arbiter rules: refund (claw back, bounded slash) or release to the provider.
    pub fn resolve_dispute(ctx: Context<ResolveDispute>, verdict: Verdict) -> Result<()> {
        resolve_dispute::handler(ctx, verdict)
    }

    /// Anyone ends a dispute the arbiter left past its window, in the provider's favour.
    pub fn expire_dispute(ctx: Context<ExpireDispute>) -> Result<()> {
        expire_dispute::handler(ctx)
    }

    /// Anyone removes an ended lease's record after its dispute window; rent to the consumer.
    pub fn finalize_lease(ctx: Context<FinalizeLease>) -> Result<()> {
        finalize_lease::handler(ctx)
    }
}
