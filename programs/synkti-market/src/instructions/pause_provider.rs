use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, ProviderPaused, ProviderResumed};
use crate::state::{Provider, ProviderStatus};

/// Pause and resume share their accounts: the provider's authority or its operator.
#[derive(Accounts)]
pub struct SetProviderPaused<'info> {
    pub signer: Signer<'info>,
    #[account(mut, constraint = provider.is_controller(&signer.key()) @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
}

pub fn pause(ctx: Context<SetProviderPaused>) -> Result<()> {
    let provider = &mut ctx.accounts.provider;
    match provider.status {
        ProviderStatus::Active => provider.status = ProviderStatus::Paused,
        ProviderStatus::Paused => return err!(SynktiError::AlreadyPaused),
        ProviderStatus::Exiting { .. } => return err!(SynktiError::AlreadyExiting),
    }
    emit_event(ProviderPaused { provider: provider.key(), by: ctx.accounts.signer.key() });
    Ok(())
}

pub fn resume(ctx: Context<SetProviderPaused>) -> Result<()> {
    let provider = &mut ctx.accounts.provider;
    require!(provider.status == ProviderStatus::Paused, SynktiError::NotPaused);
    provider.status = ProviderStatus::Active;
    emit_event(ProviderResumed { provider: provider.key(), by: ctx.accounts.signer.key() });
    Ok(())
}
