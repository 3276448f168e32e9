//! PDA seeds and protocol limits, in one place so the TypeScript client can mirror them.
use anchor_lang::prelude::*;

#[constant]
pub const MARKET_SEED: &[u8] = b"market";
#[constant]
pub const FEE_VAULT_SEED: &[u8] = b"fee_vault";
#[constant]
pub const PROVIDER_SEED: &[u8] = b"provider";
#[constant]
pub const STAKE_VAULT_SEED: &[u8] = b"stake_vault";
#[constant]
pub const LEASE_SEED: &[u8] = b"lease";
#[constant]
pub const ESCROW_SEED: &[u8] = b"escrow";

/// Basis points in one whole.
pub const BPS_DENOMINATOR: u64 = 10_000;
/// A market may not take more than a fifth of every payment: above that a provider is better
/// off leaving, and a typo in the fee would silently confiscate earnings.
#[constant]
pub const MAX_FEE_BPS: u16 = 2_000;
/// Longest GPU model name (`"A100-SXM4-80GB"`), region and zone (`"eu-central-1a"`) stored.
#[constant]
pub const MAX_LABEL_LEN: u32 = 32;
