//! Money out of a lease's escrow, which only the lease PDA can move, and the provider's side of
//! it: pay that is final goes to the payout account while that account can take it (else it is
//! credited to the earnings vault, so no ending depends on an account the provider controls);
//! self-attested pay is held in the earnings vault until it vests.
use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::settlement::{self, Settlement};
use crate::signer_seeds::PdaSigner;
use crate::state::{Lease, Market, Provider, Tranche};
use crate::token_moves::pay_out;

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

    pub fn pay(&self, to: AccountInfo<'info>, amount: u64) -> Result<()> {
        pay_out(self.token_program, self.escrow, to, self.mint, self.lease.clone(), &self.signer, amount)
    }
}

/// Where a provider's money goes: its payout account, or its earnings vault.
pub struct ProviderAccounts<'a, 'info> {
    pub payout: &'a AccountInfo<'info>,
    pub earnings_vault: &'a Account<'info, TokenAccount>,
}

impl<'info> ProviderAccounts<'_, 'info> {
    /// The payout account can receive a transfer of `mint` now: it is the recorded one, an
    /// initialised, unfrozen token account of the mint. A closed, frozen or foreign account is not.
    pub fn payout_usable(&self, provider: &Provider, mint: &Pubkey) -> bool {
        let info = self.payout;
        if info.key() != provider.payout || info.owner != &anchor_spl::token::ID {
            return false;
        }
        let Ok(data) = info.try_borrow_data() else { return false };
        match TokenAccount::try_deserialize(&mut &data[..]) {
            Ok(account) => account.mint == *mint && !account.is_frozen(),
            Err(_) => false,
        }
    }
}

/// Pays final (vested or receipt-backed) money from `from` to the provider: its payout account
/// if usable, else credited as unclaimed in its earnings vault.
pub fn pay_provider<'info>(
    escrow: &Escrow<'_, 'info>,
    to: &ProviderAccounts<'_, 'info>,
    provider: &mut Provider,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    if to.payout_usable(provider, &escrow.mint.key()) {
        return escrow.pay(to.payout.clone(), amount);
    }
    escrow.pay(to.earnings_vault.to_account_info(), amount)?;
    provider.unclaimed = provider.unclaimed.checked_add(amount).ok_or(SynktiError::Overflow)?;
    Ok(())
}

/// Adds `payout`/`fee` to the tranche vesting at `vests_at`, or to a free one.
pub fn hold(tranches: &mut [Tranche], vests_at: i64, payout: u64, fee: u64) -> Result<()> {
    let slot = match tranches.iter().position(|t| t.vests_at == vests_at) {
        Some(i) => i,
        None => tranches.iter().position(|t| t.payout == 0 && t.fee == 0).ok_or(SynktiError::Overflow)?,
    };
    let t = &mut tranches[slot];
    t.vests_at = vests_at;
    t.payout = t.payout.checked_add(payout).ok_or(SynktiError::Overflow)?;
    t.fee = t.fee.checked_add(fee).ok_or(SynktiError::Overflow)?;
    Ok(())
}

/// Drops every tranche vested by `now`; returns what they held (payout, fee).
pub fn take_vested(tranches: &mut [Tranche], now: i64) -> (u64, u64) {
    let (mut payout, mut fee) = (0u64, 0u64);
    for t in tranches.iter_mut().filter(|t| t.vests_at <= now) {
        payout = payout.saturating_add(t.payout);
        fee = fee.saturating_add(t.fee);
        *t = Tranche::default();
    }
    (payout, fee)
}

/// Vests the provider's matured tranches: payouts become unclaimed, fees go from the earnings
/// vault to the market. Run before holding anything new, so two tranches always suffice.
pub fn vest<'info>(
    provider: &mut Account<'info, Provider>,
    earnings_vault: &Account<'info, TokenAccount>,
    fee_vault: AccountInfo<'info>,
    mint: &Account<'info, Mint>,
    token_program: &Program<'info, Token>,
    now: i64,
) -> Result<()> {
    let (payout, fee) = take_vested(&mut provider.held, now);
    if payout > 0 || fee > 0 {
        provider.exposure_ended_at = provider.exposure_ended_at.max(now);
    }
    provider.unclaimed = provider.unclaimed.checked_add(payout).ok_or(SynktiError::Overflow)?;
    let signer = PdaSigner::provider(provider);
    pay_out(token_program, earnings_vault, fee_vault, mint, provider.to_account_info(), &signer, fee)
}

/// Pays a provider's own claim (no receipt): the money leaves escrow into the earnings vault and
/// is held there, on the provider and on the lease, until it vests.
pub fn hold_for_provider<'info>(
    escrow: &Escrow<'_, 'info>,
    earnings_vault: &Account<'info, TokenAccount>,
    provider: &mut Provider,
    lease: &mut Lease,
    s: &Settlement,
    vests_at: i64,
) -> Result<()> {
    escrow.pay(earnings_vault.to_account_info(), s.gross)?;
    hold(&mut provider.held, vests_at, s.payout, s.fee)?;
    // The lease's tranches only mirror the provider's for a clawback: the vested ones are moot,
    // and dropping them keeps two slots enough (the provider's own are vested by `vest` first).
    // Without it, a lease self-attested in a third window-sized bucket failed with Overflow.
    take_vested(&mut lease.held, Clock::get()?.unix_timestamp);
    hold(&mut lease.held, vests_at, s.payout, s.fee)?;
    lease.record_settlement(s.payout, s.fee)?;
    provider.record_payout(s.seconds, s.payout, false);
    Ok(())
}

/// The provider's final claim when a lease ends or changes hands: from the last settlement up
/// to `until`, but never more than the attestation gap past the last activity (a provider that
/// stopped attesting cannot bill the silence) and never more than escrow holds.
pub fn settle_up_to(lease: &Lease, market: &Market, until: i64) -> Result<Settlement> {
    let until = settlement::attestable_until(lease.last_activity_at, market.max_attestation_gap_secs, until);
    Ok(settlement::settle_capped(
        lease.settled_until,
        until,
        lease.price_per_second,
        lease.available()?,
        market.fee_bps,
    )?)
}

/// A refund verdict takes back the current provider's pay from this lease that has not vested:
/// from the lease's tranches, matched against the provider's (which hold at least as much).
/// Returns the gross taken back, to be paid from the earnings vault to the consumer.
pub fn claw_back(provider: &mut Provider, lease: &mut Lease, now: i64) -> u64 {
    let mut taken = 0u64;
    for lt in lease.held.iter_mut() {
        if lt.vests_at > now {
            if let Some(pt) = provider.held.iter_mut().find(|pt| pt.vests_at == lt.vests_at) {
                let payout = lt.payout.min(pt.payout);
                let fee = lt.fee.min(pt.fee);
                pt.payout -= payout;
                pt.fee -= fee;
                provider.reputation.earned = provider.reputation.earned.saturating_sub(payout);
                taken = taken.saturating_add(payout).saturating_add(fee);
            }
        }
        *lt = Tranche::default();
    }
    taken
}
