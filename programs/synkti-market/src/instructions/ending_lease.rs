//! The accounts every ending of a served lease touches (close, resolve, expire), as one Anchor
//! composite so the checks on them are written once.
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::settlement::Settlement;
use crate::state::{Lease, Market, Provider};

#[derive(Accounts)]
pub struct EndingLease<'info> {
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
    /// The consumer's refund account.
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

impl<'info> EndingLease<'info> {
    /// Pays `settlement` to the provider and the market, refunds the rest to the consumer and
    /// closes the escrow; the lease account itself is closed by Anchor (`close = consumer`).
    /// Returns the refund.
    pub fn finish(&self, settlement: &Settlement) -> Result<u64> {
        Escrow::of(&self.lease, &self.escrow, &self.mint, &self.token_program).finish(
            settlement,
            self.payout.to_account_info(),
            self.fee_vault.to_account_info(),
            self.consumer_token.to_account_info(),
            self.consumer.to_account_info(),
        )
    }
}
