use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::events::{emit_event, StakeDeposited};
use crate::state::{Market, Provider};
use crate::token_moves::deposit;

#[derive(Accounts)]
pub struct DepositStake<'info> {
    pub authority: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
    #[account(mut, address = provider.stake_vault @ SynktiError::WrongTokenAccount)]
    pub stake_vault: Account<'info, TokenAccount>,
    #[account(address = market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Account<'info, Mint>,
    #[account(mut, constraint = from.mint == market.stake_mint @ SynktiError::WrongMint)]
    pub from: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<DepositStake>, amount: u64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let a = &ctx.accounts;
    deposit(&a.token_program, &a.from, &a.stake_vault, &a.stake_mint, &a.authority, amount)?;
    let provider = &mut ctx.accounts.provider;
    provider.staked = provider.staked.checked_add(amount).ok_or(SynktiError::Overflow)?;
    emit_event(StakeDeposited { provider: provider.key(), amount, staked: provider.staked });
    Ok(())
}
