use anchor_lang::prelude::*;

use crate::constants::*;
use crate::error::SynktiError;

/// A market: one payment mint, one stake mint, and the rules every lease in it settles by.
/// Anyone may create one; the PDA is per (creator, payment mint).
#[account]
#[derive(InitSpace, Debug)]
pub struct Market {
    pub creator: Pubkey,
    pub mint: Pubkey,
    pub stake_mint: Pubkey,
    pub fee_vault: Pubkey,
    /// Stake-mint account of the treasury's: what a slash takes beyond the consumer's loss.
    pub slash_vault: Pubkey,
    /// May propose new keys (arbiter, treasury, itself); they apply after `governance_delay_secs`.
    pub authority: Pubkey,
    /// Judges disputes of leases opened from now on: a multisig or any program-derived signer.
    pub arbiter: Pubkey,
    /// May withdraw collected fees and slashes.
    pub treasury: Pubkey,
    pub pending_update: Option<PendingMarketUpdate>,
    pub min_stake: u64,
    pub fee_bps: u16,
    /// A refund slashes at most this multiple (in bps) of the disputed value.
    pub slash_multiple_bps: u16,
    /// Posted by a consumer with each dispute (payment mint), forfeited to the provider on Release.
    pub dispute_bond: u64,
    /// A lease counts as completed for reputation only when it paid its provider at least this.
    pub min_completion_payment: u64,
    pub dispute_window_secs: i64,
    pub max_attestation_gap_secs: i64,
    pub exit_cooldown_secs: i64,
    pub governance_delay_secs: i64,
    pub provider_count: u64,
    /// Also the next lease's id: lease addresses derive from it and so never repeat.
    pub lease_count: u64,
    pub bump: u8,
    pub fee_vault_bump: u8,
    pub slash_vault_bump: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub struct PendingMarketUpdate {
    pub arbiter: Pubkey,
    pub treasury: Pubkey,
    pub authority: Pubkey,
    pub effective_at: i64,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct MarketParams {
    pub min_stake: u64,
    pub fee_bps: u16,
    pub slash_multiple_bps: u16,
    pub dispute_bond: u64,
    pub min_completion_payment: u64,
    pub dispute_window_secs: i64,
    pub max_attestation_gap_secs: i64,
    pub exit_cooldown_secs: i64,
    pub governance_delay_secs: i64,
    pub arbiter: Pubkey,
    pub treasury: Pubkey,
}

impl MarketParams {
    /// Every parameter has bounds: no value may lock stake forever, make disputes impossible,
    /// or let a provider in with nothing at stake.
    pub fn validate(&self) -> Result<()> {
        require!(self.fee_bps <= MAX_FEE_BPS, SynktiError::FeeTooHigh);
        require!(self.slash_multiple_bps <= MAX_SLASH_MULTIPLE_BPS, SynktiError::SlashTooHigh);
        require!(self.min_stake > 0, SynktiError::MinStakeZero);
        require!(self.dispute_bond > 0, SynktiError::DisputeBondZero);
        let window = self.dispute_window_secs;
        let gap = self.max_attestation_gap_secs;
        let bounded = (MIN_DISPUTE_WINDOW_SECS..=MAX_DISPUTE_WINDOW_SECS).contains(&window)
            && (MIN_ATTESTATION_GAP_SECS..=window).contains(&gap)
            && (window + gap..=MAX_COOLDOWN_SECS).contains(&self.exit_cooldown_secs)
            && (window..=MAX_COOLDOWN_SECS).contains(&self.governance_delay_secs);
        require!(bounded, SynktiError::InvalidDuration);
        Ok(())
    }
}

impl Market {
    /// Seconds after which a lease's last activity with no new one makes it stalled.
    pub fn stalled(&self, last_activity_at: i64, now: i64) -> bool {
        now > last_activity_at.saturating_add(self.max_attestation_gap_secs)
    }
}
