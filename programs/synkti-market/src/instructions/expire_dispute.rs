use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::escrow::settle_up_to;
// A glob: the Accounts derive needs the composite's generated bumps type and client module too.
use crate::events::{emit_event, LeaseEnded};
use crate::instructions::ending_lease::*;
use crate::state::{LeaseOutcome, LeaseStatus};

/// Anyone may call it: an arbiter who does not rule in time must not hold funds hostage.
#[derive(Accounts)]
pub struct ExpireDispute<'info> {
    pub caller: Signer<'info>,
    pub ending: EndingLease<'info>,
}

pub fn handler(ctx: Context<ExpireDispute>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts.ending;
    let LeaseStatus::Disputed { opened_at } = a.lease.status else {
        return err!(SynktiError::LeaseNotDisputed);
    };
    require!(now > opened_at.saturating_add(a.market.dispute_window_secs), SynktiError::DisputeWindowOpen);
    let s = settle_up_to(&a.lease, &a.market, opened_at)?;
    let refund = a.finish(&s)?;
    let (lease_key, caller) = (a.lease.key(), ctx.accounts.caller.key());
    let provider = &mut ctx.accounts.ending.provider;
    provider.won_dispute(s.seconds, s.payout)?;
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: provider.key(),
        by: caller,
        outcome: LeaseOutcome::Released,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
        refund,
        slashed: 0,
        at: now,
    });
    Ok(())
}
