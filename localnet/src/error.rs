//! JSON-RPC errors, worded and numbered as Agave's RPC words them, so that `@solana/web3.js`
//! (`SendTransactionError`, `SolanaJSONRPCError`) and Anchor parse them as they would on devnet.
use serde_json::{json, Value};
use solana_transaction_error::TransactionError;

/// An error answer of one JSON-RPC call.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

/// Codes of the JSON-RPC 2.0 spec and of Agave's `rpc_custom_error.rs`.
pub mod codes {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL_ERROR: i64 = -32603;
    pub const SEND_TRANSACTION_PREFLIGHT_FAILURE: i64 = -32002;
    pub const TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: i64 = -32003;
    pub const UNSUPPORTED_TRANSACTION_VERSION: i64 = -32015;
    pub const MIN_CONTEXT_SLOT_NOT_REACHED: i64 = -32016;
}

impl RpcError {
    fn new(code: i64, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), data: None }
    }

    pub fn parse_error() -> Self {
        Self::new(codes::PARSE_ERROR, "Parse error")
    }

    pub fn invalid_request() -> Self {
        Self::new(codes::INVALID_REQUEST, "Invalid request")
    }

    pub fn method_not_found() -> Self {
        Self::new(codes::METHOD_NOT_FOUND, "Method not found")
    }

    /// A parameter list that does not have the method's shape.
    pub fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::INVALID_PARAMS, format!("Invalid params: {detail}."))
    }

    /// One parameter of the right type whose value is wrong (a bad public key, say).
    pub fn invalid_param(detail: impl std::fmt::Display) -> Self {
        Self::new(codes::INVALID_PARAMS, format!("Invalid param: {detail}"))
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self { code: codes::INTERNAL_ERROR, message: "Internal error".into(), data: Some(json!(detail.to_string())) }
    }

    /// What `sendTransaction` answers when its preflight simulation fails; `data` is the
    /// simulation result, whose `logs` web3.js copies into `SendTransactionError.logs`.
    pub fn preflight_failure(err: &TransactionError, simulation: Value) -> Self {
        Self {
            code: codes::SEND_TRANSACTION_PREFLIGHT_FAILURE,
            message: format!("Transaction simulation failed: {err}"),
            data: Some(simulation),
        }
    }

    pub fn signature_verification_failure() -> Self {
        Self::new(codes::TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, "Transaction signature verification failure")
    }

    pub fn unsupported_transaction_version(version: u8) -> Self {
        Self::new(
            codes::UNSUPPORTED_TRANSACTION_VERSION,
            format!(
                "Transaction version ({version}) is not supported by the requesting client. Please try the request \
                 again with the following configuration parameter: \"maxSupportedTransactionVersion\": {version}"
            ),
        )
    }

    pub fn min_context_slot_not_reached(context_slot: u64) -> Self {
        Self {
            code: codes::MIN_CONTEXT_SLOT_NOT_REACHED,
            message: "Minimum context slot has not been reached".into(),
            data: Some(json!({ "contextSlot": context_slot })),
        }
    }

    pub fn to_json(&self) -> Value {
        match &self.data {
            Some(data) => json!({ "code": self.code, "message": self.message, "data": data }),
            None => json!({ "code": self.code, "message": self.message }),
        }
    }
}

impl std::fmt::Display for RpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for RpcError {}

/// Why the localnet could not start.
#[derive(Debug)]
pub enum StartError {
    /// The RPC or websocket port could not be bound on 127.0.0.1.
    Bind { port: u16, source: std::io::Error },
    /// The ledger directory could not be read or written.
    Ledger(std::io::Error),
    /// The ledger's journal has a record that is not a torn final write.
    CorruptLedger { line: usize, reason: String },
    /// The bank could not be started or brought to the ledger's last slot.
    Bank(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bind { port, source } => write!(f, "cannot listen on 127.0.0.1:{port}: {source}"),
            Self::Ledger(e) => write!(f, "cannot use the ledger directory: {e}"),
            Self::CorruptLedger { line, reason } => {
                write!(f, "the ledger journal is corrupt at line {line}: {reason} (start with --reset to begin afresh)")
            }
            Self::Bank(e) => write!(f, "cannot start the bank: {e}"),
        }
    }
}

impl std::error::Error for StartError {}
