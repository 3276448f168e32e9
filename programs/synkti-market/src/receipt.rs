//! Usage receipts: what the consumer (or its gateway) signs for service it actually got, and how
//! `attest_usage` checks one. The signature itself is checked by the Ed25519 program in the
//! instruction just before; this module checks that that instruction verified exactly our
//! message under the lease's receipt signer (instruction introspection).
use anchor_lang::prelude::*;
use solana_instructions_sysvar::{get_instruction_relative, load_current_index_checked};

use crate::constants::RECEIPT_DOMAIN;
use crate::error::SynktiError;

/// The signed statement: service of `lease` by `provider` from `from` to `until`, with the
/// number of requests answered and a digest of the responses (for disputes, not checked here).
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub from: i64,
    pub until: i64,
    pub requests: u64,
    pub digest: [u8; 32],
}

pub const RECEIPT_MESSAGE_LEN: usize = 17 + 32 + 32 + 8 + 8 + 8 + 32;

impl Receipt {
    /// The exact bytes signed: domain, lease, provider, from, until, requests, digest.
    pub fn message(&self, lease: &Pubkey, provider: &Pubkey) -> [u8; RECEIPT_MESSAGE_LEN] {
        let mut m = [0u8; RECEIPT_MESSAGE_LEN];
        let mut at = 0;
        for part in [
            RECEIPT_DOMAIN,
            lease.as_ref(),
            provider.as_ref(),
            &self.from.to_le_bytes(),
            &self.until.to_le_bytes(),
            &self.requests.to_le_bytes(),
            &self.digest,
        ] {
            m[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        m
    }
}

/// Layout of the Ed25519 program's instruction data: a count, padding, then per signature seven
/// u16 offsets (signature, its instruction, public key, its instruction, message, size, its
/// instruction). `u16::MAX` as an instruction index means "this instruction".
const OFFSETS_START: usize = 2;
const THIS_INSTRUCTION: u16 = u16::MAX;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]))
}

/// The public key and message of the single signature the instruction verifies, if it verifies
/// exactly one, with everything inside itself.
fn signed_by(data: &[u8]) -> Option<(&[u8], &[u8])> {
    if data.first() != Some(&1) {
        return None;
    }
    let o = |i: usize| u16_at(data, OFFSETS_START + 2 * i);
    let (sig_ix, key_at, key_ix, msg_at, msg_len, msg_ix) = (o(1)?, o(2)?, o(3)?, o(4)?, o(5)?, o(6)?);
    if [sig_ix, key_ix, msg_ix].iter().any(|&i| i != THIS_INSTRUCTION) {
        return None;
    }
    let key = data.get(key_at as usize..key_at as usize + 32)?;
    let msg = data.get(msg_at as usize..msg_at as usize + msg_len as usize)?;
    Some((key, msg))
}

/// Requires the instruction before this one to be the Ed25519 program verifying `signer`'s
/// signature over `receipt` for this lease and provider.
pub fn verify(
    instructions: &AccountInfo,
    receipt: &Receipt,
    signer: &Pubkey,
    lease: &Pubkey,
    provider: &Pubkey,
) -> Result<()> {
    let current = load_current_index_checked(instructions).map_err(|_| error!(SynktiError::InvalidReceipt))?;
    require!(current > 0, SynktiError::InvalidReceipt);
    let ix = get_instruction_relative(-1, instructions).map_err(|_| error!(SynktiError::InvalidReceipt))?;
    require_keys_eq!(ix.program_id, solana_sdk_ids::ed25519_program::ID, SynktiError::InvalidReceipt);
    let (key, msg) = signed_by(&ix.data).ok_or(SynktiError::InvalidReceipt)?;
    require!(key == signer.as_ref(), SynktiError::InvalidReceipt);
    require!(msg == receipt.message(lease, provider).as_slice(), SynktiError::InvalidReceipt);
    Ok(())
}
