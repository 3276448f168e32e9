use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::{release_settlement, Escrow};
use crate::events::{emit_event, LeaseEnded};
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};

/// Anyone may call it: an arbiter who does not rule in time must not hold funds hostage.
#[derive(Accounts)]
pub struct ExpireDispute<'info> {
    pub caller: Signer<'info>,
    /// CHECK: receives the lease's and the escrow's rent; must be the lease's consumer.
    #[account(mut, address = lease.consumer @ SynktiError::Unauthorized)]
    pub consumer: UncheckedAccount<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Account<'info, Provider>,
    #[account(mut, close = consumer)]
    pub lease: Account<'info, Lease>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(
        mut,
        constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint,
        constraint = consumer_token.owner == lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_token: Account<'info, TokenAccount>,
    #[account(mut, address = provider.payout @ SynktiError::WrongTokenAccount)]
    pub payout: Account<'info, TokenAccount>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<ExpireDispute>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let LeaseStatus::Disputed { opened_at } = a.lease.status else {
        return err!(SynktiError::LeaseNotDisputed);
    };
    require!(now > opened_at.saturating_add(a.market.dispute_window_secs), SynktiError::DisputeWindowOpen);
    let s = release_settlement(&a.lease, &a.market, opened_at)?;
    let refund = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program).finish(
        &s,
        a.payout.to_account_info(),
        a.fee_vault.to_account_info(),
        a.consumer_token.to_account_info(),
        a.consumer.to_account_info(),
    )?;
    let (lease_key, caller) = (a.lease.key(), a.caller.key());
    let provider = &mut ctx.accounts.provider;
    provider.won_dispute(s.seconds, s.payout)?;
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: provider.key(),
        by: caller,
        outcome: LeaseOutcome::Released,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
        refund,
        slashed: 0,
        at: now,
    });
    Ok(())
}
