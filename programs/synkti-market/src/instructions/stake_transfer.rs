//! The accounts of a stake movement between the provider's authority and its stake vault,
//! shared by deposit_stake and withdraw_stake so their checks are written once.
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::state::{Market, Provider};

#[derive(Accounts)]
pub struct StakeTransfer<'info> {
    pub authority: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
    #[account(mut, address = provider.stake_vault @ SynktiError::WrongTokenAccount)]
    pub stake_vault: Account<'info, TokenAccount>,
    #[account(address = market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Account<'info, Mint>,
    /// A stake-mint token account: the source of a deposit, the destination of a withdrawal.
    #[account(mut, constraint = wallet.mint == market.stake_mint @ SynktiError::WrongMint)]
    pub wallet: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
}
