use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::Escrow;
use crate::events::{emit_event, UsageAttested};
use crate::settlement;
use crate::state::{Lease, Market, Provider};

#[derive(Accounts)]
pub struct AttestUsage<'info> {
    pub operator: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, has_one = operator @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
    #[account(mut, constraint = lease.provider == provider.key() @ SynktiError::WrongProvider)]
    pub lease: Account<'info, Lease>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(mut, address = provider.payout @ SynktiError::WrongTokenAccount)]
    pub payout: Account<'info, TokenAccount>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    pub token_program: Program<'info, Token>,
}

/// Pays for service from the last settlement up to `until`, from escrow, at the lease's price.
pub fn handler(ctx: Context<AttestUsage>, until: i64) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    a.lease.require_active()?;
    let from = a.lease.settled_until;
    let s = settlement::attest(from, until, now, a.lease.price_per_second, a.lease.available()?, a.market.fee_bps)?;
    let escrow = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program);
    escrow.pay(a.payout.to_account_info(), s.payout)?;
    escrow.pay(a.fee_vault.to_account_info(), s.fee)?;
    ctx.accounts.provider.record_payout(s.seconds, s.payout)?;
    let lease = &mut ctx.accounts.lease;
    lease.record_settlement(s.payout, s.fee)?;
    lease.settled_until = until;
    lease.last_activity_at = now;
    emit_event(UsageAttested {
        lease: lease.key(),
        provider: lease.provider,
        from,
        until,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
    });
    Ok(())
}
