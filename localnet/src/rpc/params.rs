//! Parameters of RPC methods: positional lists with optional trailing configs, as Agave's
//! `jsonrpc-core` methods take them, and the config objects web3.js sends.
use crate::error::RpcError;
use anchor_lang::prelude::Pubkey;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use solana_account_decoder::{UiAccountEncoding, UiDataSliceConfig};
use std::str::FromStr;

/// Deserializes a positional parameter list into a tuple of `arity` elements; missing trailing
/// elements are `null` (so `Option`s), extra ones are an error.
pub fn positional<T: DeserializeOwned>(params: Value, arity: usize) -> Result<T, RpcError> {
    let mut list = match params {
        Value::Array(list) => list,
        Value::Object(_) => return Err(RpcError::invalid_params("invalid type: map, expected a list of parameters")),
        _ => vec![],
    };
    if list.len() > arity {
        return Err(RpcError::invalid_params(format!("expected at most {arity} parameters, got {}", list.len())));
    }
    list.resize(arity, Value::Null);
    serde_json::from_value(Value::Array(list)).map_err(RpcError::invalid_params)
}

pub fn pubkey(s: &str) -> Result<Pubkey, RpcError> {
    Pubkey::from_str(s).map_err(|e| RpcError::invalid_param(format!("{e:?}")))
}

/// A commitment level. This chain is one bank that roots every slot, so all levels read the
/// same state; the names are still checked, as the real RPC checks them.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Commitment {
    Processed,
    Confirmed,
    Finalized,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContextConfig {
    pub commitment: Option<Commitment>,
    pub min_context_slot: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountConfig {
    pub encoding: Option<UiAccountEncoding>,
    pub data_slice: Option<UiDataSliceConfig>,
    pub commitment: Option<Commitment>,
    pub min_context_slot: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Filter {
    DataSize(u64),
    Memcmp(Memcmp),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Memcmp {
    pub offset: usize,
    pub bytes: String,
    pub encoding: Option<MemcmpEncoding>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MemcmpEncoding {
    Base58,
    Base64,
}

/// A filter whose bytes are decoded, ready to match account data.
#[derive(Debug, Clone)]
pub enum AccountFilter {
    DataSize(u64),
    Memcmp { offset: usize, bytes: Vec<u8> },
}

impl AccountFilter {
    pub fn matches(&self, data: &[u8]) -> bool {
        match self {
            Self::DataSize(n) => data.len() as u64 == *n,
            Self::Memcmp { offset, bytes } => {
                data.get(*offset..offset.saturating_add(bytes.len())).is_some_and(|slice| slice == bytes.as_slice())
            }
        }
    }
}

/// Agave's limits: at most 4 filters, memcmp bytes at most 128 (base58 ≤ 175 chars).
pub fn decode_filters(filters: Option<Vec<Filter>>) -> Result<Vec<AccountFilter>, RpcError> {
    use base64::Engine;
    let filters = filters.unwrap_or_default();
    if filters.len() > 4 {
        return Err(RpcError::invalid_params("Too many filters provided; max 4"));
    }
    filters
        .into_iter()
        .map(|f| match f {
            Filter::DataSize(n) => Ok(AccountFilter::DataSize(n)),
            Filter::Memcmp(Memcmp { offset, bytes, encoding }) => {
                let decoded = match encoding.unwrap_or(MemcmpEncoding::Base58) {
                    MemcmpEncoding::Base58 => bs58::decode(&bytes).into_vec().map_err(|e| e.to_string()),
                    MemcmpEncoding::Base64 => {
                        base64::engine::general_purpose::STANDARD.decode(&bytes).map_err(|e| e.to_string())
                    }
                };
                match decoded {
                    Ok(b) if b.len() <= 128 => Ok(AccountFilter::Memcmp { offset, bytes: b }),
                    Ok(_) => Err(RpcError::invalid_param("filter bytes are longer than 128")),
                    Err(e) => Err(RpcError::invalid_param(format!("invalid memcmp bytes: {e}"))),
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trailing_options_may_be_left_out_but_not_added() {
        let (a, b): (String, Option<ContextConfig>) = positional(json!(["k"]), 2).unwrap();
        assert_eq!(a, "k");
        assert!(b.is_none());
        assert_eq!(positional::<(String,)>(json!(["a", "b"]), 1).unwrap_err().code, -32602);
        assert_eq!(positional::<(String,)>(json!([]), 1).unwrap_err().code, -32602);
        assert_eq!(positional::<(u64,)>(json!(["x"]), 1).unwrap_err().code, -32602);
    }

    #[test]
    fn commitment_names_are_checked() {
        let ok: (ContextConfig,) = positional(json!([{ "commitment": "confirmed" }]), 1).unwrap();
        assert_eq!(ok.0.commitment, Some(Commitment::Confirmed));
        assert!(positional::<(ContextConfig,)>(json!([{ "commitment": "max" }]), 1).is_err());
    }

    #[test]
    fn filters_decode_and_match() {
        let f: Vec<Filter> = serde_json::from_value(json!([
            { "dataSize": 3 },
            { "memcmp": { "offset": 1, "bytes": bs58::encode([7u8, 8]).into_string() } },
            { "memcmp": { "offset": 0, "bytes": "AQ==", "encoding": "base64" } }
        ]))
        .unwrap();
        let f = decode_filters(Some(f)).unwrap();
        assert!(f.iter().all(|f| f.matches(&[1, 7, 8])));
        assert!(!f[1].matches(&[1, 7]));
        assert!(!f[0].matches(&[1, 7, 8, 9]));
        assert!(pubkey("not a key").is_err());
    }
}
