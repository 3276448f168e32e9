use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, LeaseEnded};
// A glob: the Accounts derive needs the composite's generated bumps type and client module too.
use crate::instructions::ending_lease::*;
use crate::instructions::resolve_dispute::{disputed, release};
use crate::state::LeaseOutcome;

/// Anyone may call it: an arbiter who does not rule in time must not hold funds hostage.
#[derive(Accounts)]
pub struct ExpireDispute<'info> {
    pub caller: Signer<'info>,
    pub ending: EndingLease<'info>,
}

pub fn handler(ctx: Context<ExpireDispute>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let caller = ctx.accounts.caller.key();
    let e = &mut ctx.accounts.ending;
    let (opened_at, ended_at) = disputed(e.lease.status)?;
    require!(now > opened_at.saturating_add(e.market.dispute_window_secs), SynktiError::DisputeWindowOpen);
    let bond = e.lease.bond;
    let ended = release(e, opened_at, ended_at, now)?;
    emit_event(LeaseEnded {
        lease: e.lease.key(),
        provider: e.provider.key(),
        by: caller,
        outcome: LeaseOutcome::Released,
        seconds: ended.settlement.seconds,
        payout: ended.settlement.payout,
        fee: ended.settlement.fee,
        refund: ended.refund,
        clawed_back: 0,
        slashed: 0,
        slash_to_consumer: 0,
        bond,
        at: now,
    });
    Ok(())
}
