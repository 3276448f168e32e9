use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::events::{emit_event, FeesWithdrawn};
use crate::signer_seeds::PdaSigner;
use crate::state::Market;
use crate::token_moves::pay_out;

#[derive(Accounts)]
pub struct WithdrawFees<'info> {
    #[account(address = market.treasury @ SynktiError::Unauthorized)]
    pub treasury: Signer<'info>,
    pub market: Account<'info, Market>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    #[account(mut, constraint = destination.mint == market.mint @ SynktiError::WrongMint)]
    pub destination: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<WithdrawFees>, amount: u64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let a = &ctx.accounts;
    require!(amount <= a.fee_vault.amount, SynktiError::InsufficientFees);
    let signer = PdaSigner::market(&a.market);
    pay_out(
        &a.token_program,
        &a.fee_vault,
        a.destination.to_account_info(),
        &a.mint,
        a.market.to_account_info(),
        &signer,
        amount,
    )?;
    emit_event(FeesWithdrawn { market: a.market.key(), to: a.destination.key(), amount });
    Ok(())
}
