use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::events::{emit_event, StakeWithdrawn};
use crate::signer_seeds::PdaSigner;
use crate::state::{Market, Provider, ProviderStatus};
use crate::token_moves::pay_out;

#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    pub authority: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
    #[account(mut, address = provider.stake_vault @ SynktiError::WrongTokenAccount)]
    pub stake_vault: Account<'info, TokenAccount>,
    #[account(address = market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Account<'info, Mint>,
    #[account(mut, constraint = destination.mint == market.stake_mint @ SynktiError::WrongMint)]
    pub destination: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
}

impl WithdrawStake<'_> {
    /// Stake leaves only after the cooldown and once no lease depends on it: a dispute opened
    /// on the last lease must still find something to slash.
    fn validate(&self, amount: u64, now: i64) -> Result<()> {
        require!(amount > 0, SynktiError::ZeroAmount);
        let ProviderStatus::Exiting { unlock_at } = self.provider.status else {
            return err!(SynktiError::NotExiting);
        };
        require!(now >= unlock_at, SynktiError::CooldownNotElapsed);
        require!(self.provider.open_leases == 0, SynktiError::OpenLeasesRemain);
        require!(amount <= self.provider.staked, SynktiError::WithdrawExceedsStake);
        Ok(())
    }
}

pub fn handler(ctx: Context<WithdrawStake>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(amount, now)?;
    let a = &ctx.accounts;
    let signer = PdaSigner::provider(&a.provider);
    pay_out(
        &a.token_program,
        &a.stake_vault,
        a.destination.to_account_info(),
        &a.stake_mint,
        a.provider.to_account_info(),
        &signer,
        amount,
    )?;
    let provider = &mut ctx.accounts.provider;
    provider.staked = provider.staked.checked_sub(amount).ok_or(SynktiError::Overflow)?;
    emit_event(StakeWithdrawn { provider: provider.key(), amount, staked: provider.staked });
    Ok(())
}
