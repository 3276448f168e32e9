use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::escrow::settle_up_to;
use crate::events::{emit_event, LeaseEnded};
// A glob: the Accounts derive needs the composite's generated bumps type and client module too.
use crate::instructions::ending_lease::*;
use crate::settlement::Settlement;
use crate::state::{LeaseOutcome, LeaseStatus};

/// Either party ends the lease: the consumer, or the serving provider's operator.
#[derive(Accounts)]
pub struct CloseLease<'info> {
    #[account(
        constraint = signer.key() == ending.lease.consumer || signer.key() == ending.provider.operator
            @ SynktiError::Unauthorized
    )]
    pub signer: Signer<'info>,
    pub ending: EndingLease<'info>,
}

/// Final settlement up to now (see `settle_up_to`): a consumer cannot close to dodge the last
/// interval it used, nor a provider bill a silence longer than the attestation gap.
pub fn handler(ctx: Context<CloseLease>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts.ending;
    let (outcome, s) = match a.lease.status {
        LeaseStatus::Open => (LeaseOutcome::Cancelled, Settlement::default()),
        LeaseStatus::Active => (LeaseOutcome::Completed, settle_up_to(&a.lease, &a.market, now)?),
        LeaseStatus::Disputed { .. } => return err!(SynktiError::LeaseDisputed),
    };
    let refund = a.finish(&s)?;
    let signer = ctx.accounts.signer.key();
    let lease_key = a.lease.key();
    if outcome == LeaseOutcome::Completed {
        let provider = &mut ctx.accounts.ending.provider;
        provider.record_payout(s.seconds, s.payout)?;
        provider.lease_ended()?;
        provider.reputation.leases_completed = provider.reputation.leases_completed.saturating_add(1);
    }
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: ctx.accounts.ending.provider.key(),
        by: signer,
        outcome,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
        refund,
        slashed: 0,
        at: now,
    });
    Ok(())
}
