use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, StakeWithdrawn};
use crate::instructions::stake_transfer::*;
use crate::signer_seeds::PdaSigner;
use crate::state::{Provider, ProviderStatus};
use crate::token_moves::pay_out;

/// Stake leaves only after the cooldown and once no lease depends on it: a dispute opened
/// on the last lease must still find something to slash.
fn validate(provider: &Provider, amount: u64, now: i64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let ProviderStatus::Exiting { unlock_at } = provider.status else {
        return err!(SynktiError::NotExiting);
    };
    require!(now >= unlock_at, SynktiError::CooldownNotElapsed);
    require!(provider.open_leases == 0, SynktiError::OpenLeasesRemain);
    require!(amount <= provider.staked, SynktiError::WithdrawExceedsStake);
    Ok(())
}

pub fn handler(ctx: Context<StakeTransfer>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    validate(&a.provider, amount, now)?;
    let signer = PdaSigner::provider(&a.provider);
    pay_out(
        &a.token_program,
        &a.stake_vault,
        a.wallet.to_account_info(),
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
