//! Solana's JSON-RPC: framing (`envelope`), parameters (`params`), and the methods (`methods`).
pub mod envelope;
pub mod methods;
pub mod params;
