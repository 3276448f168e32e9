use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, ExitBegun};
use crate::state::{Market, Provider, ProviderStatus};

#[derive(Accounts)]
pub struct BeginExit<'info> {
    pub authority: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
}

pub fn handler(ctx: Context<BeginExit>) -> Result<()> {
    let provider = &mut ctx.accounts.provider;
    require!(!matches!(provider.status, ProviderStatus::Exiting { .. }), SynktiError::AlreadyExiting);
    let now = Clock::get()?.unix_timestamp;
    let unlock_at = now.checked_add(ctx.accounts.market.exit_cooldown_secs).ok_or(SynktiError::Overflow)?;
    provider.status = ProviderStatus::Exiting { unlock_at };
    emit_event(ExitBegun { provider: provider.key(), unlock_at });
    Ok(())
}
