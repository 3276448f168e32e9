use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, StakeDeposited};
// A glob: the Accounts derive needs the group's generated bumps type and client module too.
use crate::instructions::stake_transfer::*;
use crate::token_moves::deposit;

pub fn handler(ctx: Context<StakeTransfer>, amount: u64) -> Result<()> {
    require!(amount > 0, SynktiError::ZeroAmount);
    let a = &ctx.accounts;
    deposit(&a.token_program, &a.wallet, &a.stake_vault, &a.stake_mint, &a.authority, amount)?;
    let provider = &mut ctx.accounts.provider;
    provider.staked = provider.staked.checked_add(amount).ok_or(SynktiError::Overflow)?;
    emit_event(StakeDeposited { provider: provider.key(), amount, staked: provider.staked });
    Ok(())
}
