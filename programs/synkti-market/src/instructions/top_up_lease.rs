use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::events::{emit_event, LeaseToppedUp};
use crate::state::{Lease, LeaseStatus};
use crate::token_moves::deposit;

#[derive(Accounts)]
pub struct TopUpLease<'info> {
    pub consumer: Signer<'info>,
    #[account(mut, has_one = consumer @ SynktiError::Unauthorized)]
    pub lease: Box<Account<'info, Lease>>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(address = escrow.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    #[account(mut, constraint = consumer_token.mint == escrow.mint @ SynktiError::WrongMint)]
    pub consumer_token: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<TopUpLease>, amount: u64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let a = &ctx.accounts;
    match a.lease.status {
        LeaseStatus::Disputed { .. } => return err!(SynktiError::LeaseDisputed),
        LeaseStatus::Ended { .. } => return err!(SynktiError::LeaseEnded),
        LeaseStatus::Open | LeaseStatus::Active => {}
    }
    deposit(&a.token_program, &a.consumer_token, &a.escrow, &a.mint, &a.consumer, amount)?;
    let lease = &mut ctx.accounts.lease;
    lease.deposited = lease.deposited.checked_add(amount).ok_or(SynktiError::Overflow)?;
    emit_event(LeaseToppedUp { lease: lease.key(), amount, deposited: lease.deposited });
    Ok(())
}
