use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::events::{emit_event, LeaseMigrated};
use crate::settlement;
use crate::state::{Lease, Market, Provider};

/// Failover hand-off. Both operators sign: the old one vouches for the hand-off time it is
/// paid up to, the new one commits to serving from then on.
#[derive(Accounts)]
pub struct MigrateLease<'info> {
    pub old_operator: Signer<'info>,
    pub new_operator: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, constraint = old_provider.operator == old_operator.key() @ SynktiError::Unauthorized)]
    pub old_provider: Account<'info, Provider>,
    #[account(
        mut,
        constraint = new_provider.operator == new_operator.key() @ SynktiError::Unauthorized,
        constraint = new_provider.market == market.key() @ SynktiError::WrongMarket,
    )]
    pub new_provider: Account<'info, Provider>,
    #[account(mut, constraint = lease.provider == old_provider.key() @ SynktiError::WrongProvider)]
    pub lease: Account<'info, Lease>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(mut, address = old_provider.payout @ SynktiError::WrongTokenAccount)]
    pub old_payout: Account<'info, TokenAccount>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    pub token_program: Program<'info, Token>,
}

impl MigrateLease<'_> {
    fn validate(&self, handoff_at: i64, now: i64) -> Result<()> {
        self.lease.require_active()?;
        require_keys_neq!(self.new_provider.key(), self.old_provider.key(), SynktiError::SameProvider);
        require!(self.new_provider.is_active(), SynktiError::ProviderNotActive);
        require!(self.new_provider.staked >= self.market.min_stake, SynktiError::InsufficientStake);
        require!(self.new_provider.price_per_second <= self.lease.max_price_per_second, SynktiError::PriceAboveCap);
        require!(handoff_at >= self.lease.settled_until && handoff_at <= now, SynktiError::InvalidHandoffTime);
        Ok(())
    }
}

pub fn handler(ctx: Context<MigrateLease>, handoff_at: i64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(handoff_at, now)?;
    let a = &ctx.accounts;
    let s = settlement::settle_capped(
        a.lease.settled_until,
        handoff_at,
        a.lease.price_per_second,
        a.lease.available()?,
        a.market.fee_bps,
    )?;
    let escrow = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program);
    escrow.pay(a.old_payout.to_account_info(), s.payout)?;
    escrow.pay(a.fee_vault.to_account_info(), s.fee)?;

    let old = &mut ctx.accounts.old_provider;
    old.record_payout(s.seconds, s.payout)?;
    old.lease_ended()?;
    old.reputation.failovers_handed_off = old.reputation.failovers_handed_off.saturating_add(1);
    let old_key = old.key();
    let new = &mut ctx.accounts.new_provider;
    new.lease_started()?;
    new.reputation.failovers_taken = new.reputation.failovers_taken.saturating_add(1);
    let (new_key, new_price) = (new.key(), new.price_per_second);

    let lease = &mut ctx.accounts.lease;
    let old_price = lease.price_per_second;
    lease.record_settlement(s.payout, s.fee)?;
    lease.provider = new_key;
    lease.price_per_second = new_price;
    lease.settled_until = handoff_at;
    lease.last_activity_at = now;
    lease.migration_count = lease.migration_count.checked_add(1).ok_or(SynktiError::Overflow)?;
    emit_event(LeaseMigrated {
        lease: lease.key(),
        from_provider: old_key,
        to_provider: new_key,
        handoff_at,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
        old_price_per_second: old_price,
        new_price_per_second: new_price,
        migration_count: lease.migration_count,
    });
    Ok(())
}
