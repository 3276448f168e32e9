use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::events::{emit_event, DisputeOpened};
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market};
use crate::token_moves::deposit;

#[derive(Accounts)]
pub struct OpenDispute<'info> {
    pub consumer: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
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

/// Contests a lease: an active one (billing stops now and the node stops serving it), or one
/// that ended with service less than a dispute window ago. The consumer posts the market's
/// bond, forfeited to the provider if the verdict goes its way, so disputing costs something.
pub fn handler(ctx: Context<OpenDispute>, evidence_hash: [u8; 32]) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let window = a.market.dispute_window_secs;
    let ended_at = match a.lease.status {
        LeaseStatus::Active => None,
        LeaseStatus::Ended { outcome: LeaseOutcome::Completed | LeaseOutcome::Exhausted, at } => {
            require!(now <= at.saturating_add(window), SynktiError::DisputeWindowClosed);
            Some(at)
        }
        LeaseStatus::Disputed { .. } => return err!(SynktiError::LeaseDisputed),
        LeaseStatus::Open | LeaseStatus::Ended { .. } => return err!(SynktiError::LeaseNotActive),
    };
    let bond = a.market.dispute_bond;
    deposit(&a.token_program, &a.consumer_token, &a.escrow, &a.mint, &a.consumer, bond)?;
    let lease = &mut ctx.accounts.lease;
    lease.bond = bond;
    lease.consumer_evidence = evidence_hash;
    lease.status = LeaseStatus::Disputed { opened_at: now, ended_at };
    emit_event(DisputeOpened {
        lease: lease.key(),
        provider: lease.provider,
        opened_at: now,
        ended_at,
        frozen: lease.available()?,
        bond,
        evidence_hash,
    });
    Ok(())
}
