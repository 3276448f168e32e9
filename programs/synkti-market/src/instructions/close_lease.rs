use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::events::{emit_event, LeaseEnded};
use crate::settlement::{self, Settlement};
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};

/// Either party ends the lease: the consumer, or the serving provider's operator.
#[derive(Accounts)]
pub struct CloseLease<'info> {
    #[account(
        constraint = signer.key() == lease.consumer || signer.key() == provider.operator @ SynktiError::Unauthorized
    )]
    pub signer: Signer<'info>,
    /// CHECK: receives the lease's and the escrow's rent; must be the lease's consumer.
    #[account(mut, address = lease.consumer @ SynktiError::Unauthorized)]
    pub consumer: UncheckedAccount<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Account<'info, Provider>,
    #[account(mut, close = consumer)]
    pub lease: Account<'info, Lease>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(
        mut,
        constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint,
        constraint = consumer_token.owner == lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_token: Account<'info, TokenAccount>,
    #[account(mut, address = provider.payout @ SynktiError::WrongTokenAccount)]
    pub payout: Account<'info, TokenAccount>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    pub token_program: Program<'info, Token>,
}

/// Final settlement. Service since the last attestation is paid up to now, but never for more
/// than the market's attestation gap: a provider that stopped attesting cannot bill the
/// silence, and a consumer cannot close to dodge the last interval it used.
pub fn handler(ctx: Context<CloseLease>) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let (outcome, s) = match a.lease.status {
        LeaseStatus::Open => (LeaseOutcome::Cancelled, Settlement::default()),
        LeaseStatus::Active => {
            let cap = a.lease.last_activity_at.saturating_add(a.market.max_attestation_gap_secs);
            let s = settlement::settle_capped(
                a.lease.settled_until,
                now.min(cap),
                a.lease.price_per_second,
                a.lease.available()?,
                a.market.fee_bps,
            )?;
            (LeaseOutcome::Completed, s)
        }
        LeaseStatus::Disputed { .. } => return err!(SynktiError::LeaseDisputed),
    };
    let refund = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program).finish(
        &s,
        a.payout.to_account_info(),
        a.fee_vault.to_account_info(),
        a.consumer_token.to_account_info(),
        a.consumer.to_account_info(),
    )?;
    let signer = a.signer.key();
    let lease_key = a.lease.key();
    if outcome == LeaseOutcome::Completed {
        let provider = &mut ctx.accounts.provider;
        provider.record_payout(s.seconds, s.payout)?;
        provider.lease_ended()?;
        provider.reputation.leases_completed += 1;
    }
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: ctx.accounts.provider.key(),
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
