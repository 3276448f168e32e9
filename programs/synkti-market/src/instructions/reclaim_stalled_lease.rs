use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::events::{emit_event, LeaseEnded};
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};

#[derive(Accounts)]
pub struct ReclaimStalledLease<'info> {
    pub consumer: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, has_one = consumer @ SynktiError::Unauthorized)]
    pub lease: Box<Account<'info, Lease>>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Box<Account<'info, TokenAccount>>,
    #[account(mut, constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint)]
    pub consumer_token: Box<Account<'info, TokenAccount>>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    pub token_program: Program<'info, Token>,
}

/// The provider went silent for longer than the market allows: everything left comes back to
/// the consumer. If the escrow could not pay even one more second, the silence is the empty
/// escrow's doing and the lease ends `Exhausted`; otherwise the provider's record shows a failure.
pub fn handler(ctx: Context<ReclaimStalledLease>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    a.lease.require_active()?;
    require!(a.market.stalled(a.lease.last_activity_at, now), SynktiError::LeaseNotStalled);
    let exhausted = a.lease.available()? < a.lease.price_per_second;
    let refund = a.escrow.amount;
    Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program).pay(a.consumer_token.to_account_info(), refund)?;
    let (lease_key, consumer) = (a.lease.key(), a.consumer.key());
    let provider = &mut ctx.accounts.provider;
    provider.lease_stopped()?;
    let outcome = if exhausted {
        LeaseOutcome::Exhausted
    } else {
        provider.reputation.leases_failed = provider.reputation.leases_failed.saturating_add(1);
        LeaseOutcome::Reclaimed
    };
    let provider_key = provider.key();
    ctx.accounts.lease.status = LeaseStatus::Ended { outcome, at: now };
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: provider_key,
        by: consumer,
        outcome,
        seconds: 0,
        payout: 0,
        fee: 0,
        refund,
        clawed_back: 0,
        slashed: 0,
        slash_to_consumer: 0,
        bond: 0,
        at: now,
    });
    Ok(())
}
