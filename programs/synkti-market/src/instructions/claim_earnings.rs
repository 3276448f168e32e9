use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::vest;
use crate::events::{emit_event, EarningsClaimed};
use crate::signer_seeds::PdaSigner;
use crate::state::{Market, Provider};
use crate::token_moves::pay_out;

#[derive(Accounts)]
pub struct ClaimEarnings<'info> {
    pub authority: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, address = provider.earnings_vault @ SynktiError::WrongTokenAccount)]
    pub earnings_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Box<Account<'info, TokenAccount>>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    /// Any payment-mint account the authority names.
    #[account(mut, constraint = destination.mint == market.mint @ SynktiError::WrongMint)]
    pub destination: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
}

/// Vests what has matured, then pays `amount` (all unclaimed when `None`) to `destination`.
pub fn handler(mut ctx: Context<ClaimEarnings>, amount: Option<u64>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &mut ctx.accounts;
    vest(&mut a.provider, &a.earnings_vault, a.fee_vault.to_account_info(), &a.mint, &a.token_program, now)?;
    let amount = amount.unwrap_or(a.provider.unclaimed);
    require!(amount <= a.provider.unclaimed, SynktiError::InsufficientUnclaimed);
    let signer = PdaSigner::provider(&a.provider);
    pay_out(
        &a.token_program,
        &a.earnings_vault,
        a.destination.to_account_info(),
        &a.mint,
        a.provider.to_account_info(),
        &signer,
        amount,
    )?;
    let provider = &mut a.provider;
    provider.unclaimed -= amount;
    emit_event(EarningsClaimed {
        provider: provider.key(),
        to: a.destination.key(),
        amount,
        unclaimed: provider.unclaimed,
        held: provider.held_total(),
    });
    Ok(())
}
