//! PDA signer seeds, rebuilt from stored fields so CPIs can sign for vault authorities.
use anchor_lang::prelude::*;

use crate::constants::{LEASE_SEED, MARKET_SEED, PROVIDER_SEED};
use crate::state::{Lease, Market, Provider};

/// Owned seed material; `seeds()` borrows it for one CPI.
pub struct PdaSigner {
    tag: &'static [u8],
    a: Pubkey,
    b: [u8; 32],
    b_len: usize,
    bump: [u8; 1],
}

impl PdaSigner {
    pub fn seeds(&self) -> [&[u8]; 4] {
        [self.tag, self.a.as_ref(), &self.b[..self.b_len], &self.bump]
    }

    /// Authority of the fee vault.
    pub fn market(m: &Market) -> Self {
        Self { tag: MARKET_SEED, a: m.creator, b: m.mint.to_bytes(), b_len: 32, bump: [m.bump] }
    }

    /// Authority of the stake vault.
    pub fn provider(p: &Provider) -> Self {
        Self { tag: PROVIDER_SEED, a: p.market, b: p.authority.to_bytes(), b_len: 32, bump: [p.bump] }
    }

    /// Authority of the escrow.
    pub fn lease(l: &Lease) -> Self {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&l.nonce.to_le_bytes());
        Self { tag: LEASE_SEED, a: l.consumer, b, b_len: 8, bump: [l.bump] }
    }
}
