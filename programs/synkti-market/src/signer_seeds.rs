//! PDA signer seeds, rebuilt from stored fields so CPIs can sign for vault authorities.
use anchor_lang::prelude::*;

use crate::constants::{LEASE_SEED, MARKET_SEED, PROVIDER_SEED};
use crate::state::{Lease, Market, Provider};

/// Owned seed material; `seeds()` borrows it for one CPI. The third seed may be short (an
/// index or id) and the fourth empty: an empty seed adds nothing to the derivation.
pub struct PdaSigner {
    tag: &'static [u8],
    a: Pubkey,
    b: [u8; 32],
    b_len: usize,
    c: [u8; 8],
    c_len: usize,
    bump: [u8; 1],
}

impl PdaSigner {
    pub fn seeds(&self) -> [&[u8]; 5] {
        [self.tag, self.a.as_ref(), &self.b[..self.b_len], &self.c[..self.c_len], &self.bump]
    }

    /// Authority of the fee and slash vaults.
    pub fn market(m: &Market) -> Self {
        Self { tag: MARKET_SEED, a: m.creator, b: m.mint.to_bytes(), b_len: 32, c: [0; 8], c_len: 0, bump: [m.bump] }
    }

    /// Authority of the stake and earnings vaults.
    pub fn provider(p: &Provider) -> Self {
        let mut c = [0u8; 8];
        c[..2].copy_from_slice(&p.index.to_le_bytes());
        Self { tag: PROVIDER_SEED, a: p.market, b: p.authority.to_bytes(), b_len: 32, c, c_len: 2, bump: [p.bump] }
    }

    /// Authority of the escrow.
    pub fn lease(l: &Lease) -> Self {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&l.id.to_le_bytes());
        Self { tag: LEASE_SEED, a: l.market, b, b_len: 8, c: [0; 8], c_len: 0, bump: [l.bump] }
    }
}
