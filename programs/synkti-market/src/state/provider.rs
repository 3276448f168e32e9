use anchor_lang::prelude::*;

use crate::constants::MAX_LABEL_LEN;
use crate::error::SynktiError;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Cloud {
    Aws,
    Hetzner,
    Ovh,
    Local,
    Other,
}

/// What the provider's machine offers. Self-declared on chain; the node's preflight checks
/// it against the hardware, and verifier challenges check it over P2P.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq, InitSpace)]
pub struct Capabilities {
    #[max_len(32)]
    pub gpu_model: String,
    pub gpu_count: u8,
    /// Per GPU.
    pub vram_gb: u16,
    pub cloud: Cloud,
    #[max_len(32)]
    pub region: String,
    #[max_len(32)]
    pub zone: String,
    pub spot: bool,
}

impl Capabilities {
    pub fn validate(&self) -> Result<()> {
        for label in [&self.gpu_model, &self.region, &self.zone] {
            require!(!label.is_empty() && label.len() <= MAX_LABEL_LEN as usize, SynktiError::InvalidLabel);
        }
        require!(self.gpu_count > 0 && self.vram_gb > 0, SynktiError::InvalidCapabilities);
        Ok(())
    }
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum ProviderStatus {
    /// Accepts new leases and hand-offs.
    Active,
    /// Serves its open leases, takes no new ones.
    Paused,
    /// Leaving: takes nothing new; stake unlocks at `unlock_at` once no lease is open.
    Exiting { unlock_at: i64 },
}

/// Track record. Changed only by settlement and dispute outcomes, never by the provider.
/// Counters saturate (a track record may stop growing, it may never brick an account).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct Reputation {
    /// Ended leases that paid this provider at least the market's minimum completion payment.
    pub leases_completed: u64,
    /// Reclaimed as stalled, or refunded by the arbiter.
    pub leases_failed: u64,
    pub failovers_handed_off: u64,
    pub failovers_taken: u64,
    pub disputes_lost: u64,
    pub disputes_won: u64,
    /// Seconds paid on the consumer's signed receipts.
    pub seconds_verified: u64,
    /// Seconds paid on the provider's word alone (held back until the dispute window passed).
    pub seconds_self_attested: u64,
    /// Payouts received, net of fees, in payment-mint base units.
    pub earned: u64,
}

/// Self-attested pay, held in the provider's earnings vault until `vests_at`; a refund verdict
/// can take back what has not vested. Tranches are per time bucket (see `settlement::vests_at`),
/// so two always suffice.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct Tranche {
    pub vests_at: i64,
    pub payout: u64,
    pub fee: u64,
}

pub const TRANCHES: usize = 2;

#[account]
#[derive(InitSpace, Debug)]
pub struct Provider {
    pub market: Pubkey,
    /// Cold wallet: owns the stake, changes settings, withdraws. May run many providers (a fleet).
    pub authority: Pubkey,
    /// The provider's number under its authority (one per machine of a fleet); part of the PDA.
    pub index: u16,
    /// Hot node key; the same ed25519 key is the node's libp2p identity. Unique per market.
    pub operator: Pubkey,
    /// Token account (payment mint) that receives payouts while it can; else they are credited
    /// to `unclaimed` in the earnings vault.
    pub payout: Pubkey,
    pub stake_vault: Pubkey,
    /// Program-owned payment-mint account: held (unvested) pay and unclaimed earnings.
    pub earnings_vault: Pubkey,
    pub capabilities: Capabilities,
    pub price_per_second: u64,
    pub staked: u64,
    pub status: ProviderStatus,
    /// Leases opened on or accepted by this provider that have not ended.
    pub open_leases: u32,
    /// Leases whose record still exists (open, active, disputed, or ended within the window):
    /// each can still cost stake, so stake cannot leave while any remains.
    pub lease_records: u32,
    pub held: [Tranche; TRANCHES],
    /// Vested earnings waiting in the earnings vault for `claim_earnings`.
    pub unclaimed: u64,
    /// When the last exposure (a lease record, held pay) ended: the exit cooldown counts from it.
    pub exposure_ended_at: i64,
    pub reputation: Reputation,
    pub registered_at: i64,
    pub bump: u8,
    pub stake_vault_bump: u8,
    pub earnings_vault_bump: u8,
}

/// Which operator key serves which provider: one provider per operator key per market, so an
/// identity (the libp2p peer id) cannot be squatted or shared.
#[account]
#[derive(InitSpace, Debug)]
pub struct OperatorIndex {
    pub market: Pubkey,
    pub operator: Pubkey,
    pub provider: Pubkey,
    pub bump: u8,
}

impl Provider {
    pub fn is_active(&self) -> bool {
        self.status == ProviderStatus::Active
    }

    /// Authority or operator: either may pause a machine that is going away.
    pub fn is_controller(&self, key: &Pubkey) -> bool {
        *key == self.authority || *key == self.operator
    }

    pub fn record_payout(&mut self, seconds: u64, payout: u64, verified: bool) {
        let r = &mut self.reputation;
        if verified {
            r.seconds_verified = r.seconds_verified.saturating_add(seconds);
        } else {
            r.seconds_self_attested = r.seconds_self_attested.saturating_add(seconds);
        }
        r.earned = r.earned.saturating_add(payout);
    }

    pub fn lease_opened(&mut self) -> Result<()> {
        self.open_leases = self.open_leases.checked_add(1).ok_or(SynktiError::Overflow)?;
        self.lease_records = self.lease_records.checked_add(1).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    /// A lease stopped being served here (ended or migrated away); its record may live on.
    pub fn lease_stopped(&mut self) -> Result<()> {
        self.open_leases = self.open_leases.checked_sub(1).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    /// A lease's record is gone (finalized, or migrated away): it can no longer cost stake.
    pub fn lease_record_closed(&mut self) -> Result<()> {
        self.lease_records = self.lease_records.checked_sub(1).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    pub fn held_total(&self) -> u64 {
        self.held.iter().fold(0u64, |t, h| t.saturating_add(h.payout).saturating_add(h.fee))
    }

    pub fn count(counter: &mut u64) {
        *counter = counter.saturating_add(1);
    }
}

/// Compile-time check that the label bound in constants matches the `max_len` above.
const _: () = assert!(MAX_LABEL_LEN == 32);

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> Provider {
        Provider {
            market: Pubkey::default(),
            authority: Pubkey::default(),
            index: 0,
            operator: Pubkey::default(),
            payout: Pubkey::default(),
            stake_vault: Pubkey::default(),
            earnings_vault: Pubkey::default(),
            capabilities: Capabilities {
                gpu_model: "H100".into(),
                gpu_count: 1,
                vram_gb: 80,
                cloud: Cloud::Aws,
                region: "eu".into(),
                zone: "eu-1a".into(),
                spot: false,
            },
            price_per_second: 1,
            staked: 0,
            status: ProviderStatus::Active,
            open_leases: 0,
            lease_records: 0,
            held: [Tranche::default(); TRANCHES],
            unclaimed: 0,
            exposure_ended_at: 0,
            reputation: Reputation::default(),
            registered_at: 0,
            bump: 0,
            stake_vault_bump: 0,
            earnings_vault_bump: 0,
        }
    }

    /// Attack "counters": no instruction can set a counter, so a provider near u64::MAX is only
    /// reachable in principle; the helpers every instruction uses saturate instead of failing,
    /// so such a provider keeps working (its track record merely stops growing).
    #[test]
    fn reputation_counters_saturate_instead_of_bricking_the_provider() {
        let mut p = provider();
        p.reputation = Reputation {
            earned: u64::MAX - 1,
            seconds_verified: u64::MAX - 1,
            seconds_self_attested: u64::MAX,
            leases_completed: u64::MAX,
            ..Reputation::default()
        };
        p.record_payout(10, 5, true);
        p.record_payout(10, 5, false);
        let r = p.reputation;
        assert_eq!((r.earned, r.seconds_verified, r.seconds_self_attested), (u64::MAX, u64::MAX, u64::MAX));
        Provider::count(&mut p.reputation.leases_completed);
        assert_eq!(p.reputation.leases_completed, u64::MAX);
        p.held = [Tranche { vests_at: 1, payout: u64::MAX, fee: 1 }, Tranche { vests_at: 2, payout: 7, fee: 0 }];
        assert_eq!(p.held_total(), u64::MAX);
    }

    /// Lease counts are checked, not saturated: an impossible count is an error, never a wrap.
    #[test]
    fn lease_counts_overflow_is_an_error_not_a_wrap() {
        let mut p = provider();
        p.open_leases = u32::MAX;
        assert!(p.lease_opened().is_err());
        let mut p = provider();
        assert!(p.lease_stopped().is_err());
        assert!(p.lease_record_closed().is_err());
    }
}
