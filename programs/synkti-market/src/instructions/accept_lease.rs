use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, LeaseAccepted};
use crate::state::{Lease, LeaseStatus, Market, Provider};

#[derive(Accounts)]
pub struct AcceptLease<'info> {
    pub operator: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = operator @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
    #[account(mut, constraint = lease.provider == provider.key() @ SynktiError::WrongProvider)]
    pub lease: Account<'info, Lease>,
}

impl AcceptLease<'_> {
    fn validate(&self) -> Result<()> {
        require!(self.lease.status == LeaseStatus::Open, SynktiError::LeaseNotOpen);
        require!(self.provider.is_active(), SynktiError::ProviderNotActive);
        require!(self.provider.staked >= self.market.min_stake, SynktiError::InsufficientStake);
        Ok(())
    }
}

/// Service and billing start now: whatever time passed while the lease waited is free.
pub fn handler(ctx: Context<AcceptLease>) -> Result<()> {
    ctx.accounts.validate()?;
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.provider.lease_started()?;
    let lease = &mut ctx.accounts.lease;
    lease.status = LeaseStatus::Active;
    lease.accepted_at = now;
    lease.settled_until = now;
    lease.last_activity_at = now;
    emit_event(LeaseAccepted { lease: lease.key(), provider: lease.provider, accepted_at: now });
    Ok(())
}
