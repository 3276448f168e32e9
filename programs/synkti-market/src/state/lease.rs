use anchor_lang::prelude::*;

use crate::error::SynktiError;

/// Where a lease stands. A lease that ends (closed, reclaimed, resolved) is not a state: its
/// account is closed, its rent returned to the consumer, and the outcome recorded in the
/// `LeaseEnded` event. So no stored lease can be acted on after it ended.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum LeaseStatus {
    /// Funded, waiting for the provider's operator to accept.
    Open,
    /// Being served and settled by attestations.
    Active,
    /// Frozen by the consumer at `opened_at`; only the arbiter, or the window's expiry, ends it.
    Disputed { opened_at: i64 },
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseOutcome {
    /// Closed before the provider accepted: full refund.
    Cancelled,
    /// Closed after service: provider paid to the end, rest refunded.
    Completed,
    /// Consumer reclaimed after attestations stalled.
    Reclaimed,
    /// Arbiter found for the consumer: refund and slash.
    Refunded,
    /// Arbiter (or window expiry) found for the provider.
    Released,
}

#[account]
#[derive(InitSpace, Debug)]
pub struct Lease {
    pub market: Pubkey,
    pub consumer: Pubkey,
    /// Provider account currently serving; changes on migration.
    pub provider: Pubkey,
    pub nonce: u64,
    /// Hash of the job spec, which itself travels off-chain over libp2p.
    pub job_spec_hash: [u8; 32],
    pub price_per_second: u64,
    /// The consumer's cap; a migration target must not charge more.
    pub max_price_per_second: u64,
    pub escrow: Pubkey,
    pub deposited: u64,
    pub paid_to_providers: u64,
    pub fees_paid: u64,
    pub opened_at: i64,
    pub accepted_at: i64,
    /// Service up to this time has been paid for.
    pub settled_until: i64,
    /// Last acceptance, attestation or hand-off: what the stall and dispute clocks count from.
    pub last_activity_at: i64,
    pub status: LeaseStatus,
    pub migration_count: u16,
    pub bump: u8,
    pub escrow_bump: u8,
}

impl Lease {
    /// Escrow still owed to someone: deposits less everything paid out.
    pub fn available(&self) -> Result<u64> {
        self.deposited
            .checked_sub(self.paid_to_providers)
            .and_then(|v| v.checked_sub(self.fees_paid))
            .ok_or_else(|| error!(SynktiError::Overflow))
    }

    pub fn record_settlement(&mut self, payout: u64, fee: u64) -> Result<()> {
        self.paid_to_providers = self.paid_to_providers.checked_add(payout).ok_or(SynktiError::Overflow)?;
        self.fees_paid = self.fees_paid.checked_add(fee).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    pub fn require_active(&self) -> Result<()> {
        match self.status {
            LeaseStatus::Active => Ok(()),
            LeaseStatus::Disputed { .. } => err!(SynktiError::LeaseDisputed),
            LeaseStatus::Open => err!(SynktiError::LeaseNotActive),
        }
    }
}
