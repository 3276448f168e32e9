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
/// Counters saturate rather than overflow: no input may make the program panic.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace)]
pub struct Reputation {
    pub leases_completed: u64,
    /// Reclaimed as stalled, or refunded by the arbiter.
    pub leases_failed: u64,
    pub failovers_handed_off: u64,
    pub failovers_taken: u64,
    pub disputes_lost: u64,
    pub disputes_won: u64,
    pub seconds_served: u64,
    /// Payouts received, net of fees, in payment-mint base units.
    pub earned: u64,
}

#[account]
#[derive(InitSpace, Debug)]
pub struct Provider {
    pub market: Pubkey,
    /// Cold wallet: owns the stake, changes settings, withdraws.
    pub authority: Pubkey,
    /// Hot node key; the same ed25519 key is the node's libp2p identity.
    pub operator: Pubkey,
    /// Token account (payment mint) that receives payouts.
    pub payout: Pubkey,
    pub stake_vault: Pubkey,
    pub capabilities: Capabilities,
    pub price_per_second: u64,
    pub staked: u64,
    pub status: ProviderStatus,
    pub open_leases: u32,
    pub reputation: Reputation,
    pub registered_at: i64,
    pub bump: u8,
    pub stake_vault_bump: u8,
}

impl Provider {
    pub fn is_active(&self) -> bool {
        self.status == ProviderStatus::Active
    }

    /// Authority or operator: either may pause a machine that is going away.
    pub fn is_controller(&self, key: &Pubkey) -> bool {
        *key == self.authority || *key == self.operator
    }

    pub fn record_payout(&mut self, seconds: u64, payout: u64) -> Result<()> {
        let r = &mut self.reputation;
        r.seconds_served = r.seconds_served.checked_add(seconds).ok_or(SynktiError::Overflow)?;
        r.earned = r.earned.checked_add(payout).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    pub fn lease_started(&mut self) -> Result<()> {
        self.open_leases = self.open_leases.checked_add(1).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    pub fn lease_ended(&mut self) -> Result<()> {
        self.open_leases = self.open_leases.checked_sub(1).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    /// The arbiter found against the provider: the slash leaves its stake, the lease counts failed.
    pub fn lost_dispute(&mut self, slashed: u64) -> Result<()> {
        self.staked = self.staked.checked_sub(slashed).ok_or(SynktiError::Overflow)?;
        self.lease_ended()?;
        self.reputation.disputes_lost = self.reputation.disputes_lost.saturating_add(1);
        self.reputation.leases_failed = self.reputation.leases_failed.saturating_add(1);
        Ok(())
    }

    /// The dispute went the provider's way (by ruling or by expiry): paid, lease completed.
    pub fn won_dispute(&mut self, seconds: u64, payout: u64) -> Result<()> {
        self.record_payout(seconds, payout)?;
        self.lease_ended()?;
        self.reputation.disputes_won = self.reputation.disputes_won.saturating_add(1);
        self.reputation.leases_completed = self.reputation.leases_completed.saturating_add(1);
        Ok(())
    }
}

/// Compile-time check that the label bound in constants matches the `max_len` above.
const _: () = assert!(MAX_LABEL_LEN == 32);
