use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, DisputeOpened};
use crate::state::{Lease, LeaseStatus, Market};

#[derive(Accounts)]
pub struct OpenDispute<'info> {
    pub consumer: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = consumer @ SynktiError::Unauthorized)]
    pub lease: Account<'info, Lease>,
}

/// Freezes the lease: no attestation, hand-off, top-up or close until the arbiter rules or the
/// window expires. The window counts from the last settlement activity, so a consumer can
/// always contest the latest attestation but not reopen old, uncontested history.
pub fn handler(ctx: Context<OpenDispute>, reason_hash: [u8; 32]) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let window = ctx.accounts.market.dispute_window_secs;
    let lease = &mut ctx.accounts.lease;
    lease.require_active()?;
    require!(now <= lease.last_activity_at.saturating_add(window), SynktiError::DisputeWindowClosed);
    lease.status = LeaseStatus::Disputed { opened_at: now };
    emit_event(DisputeOpened {
        lease: lease.key(),
        provider: lease.provider,
        opened_at: now,
        frozen: lease.available()?,
        reason_hash,
    });
    Ok(())
}
