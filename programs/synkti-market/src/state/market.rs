use anchor_lang::prelude::*;

/// A market: one payment mint, one stake mint, and the rules every lease in it settles by.
/// Anyone may create one; the PDA is per (creator, payment mint).
#[account]
#[derive(InitSpace, Debug)]
pub struct Market {
    pub creator: Pubkey,
    pub mint: Pubkey,
    pub stake_mint: Pubkey,
    pub fee_vault: Pubkey,
    /// Resolves disputes: a multisig or DAO in production.
    pub arbiter: Pubkey,
    /// May withdraw collected fees.
    pub treasury: Pubkey,
    pub min_stake: u64,
    pub fee_bps: u16,
    pub slash_bps: u16,
    pub dispute_window_secs: i64,
    pub max_attestation_gap_secs: i64,
    pub exit_cooldown_secs: i64,
    pub provider_count: u64,
    pub lease_count: u64,
    pub bump: u8,
    pub fee_vault_bump: u8,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct MarketParams {
    pub min_stake: u64,
    pub fee_bps: u16,
    pub slash_bps: u16,
    pub dispute_window_secs: i64,
    pub max_attestation_gap_secs: i64,
    pub exit_cooldown_secs: i64,
    pub arbiter: Pubkey,
    pub treasury: Pubkey,
}
