use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, LeaseEnded};
// A glob: the Accounts derive needs the composite's generated bumps type and client module too.
use crate::instructions::ending_lease::*;
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

/// Final settlement up to now (gap-capped, held for the dispute window): a consumer cannot close
/// to dodge the last interval it used, nor a provider bill a silence longer than the gap. The
/// record stays for one dispute window, so closing cannot end the consumer's right to dispute.
pub fn handler(ctx: Context<CloseLease>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let signer = ctx.accounts.signer.key();
    let e = &mut ctx.accounts.ending;
    let (outcome, ended) = match e.lease.status {
        LeaseStatus::Open => (LeaseOutcome::Cancelled, Ended { refund: e.refund_rest()?, ..Ended::default() }),
        LeaseStatus::Active => (LeaseOutcome::Completed, e.settle_and_refund(now, now)?),
        LeaseStatus::Disputed { .. } => return err!(SynktiError::LeaseDisputed),
        LeaseStatus::Ended { .. } => return err!(SynktiError::LeaseEnded),
    };
    if outcome == LeaseOutcome::Completed {
        e.count_completion();
    }
    e.mark_ended(outcome, true, now)?;
    emit_event(LeaseEnded {
        lease: e.lease.key(),
        provider: e.provider.key(),
        by: signer,
        outcome,
        seconds: ended.settlement.seconds,
        payout: ended.settlement.payout,
        fee: ended.settlement.fee,
        refund: ended.refund,
        clawed_back: 0,
        slashed: 0,
        slash_to_consumer: 0,
        bond: 0,
        at: now,
    });
    Ok(())
}
