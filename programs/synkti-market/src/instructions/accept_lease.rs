use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, LeaseAccepted};
use crate::instructions::open_lease::require_funded;
use crate::state::{Lease, LeaseStatus, Market, Provider};

#[derive(Accounts)]
pub struct AcceptLease<'info> {
    pub operator: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = operator @ SynktiError::Unauthorized)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, constraint = lease.provider == provider.key() @ SynktiError::WrongProvider)]
    pub lease: Box<Account<'info, Lease>>,
}

impl AcceptLease<'_> {
    fn validate(&self) -> Result<()> {
        require!(self.lease.status == LeaseStatus::Open, SynktiError::LeaseNotOpen);
        require!(self.provider.is_active(), SynktiError::ProviderNotActive);
        require!(self.provider.staked >= self.market.min_stake, SynktiError::InsufficientStake);
        require_funded(self.lease.available()?, self.lease.price_per_second, self.market.max_attestation_gap_secs)
    }
}

/// Service and billing start now: whatever time passed while the lease waited is free.
pub fn handler(ctx: Context<AcceptLease>) -> Result<()> {
    ctx.accounts.validate()?;
    let now = Clock::get()?.unix_timestamp;
    let lease = &mut ctx.accounts.lease;
    lease.status = LeaseStatus::Active;
    lease.accepted_at = now;
    lease.provider_since = now;
    lease.settled_until = now;
    lease.last_activity_at = now;
    emit_event(LeaseAccepted { lease: lease.key(), provider: lease.provider, accepted_at: now });
    Ok(())
}
