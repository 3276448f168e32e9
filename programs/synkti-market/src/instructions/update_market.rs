use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, MarketUpdateApplied, MarketUpdateProposed};
use crate::state::{Market, PendingMarketUpdate};

/// Keys left `None` stay as they are.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct MarketUpdate {
    pub arbiter: Option<Pubkey>,
    pub treasury: Option<Pubkey>,
    pub authority: Option<Pubkey>,
}

#[derive(Accounts)]
pub struct UpdateMarket<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub market: Box<Account<'info, Market>>,
}

#[derive(Accounts)]
pub struct ApplyMarketUpdate<'info> {
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
}

/// Proposes new keys; they take effect only after the governance delay, so every party sees a
/// change of arbiter or treasury coming and leases already open keep the arbiter they had.
pub fn propose(ctx: Context<UpdateMarket>, update: MarketUpdate) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    let pending = PendingMarketUpdate {
        arbiter: update.arbiter.unwrap_or(market.arbiter),
        treasury: update.treasury.unwrap_or(market.treasury),
        authority: update.authority.unwrap_or(market.authority),
        effective_at: now.checked_add(market.governance_delay_secs).ok_or(SynktiError::Overflow)?,
    };
    market.pending_update = Some(pending);
    emit_event(MarketUpdateProposed {
        market: market.key(),
        arbiter: pending.arbiter,
        treasury: pending.treasury,
        authority: pending.authority,
        effective_at: pending.effective_at,
    });
    Ok(())
}

/// Anyone applies a proposal whose delay has passed.
pub fn apply(ctx: Context<ApplyMarketUpdate>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    let pending = market.pending_update.ok_or(SynktiError::NoPendingUpdate)?;
    require!(now >= pending.effective_at, SynktiError::UpdateNotDue);
    market.arbiter = pending.arbiter;
    market.treasury = pending.treasury;
    market.authority = pending.authority;
    market.pending_update = None;
    emit_event(MarketUpdateApplied {
        market: market.key(),
        arbiter: market.arbiter,
        treasury: market.treasury,
        authority: market.authority,
    });
    Ok(())
}
