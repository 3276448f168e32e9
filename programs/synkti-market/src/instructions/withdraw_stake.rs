use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, StakeWithdrawn};
use crate::instructions::stake_transfer::*;
use crate::signer_seeds::PdaSigner;
use crate::state::{Provider, ProviderStatus};
use crate::token_moves::pay_out;

/// Stake leaves only once nothing can still claim it: no lease record (open, disputed, or
/// ended less than a dispute window ago), no unvested pay that a verdict could claw back; and
/// only after the cooldown, counted from the exit and from the end of the last exposure.
fn validate(provider: &Provider, cooldown: i64, amount: u64, now: i64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let ProviderStatus::Exiting { unlock_at } = provider.status else {
        return err!(SynktiError::NotExiting);
    };
    require!(provider.open_leases == 0, SynktiError::OpenLeasesRemain);
    require!(provider.lease_records == 0 && provider.held_total() == 0, SynktiError::ExposureRemains);
    let unlock = unlock_at.max(provider.exposure_ended_at.saturating_add(cooldown));
    require!(now >= unlock, SynktiError::CooldownNotElapsed);
    require!(amount <= provider.staked, SynktiError::WithdrawExceedsStake);
    Ok(())
}

pub fn handler(ctx: Context<StakeTransfer>, amount: u64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    validate(&a.provider, a.market.exit_cooldown_secs, amount, now)?;
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
