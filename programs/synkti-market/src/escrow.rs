//! A lease's escrow, which only the lease PDA can move: payments out during the lease, and the
//! last step shared by every way a lease ends (close, reclaim, resolve, expire).
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::settlement::Settlement;
use crate::signer_seeds::PdaSigner;
use crate::state::Lease;
use crate::token_moves::{close_vault, pay_out};

pub struct Escrow<'a, 'info> {
    pub token_program: &'a Program<'info, Token>,
    pub escrow: &'a Account<'info, TokenAccount>,
    pub mint: &'a Account<'info, Mint>,
    pub lease: AccountInfo<'info>,
    pub signer: PdaSigner,
}

impl<'a, 'info> Escrow<'a, 'info> {
    /// The escrow of `lease`, which signs for it.
    pub fn of(
        lease: &'a Account<'info, Lease>,
        escrow: &'a Account<'info, TokenAccount>,
        mint: &'a Account<'info, Mint>,
        token_program: &'a Program<'info, Token>,
    ) -> Self {
        Self { token_program, escrow, mint, lease: lease.to_account_info(), signer: PdaSigner::lease(lease) }
    }

    /// Pays `settlement` out, refunds the rest (including any tokens sent to the escrow
    /// directly), closes the escrow with its rent to `rent_to`. Returns the refund.
    pub fn finish(
        &self,
        settlement: &Settlement,
        payout_to: AccountInfo<'info>,
        fee_vault: AccountInfo<'info>,
        refund_to: AccountInfo<'info>,
        rent_to: AccountInfo<'info>,
    ) -> Result<u64> {
        let refund = self.escrow.amount.checked_sub(settlement.gross).ok_or(SynktiError::Overflow)?;
        self.pay(payout_to, settlement.payout)?;
        self.pay(fee_vault, settlement.fee)?;
        self.pay(refund_to, refund)?;
        close_vault(self.token_program, self.escrow, rent_to, self.lease.clone(), &self.signer)?;
        Ok(refund)
    }

    pub fn pay(&self, to: AccountInfo<'info>, amount: u64) -> Result<()> {
        pay_out(self.token_program, self.escrow, to, self.mint, self.lease.clone(), &self.signer, amount)
    }
}

/// Final pay for a lease that ends (closed at `until`, or found for the provider with `until` the
/// moment the dispute was opened): service since the last settlement up to `until`, but never
/// more than the market's attestation gap past the last activity — a provider that stopped
/// attesting cannot bill the silence — and never more than escrow holds.
pub fn settle_up_to(lease: &Lease, market: &crate::state::Market, until: i64) -> Result<Settlement> {
    let cap = lease.last_activity_at.saturating_add(market.max_attestation_gap_secs);
    Ok(crate::settlement::settle_capped(
        lease.settled_until,
        until.min(cap),
        lease.price_per_second,
        lease.available()?,
        market.fee_bps,
    )?)
}
