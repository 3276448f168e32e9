// solana-program-test 3.1 flags its whole API as "to become unstable" (an agave-unstable-api
// feature from 4.0); we pin 3.1 deliberately, see programs/synkti-market/README.md.
#![allow(deprecated)]
//! Verification level 1: the program natively inside a real Solana bank, with CPI into the
//! real SPL Token program. One test binary (linking the bank is the slow part of a build),
//! one module per area; each suite runs the happy path first, then its `error:` cases.
mod env;
mod fixtures;

mod conservation;
mod dispute;
mod lease;
mod market;
mod migrate;
mod native_path;
mod provider;
mod tx_size;
