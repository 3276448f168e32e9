use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::{hold_for_provider, settle_up_to, vest, Escrow};
use crate::events::{emit_event, LeaseMigrated};
use crate::settlement;
use crate::state::{Lease, Market, Provider, Tranche, TRANCHES};

/// Failover hand-off. Both operators sign: the old one vouches for the hand-off time it is
/// paid up to, the new one commits to serving from then on; the consumer signs too unless its
/// policy lets providers move the lease without it.
#[derive(Accounts)]
pub struct MigrateLease<'info> {
    pub old_operator: Signer<'info>,
    pub new_operator: Signer<'info>,
    /// The consumer, when its policy requires its consent.
    pub consumer: Option<Signer<'info>>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, constraint = old_provider.operator == old_operator.key() @ SynktiError::Unauthorized)]
    pub old_provider: Box<Account<'info, Provider>>,
    #[account(
        mut,
        constraint = new_provider.operator == new_operator.key() @ SynktiError::Unauthorized,
        constraint = new_provider.market == market.key() @ SynktiError::WrongMarket,
    )]
    pub new_provider: Box<Account<'info, Provider>>,
    #[account(mut, constraint = lease.provider == old_provider.key() @ SynktiError::WrongProvider)]
    pub lease: Box<Account<'info, Lease>>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = old_provider.earnings_vault @ SynktiError::WrongTokenAccount)]
    pub old_earnings_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Box<Account<'info, TokenAccount>>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    pub token_program: Program<'info, Token>,
}

impl MigrateLease<'_> {
    fn validate(&self, handoff_at: i64, now: i64) -> Result<()> {
        let (lease, new) = (&self.lease, &self.new_provider);
        lease.require_active()?;
        if !lease.policy.providers_may_migrate {
            let signed = self.consumer.as_ref().is_some_and(|c| c.key() == lease.consumer);
            require!(signed, SynktiError::ConsumerConsentRequired);
        }
        require!(lease.migration_count < lease.policy.max_migrations, SynktiError::MigrationLimitReached);
        require!(!self.market.stalled(lease.last_activity_at, now), SynktiError::LeaseStalled);
        require_keys_neq!(new.key(), self.old_provider.key(), SynktiError::SameProvider);
        require!(lease.consumer != new.authority && lease.consumer != new.operator, SynktiError::SelfDealing);
        require!(new.is_active(), SynktiError::ProviderNotActive);
        require!(new.staked >= self.market.min_stake, SynktiError::InsufficientStake);
        require!(new.price_per_second <= lease.policy.max_price_per_second, SynktiError::PriceAboveCap);
        require!(handoff_at >= lease.settled_until && handoff_at <= now, SynktiError::InvalidHandoffTime);
        require!(handoff_at > lease.provider_since, SynktiError::ZeroLengthHandoff);
        Ok(())
    }
}

/// The old provider's last interval is settled up to the hand-off (gap-capped, held like any
/// claim of its own); billing at the new provider's price runs from the hand-off.
pub fn handler(mut ctx: Context<MigrateLease>, handoff_at: i64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    ctx.accounts.validate(handoff_at, now)?;
    let a = &mut ctx.accounts;
    let s = settle_up_to(&a.lease, &a.market, handoff_at)?;
    if s.gross > 0 {
        vest(
            &mut a.old_provider,
            &a.old_earnings_vault,
            a.fee_vault.to_account_info(),
            &a.mint,
            &a.token_program,
            now,
        )?;
        let escrow = Escrow {
            token_program: &a.token_program,
            escrow: &a.escrow,
            mint: &a.mint,
            lease: a.lease.to_account_info(),
            signer: crate::signer_seeds::PdaSigner::lease(&a.lease),
        };
        let vests_at = settlement::vests_at(now, a.market.dispute_window_secs);
        hold_for_provider(&escrow, &a.old_earnings_vault, &mut a.old_provider, &mut a.lease, &s, vests_at)?;
    }
    let old = &mut a.old_provider;
    old.lease_stopped()?;
    old.lease_record_closed()?;
    old.exposure_ended_at = old.exposure_ended_at.max(now);
    old.reputation.failovers_handed_off = old.reputation.failovers_handed_off.saturating_add(1);
    let old_key = old.key();
    let new = &mut a.new_provider;
    new.lease_opened()?;
    new.reputation.failovers_taken = new.reputation.failovers_taken.saturating_add(1);
    let (new_key, new_price) = (new.key(), new.price_per_second);

    let lease = &mut a.lease;
    let old_price = lease.price_per_second;
    lease.provider = new_key;
    lease.price_per_second = new_price;
    lease.provider_since = handoff_at;
    lease.settled_until = handoff_at;
    lease.last_activity_at = now;
    lease.paid_to_current = 0;
    lease.held = [Tranche::default(); TRANCHES];
    lease.migration_count = lease.migration_count.saturating_add(1);
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
