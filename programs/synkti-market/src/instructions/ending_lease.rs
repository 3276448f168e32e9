//! The accounts every ending of a served lease touches (close, resolve, expire), as one Anchor
//! composite so the checks on them are written once, and the ending itself.
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::{hold_for_provider, vest, Escrow};
use crate::settlement::{self, Settlement};
use crate::signer_seeds::PdaSigner;
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};

#[derive(Accounts)]
pub struct EndingLease<'info> {
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut)]
    pub lease: Box<Account<'info, Lease>>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Box<Account<'info, TokenAccount>>,
    /// The consumer's refund account.
    #[account(
        mut,
        constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint,
        constraint = consumer_token.owner == lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_token: Box<Account<'info, TokenAccount>>,
    /// CHECK: the provider's payout account; used only if it can take the payment (escrow.rs).
    #[account(mut)]
    pub payout: UncheckedAccount<'info>,
    #[account(mut, address = provider.earnings_vault @ SynktiError::WrongTokenAccount)]
    pub earnings_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Box<Account<'info, TokenAccount>>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    pub token_program: Program<'info, Token>,
}

/// What an ending moved, for the `LeaseEnded` event.
#[derive(Default, Clone, Copy)]
pub struct Ended {
    pub settlement: Settlement,
    pub refund: u64,
}

impl<'info> EndingLease<'info> {
    pub fn escrow(&self) -> Escrow<'_, 'info> {
        Escrow::of(&self.lease, &self.escrow, &self.mint, &self.token_program)
    }

    /// The provider's final claim up to `until` (gap-capped, held like any claim of its own),
    /// then everything else owed to the consumer back (the bond apart, which the caller routes).
    pub fn settle_and_refund(&mut self, until: i64, now: i64) -> Result<Ended> {
        let s = crate::escrow::settle_up_to(&self.lease, &self.market, until)?;
        if s.gross > 0 {
            vest(
                &mut self.provider,
                &self.earnings_vault,
                self.fee_vault.to_account_info(),
                &self.mint,
                &self.token_program,
                now,
            )?;
            let escrow = Escrow {
                token_program: &self.token_program,
                escrow: &self.escrow,
                mint: &self.mint,
                lease: self.lease.to_account_info(),
                signer: PdaSigner::lease(&self.lease),
            };
            let vests_at = settlement::vests_at(now, self.market.dispute_window_secs);
            hold_for_provider(&escrow, &self.earnings_vault, &mut self.provider, &mut self.lease, &s, vests_at)?;
            self.lease.settled_until = until.min(self.lease.settled_until.saturating_add(s.seconds as i64));
        }
        let refund = self.refund_rest()?;
        Ok(Ended { settlement: s, refund })
    }

    /// Sends the consumer whatever the escrow holds beyond the bond (including tokens sent to it
    /// directly); the escrow itself stays open until the lease is finalized.
    pub fn refund_rest(&mut self) -> Result<u64> {
        self.escrow.reload()?;
        let refund = self.escrow.amount.checked_sub(self.lease.bond).ok_or(SynktiError::Overflow)?;
        self.escrow().pay(self.consumer_token.to_account_info(), refund)?;
        Ok(refund)
    }

    /// Records the end: the record stays for one dispute window; the provider stops serving it.
    pub fn mark_ended(&mut self, outcome: LeaseOutcome, was_serving: bool, now: i64) -> Result<()> {
        if was_serving {
            self.provider.lease_stopped()?;
        }
        self.lease.status = LeaseStatus::Ended { outcome, at: now };
        Ok(())
    }

    /// A served lease counts as completed only if it paid at least the market's minimum.
    pub fn count_completion(&mut self) {
        if self.lease.paid_to_current >= self.market.min_completion_payment.max(1) {
            let r = &mut self.provider.reputation;
            r.leases_completed = r.leases_completed.saturating_add(1);
        }
    }
}
