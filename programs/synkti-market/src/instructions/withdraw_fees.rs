use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::events::{emit_event, FeesWithdrawn};
use crate::signer_seeds::PdaSigner;
use crate::state::Market;
use crate::token_moves::pay_out;

/// The treasury takes collected fees (fee vault, payment mint) or slashes (slash vault, stake mint).
#[derive(Accounts)]
pub struct WithdrawFees<'info> {
    #[account(address = market.treasury @ SynktiError::Unauthorized)]
    pub treasury: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(
        mut,
        constraint = vault.key() == market.fee_vault || vault.key() == market.slash_vault @ SynktiError::WrongTokenAccount,
    )]
    pub vault: Box<Account<'info, TokenAccount>>,
    #[account(address = vault.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    #[account(mut, constraint = destination.mint == vault.mint @ SynktiError::WrongMint)]
    pub destination: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<WithdrawFees>, amount: u64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let a = &ctx.accounts;
    require!(amount <= a.vault.amount, SynktiError::InsufficientFees);
    let signer = PdaSigner::market(&a.market);
    pay_out(
        &a.token_program,
        &a.vault,
        a.destination.to_account_info(),
        &a.mint,
        a.market.to_account_info(),
        &signer,
        amount,
    )?;
    emit_event(FeesWithdrawn { market: a.market.key(), vault: a.vault.key(), to: a.destination.key(), amount });
    Ok(())
}
