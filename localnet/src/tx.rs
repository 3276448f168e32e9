//! Transactions on the wire: decoding as Agave's RPC decodes them (size limits, encodings) and
//! the `json` / `jsonParsed`-style views of `getTransaction`.
use crate::error::RpcError;
use anchor_lang::prelude::Pubkey;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde_json::{json, Value};
use solana_message::VersionedMessage;
use solana_transaction::versioned::VersionedTransaction;

/// Largest serialized transaction (`PACKET_DATA_SIZE`) and its encoded lengths.
pub const PACKET_DATA_SIZE: usize = 1232;
const MAX_BASE58_SIZE: usize = 1683;
const MAX_BASE64_SIZE: usize = 1644;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TxEncoding {
    Base58,
    Base64,
}

pub fn decode_wire(encoded: &str, encoding: TxEncoding) -> Result<Vec<u8>, RpcError> {
    let type_name = "solana_transaction::versioned::VersionedTransaction";
    let (max, label) = match encoding {
        TxEncoding::Base58 => (MAX_BASE58_SIZE, "base58"),
        TxEncoding::Base64 => (MAX_BASE64_SIZE, "base64"),
    };
    if encoded.len() > max {
        return Err(RpcError::invalid_params(format!(
            "{label} encoded {type_name} too large: {} bytes (max: encoded/raw {max}/{PACKET_DATA_SIZE})",
            encoded.len()
        )));
    }
    let wire = match encoding {
        TxEncoding::Base58 => bs58::decode(encoded).into_vec().map_err(|e| e.to_string()),
        TxEncoding::Base64 => B64.decode(encoded).map_err(|e| e.to_string()),
    }
    .map_err(|e| RpcError::invalid_params(format!("invalid {label} encoding: {e}")))?;
    if wire.len() > PACKET_DATA_SIZE {
        return Err(RpcError::invalid_params(format!(
            "decoded {type_name} too large: {} bytes (max: {PACKET_DATA_SIZE} bytes)",
            wire.len()
        )));
    }
    Ok(wire)
}

/// Deserializes and sanitizes a transaction, rejecting what this chain does not serve.
pub fn parse(wire: &[u8]) -> Result<VersionedTransaction, RpcError> {
    let tx: VersionedTransaction = bincode::deserialize(wire).map_err(|e| {
        RpcError::invalid_params(format!(
            "failed to deserialize solana_transaction::versioned::VersionedTransaction: {e}"
        ))
    })?;
    tx.sanitize().map_err(|e| RpcError::invalid_params(format!("invalid transaction: {}", sanitize_message(e))))?;
    if tx.message.address_table_lookups().is_some_and(|l| !l.is_empty()) {
        return Err(RpcError::invalid_params("address lookup tables are not supported by synkti-localnet"));
    }
    Ok(tx)
}

fn sanitize_message(e: impl std::fmt::Display) -> String {
    format!("Transaction failed to sanitize accounts offsets correctly ({e})")
}

pub fn account_keys(wire: &[u8]) -> Option<Vec<Pubkey>> {
    let tx: VersionedTransaction = bincode::deserialize(wire).ok()?;
    Some(tx.message.static_account_keys().to_vec())
}

/// The keys the transaction may write (fee payer included), in message order.
pub fn writable_keys(tx: &VersionedTransaction) -> Vec<Pubkey> {
    let m = &tx.message;
    m.static_account_keys().iter().enumerate().filter(|(i, _)| m.is_maybe_writable(*i, None)).map(|(_, k)| *k).collect()
}

pub fn version(tx: &VersionedTransaction) -> Value {
    match &tx.message {
        VersionedMessage::Legacy(_) => json!("legacy"),
        VersionedMessage::V0(_) => json!(0),
    }
}

/// The raw `json` encoding of `getTransaction`.
pub fn to_json(tx: &VersionedTransaction) -> Value {
    let m = &tx.message;
    let header = m.header();
    let instructions: Vec<Value> = m
        .instructions()
        .iter()
        .map(|ix| {
            json!({
                "programIdIndex": ix.program_id_index,
                "accounts": ix.accounts,
                "data": bs58::encode(&ix.data).into_string(),
                "stackHeight": null,
            })
        })
        .collect();
    let message = json!({
        "header": {
            "numRequiredSignatures": header.num_required_signatures,
            "numReadonlySignedAccounts": header.num_readonly_signed_accounts,
            "numReadonlyUnsignedAccounts": header.num_readonly_unsigned_accounts,
        },
        "accountKeys": m.static_account_keys().iter().map(|k| k.to_string()).collect::<Vec<_>>(),
        "recentBlockhash": m.recent_blockhash().to_string(),
        "instructions": instructions,
    });
    with_signatures(tx, message)
}

/// The `jsonParsed` encoding, with every instruction left partially decoded (program id,
/// account addresses, base58 data): Agave's fallback for programs it has no parser for.
pub fn to_json_parsed(tx: &VersionedTransaction) -> Value {
    let m = &tx.message;
    let keys = m.static_account_keys();
    let account_keys: Vec<Value> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            json!({ "pubkey": k.to_string(), "signer": m.is_signer(i), "writable": m.is_maybe_writable(i, None), "source": "transaction" })
        })
        .collect();
    let name = |i: u8| keys.get(i as usize).map(|k| k.to_string()).unwrap_or_default();
    let instructions: Vec<Value> = m
        .instructions()
        .iter()
        .map(|ix| {
            json!({
                "programId": name(ix.program_id_index),
                "accounts": ix.accounts.iter().map(|a| name(*a)).collect::<Vec<_>>(),
                "data": bs58::encode(&ix.data).into_string(),
                "stackHeight": null,
            })
        })
        .collect();
    let message = json!({
        "accountKeys": account_keys,
        "recentBlockhash": m.recent_blockhash().to_string(),
        "instructions": instructions,
    });
    with_signatures(tx, message)
}

/// `{ signatures, message }`; a versioned message lists its (here always empty) lookups.
fn with_signatures(tx: &VersionedTransaction, mut message: Value) -> Value {
    if !matches!(tx.message, VersionedMessage::Legacy(_)) {
        message["addressTableLookups"] = json!([]);
    }
    json!({ "signatures": tx.signatures.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "message": message })
}
