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
#[constant]
pub const SLASH_VAULT_SEED: &[u8] = b"slash_vault";
#[constant]
pub const EARNINGS_VAULT_SEED: &[u8] = b"earnings";
#[constant]
pub const OPERATOR_SEED: &[u8] = b"operator";

/// Receipts are signed over this prefix, so a signature made for anything else (a transaction,
/// a libp2p record) can never be replayed as a receipt.
#[constant]
pub const RECEIPT_DOMAIN: &[u8] = b"synkti-receipt-v1";

/// Dispute window bounds: an hour is the least a person needs to notice bad service; a week
/// is the most a provider's pay and stake may be held hostage by an open question.
#[constant]
pub const MIN_DISPUTE_WINDOW_SECS: i64 = 3_600;
#[constant]
pub const MAX_DISPUTE_WINDOW_SECS: i64 = 7 * 86_400;
/// Below ten seconds no node can attest in time over a real network.
#[constant]
pub const MIN_ATTESTATION_GAP_SECS: i64 = 10;
/// Upper bound of the exit cooldown and of the governance delay.
#[constant]
pub const MAX_COOLDOWN_SECS: i64 = 30 * 86_400;
/// A refund slashes at most three times the disputed value: enough to deter, bounded so that
/// a colluding arbiter cannot take a provider's whole stake over one small lease.
#[constant]
pub const MAX_SLASH_MULTIPLE_BPS: u16 = 30_000;
