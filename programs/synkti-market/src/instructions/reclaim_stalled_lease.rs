use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::events::{emit_event, LeaseEnded};
use crate::settlement::Settlement;
use crate::state::{Lease, LeaseOutcome, Market, Provider};

#[derive(Accounts)]
pub struct ReclaimStalledLease<'info> {
    #[account(mut)]
    pub consumer: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Account<'info, Provider>,
    #[account(mut, has_one = consumer @ SynktiError::Unauthorized, close = consumer)]
    pub lease: Account<'info, Lease>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(mut, constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint)]
    pub consumer_token: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    pub token_program: Program<'info, Token>,
}

/// The provider went silent for longer than the market allows: everything left comes back
/// to the consumer and the provider's record shows a failed lease.
pub fn handler(ctx: Context<ReclaimStalledLease>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    a.lease.require_active()?;
    let stalled_after = a.lease.last_activity_at.saturating_add(a.market.max_attestation_gap_secs);
    require!(now > stalled_after, SynktiError::LeaseNotStalled);
    let nothing = Settlement::default();
    let refund = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program).finish(
        &nothing,
        a.consumer_token.to_account_info(),
        a.consumer_token.to_account_info(),
        a.consumer_token.to_account_info(),
        a.consumer.to_account_info(),
    )?;
    let (lease_key, consumer) = (a.lease.key(), a.consumer.key());
    let provider = &mut ctx.accounts.provider;
    provider.lease_ended()?;
    provider.reputation.leases_failed = provider.reputation.leases_failed.saturating_add(1);
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: provider.key(),
        by: consumer,
        outcome: LeaseOutcome::Reclaimed,
        seconds: 0,
        payout: 0,
        fee: 0,
        refund,
        slashed: 0,
        at: now,
    });
    Ok(())
}
