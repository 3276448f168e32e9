use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::events::{emit_event, LeaseFinalized};
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};
use crate::token_moves::close_vault;

/// Anyone removes the record of a lease that ended more than a dispute window ago (a cancelled
/// one at once): stray tokens and both accounts' rent go to the consumer, and the provider's
/// stake is one exposure lighter.
#[derive(Accounts)]
pub struct FinalizeLease<'info> {
    pub caller: Signer<'info>,
    /// CHECK: receives the rent; must be the lease's consumer.
    #[account(mut, address = lease.consumer @ SynktiError::Unauthorized)]
    pub consumer: UncheckedAccount<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, close = consumer)]
    pub lease: Box<Account<'info, Lease>>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Box<Account<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint,
        constraint = consumer_token.owner == lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_token: Box<Account<'info, TokenAccount>>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<FinalizeLease>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let LeaseStatus::Ended { outcome, at } = a.lease.status else {
        return err!(SynktiError::LeaseNotEnded);
    };
    let window = if outcome == LeaseOutcome::Cancelled { 0 } else { a.market.dispute_window_secs };
    require!(now > at.saturating_add(window), SynktiError::DisputeWindowOpen);
    let escrow = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program);
    let stray = a.escrow.amount;
    escrow.pay(a.consumer_token.to_account_info(), stray)?;
    close_vault(&a.token_program, &a.escrow, a.consumer.to_account_info(), escrow.lease.clone(), &escrow.signer)?;
    let lease_key = a.lease.key();
    let provider = &mut ctx.accounts.provider;
    provider.lease_record_closed()?;
    provider.exposure_ended_at = provider.exposure_ended_at.max(now);
    emit_event(LeaseFinalized { lease: lease_key, provider: provider.key(), outcome, refund: stray, at: now });
    Ok(())
}
