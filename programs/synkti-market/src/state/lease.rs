use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::state::{Tranche, TRANCHES};

/// Where a lease stands. A lease that ended keeps its record (status `Ended`) for one dispute
/// window, so the consumer can still contest the last of it; then anyone may finalize it and
/// the rent goes back to the consumer.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum LeaseStatus {
    /// Funded, waiting for the provider's operator to accept.
    Open,
    /// Being served and settled by attestations.
    Active,
    /// Contested by the consumer at `opened_at`: billing stopped then (the node stops serving),
    /// only the arbiter, or the window's expiry, ends it. `ended_at` is set when the lease had
    /// already ended when it was disputed.
    Disputed { opened_at: i64, ended_at: Option<i64> },
    /// Over; the record stays until `at` + the dispute window.
    Ended { outcome: LeaseOutcome, at: i64 },
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
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
    /// The escrow ran out: ended without blame on either side.
    Exhausted,
}

/// The consumer's consent to failover hand-offs, carried by the lease.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct MigrationPolicy {
    /// No provider charging more may take the lease.
    pub max_price_per_second: u64,
    /// Hand-offs allowed over the lease's life.
    pub max_migrations: u16,
    /// Whether two providers may move the lease without the consumer's signature.
    pub providers_may_migrate: bool,
}

#[account]
#[derive(InitSpace, Debug)]
pub struct Lease {
    pub market: Pubkey,
    /// The market's lease counter when it opened: the PDA seed, never reused.
    pub id: u64,
    pub consumer: Pubkey,
    /// Signs usage receipts: the consumer's key or a gateway key it named.
    pub receipt_signer: Pubkey,
    /// Provider account currently serving; changes on migration.
    pub provider: Pubkey,
    /// Snapshot of the market's arbiter at opening: a rotation cannot change who judges this lease.
    pub arbiter: Pubkey,
    /// Hash of the job spec, which itself travels off-chain over libp2p.
    pub job_spec_hash: [u8; 32],
    pub price_per_second: u64,
    pub policy: MigrationPolicy,
    pub escrow: Pubkey,
    pub deposited: u64,
    pub paid_to_providers: u64,
    pub fees_paid: u64,
    /// Gross paid (or held) for the current provider's service: the disputed value.
    pub paid_to_current: u64,
    /// The current provider's held (unvested) pay from this lease, per vesting bucket.
    pub held: [Tranche; TRANCHES],
    /// The open dispute's bond, kept in the escrow.
    pub bond: u64,
    pub opened_at: i64,
    pub accepted_at: i64,
    /// When the current provider started serving (acceptance or hand-off).
    pub provider_since: i64,
    /// Service up to this time has been paid for.
    pub settled_until: i64,
    /// Last acceptance, attestation or hand-off: what the stall clock counts from.
    pub last_activity_at: i64,
    pub status: LeaseStatus,
    pub migration_count: u16,
    pub consumer_evidence: [u8; 32],
    pub provider_evidence: [u8; 32],
    pub bump: u8,
    pub escrow_bump: u8,
}

impl Lease {
    /// Escrow still owed to someone for service: deposits less everything paid out (the bond apart).
    pub fn available(&self) -> Result<u64> {
        self.deposited
            .checked_sub(self.paid_to_providers)
            .and_then(|v| v.checked_sub(self.fees_paid))
            .ok_or_else(|| error!(SynktiError::Overflow))
    }

    pub fn record_settlement(&mut self, payout: u64, fee: u64) -> Result<()> {
        self.paid_to_providers = self.paid_to_providers.checked_add(payout).ok_or(SynktiError::Overflow)?;
        self.fees_paid = self.fees_paid.checked_add(fee).ok_or(SynktiError::Overflow)?;
        let gross = payout.checked_add(fee).ok_or(SynktiError::Overflow)?;
        self.paid_to_current = self.paid_to_current.checked_add(gross).ok_or(SynktiError::Overflow)?;
        Ok(())
    }

    pub fn require_active(&self) -> Result<()> {
        match self.status {
            LeaseStatus::Active => Ok(()),
            LeaseStatus::Disputed { .. } => err!(SynktiError::LeaseDisputed),
            LeaseStatus::Open => err!(SynktiError::LeaseNotActive),
            LeaseStatus::Ended { .. } => err!(SynktiError::LeaseEnded),
        }
    }

    pub fn is_ended(&self) -> bool {
        matches!(self.status, LeaseStatus::Ended { .. })
    }
}
