//! The JSON-RPC methods, run on the chain thread. Shapes follow Agave's RPC (`context`/`value`
//! wrapping, account encodings, status metas) as `@solana/web3.js` 1.x parses them.
use super::params::{self, positional, AccountConfig, ContextConfig, Filter};
use crate::chain::{Chain, ExecError};
use crate::error::RpcError;
use crate::token;
use crate::tx::{self, TxEncoding};
use anchor_lang::prelude::Pubkey;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde::Deserialize;
use serde_json::{json, Value};
use solana_account::Account;
use solana_account_decoder::{encode_ui_account, UiAccountEncoding, UiDataSliceConfig};
use solana_message::VersionedMessage;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;

/// Agave's limits on list parameters.
const MAX_MULTIPLE_ACCOUNTS: usize = 100;
const MAX_SIGNATURE_STATUSES: usize = 256;
const MAX_SIGNATURES_FOR_ADDRESS: usize = 1000;
const MAX_BASE58_BYTES: usize = 128;
/// The largest account data (`system_instruction::MAX_PERMITTED_DATA_LENGTH`, 10 MiB).
const MAX_PERMITTED_DATA_LENGTH: usize = 10 * 1024 * 1024;
/// Ten years: far beyond any window or cooldown, far below where timestamps overflow.
const MAX_WARP_SECONDS: i64 = 10 * 365 * 24 * 3600;

fn internal(e: impl std::fmt::Display) -> RpcError {
    RpcError::internal(e)
}

/// Every method this chain answers over HTTP.
pub const METHODS: &[&str] = &[
    "getAccountInfo",
    "getBalance",
    "getBlockHeight",
    "getEpochInfo",
    "getEpochSchedule",
    "getFeeForMessage",
    "getGenesisHash",
    "getHealth",
    "getIdentity",
    "getLatestBlockhash",
    "getMinimumBalanceForRentExemption",
    "getMultipleAccounts",
    "getProgramAccounts",
    "getRecentPrioritizationFees",
    "getSignatureStatuses",
    "getSignaturesForAddress",
    "getSlot",
    "getTokenAccountBalance",
    "getTokenAccountsByOwner",
    "getTokenSupply",
    "getTransaction",
    "getTransactionCount",
    "getVersion",
    "isBlockhashValid",
    "requestAirdrop",
    "sendTransaction",
    "simulateTransaction",
    "synkti_warpClock",
];

/// Methods the chain's own state answers without the bank; `Err` hands the params back for
/// [`dispatch`].
pub fn dispatch_indexed(chain: &Chain, method: &str, params: Value) -> Result<Result<Value, RpcError>, Value> {
    Ok(match method {
        "getHealth" => Ok(json!("ok")),
        "getVersion" => Ok(json!({ "solana-core": crate::SOLANA_CORE_VERSION, "feature-set": crate::FEATURE_SET })),
        "getGenesisHash" => Ok(json!(chain.genesis_hash)),
        "getIdentity" => Ok(json!({ "identity": chain.faucet().to_string() })),
        "getSlot" => context_only(chain, params).map(|()| json!(chain.slot)),
        "getBlockHeight" => context_only(chain, params).map(|()| json!(chain.block_height)),
        "getTransactionCount" => context_only(chain, params).map(|()| json!(chain.transaction_count)),
        "getLatestBlockhash" if chain.latest_blockhash.is_some() => latest_blockhash_value(chain, params),
        "getSignatureStatuses" => signature_statuses(chain, params),
        "getSignaturesForAddress" => signatures_for_address(chain, params),
        "getTransaction" => transaction(chain, params),
        "getRecentPrioritizationFees" => positional::<(Option<Vec<String>>,)>(params, 1).map(|_| json!([])),
        "getBalance" | "getAccountInfo" | "getMultipleAccounts" => {
            match indexed_accounts_call(chain, method, &params) {
                Some(answer) => answer,
                None => return Err(params),
            }
        }
        _ if !METHODS.contains(&method) => Err(RpcError::method_not_found()),
        _ => return Err(params),
    })
}

pub async fn dispatch(chain: &mut Chain, method: &str, params: Value) -> Result<Value, RpcError> {
    let params = match dispatch_indexed(chain, method, params) {
        Ok(answer) => return answer,
        Err(params) => params,
    };
    match method {
        "getEpochInfo" => epoch_info(chain, params).await,
        "getEpochSchedule" => epoch_schedule(chain).await,
        "getLatestBlockhash" => latest_blockhash(chain, params).await,
        "isBlockhashValid" => is_blockhash_valid(chain, params).await,
        "getFeeForMessage" => fee_for_message(chain, params).await,
        "getMinimumBalanceForRentExemption" => {
            let (size, cfg): (usize, Option<ContextConfig>) = positional(params, 2)?;
            chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
            // Agave refuses sizes above what an account may hold (and rent would overflow).
            if size > MAX_PERMITTED_DATA_LENGTH {
                return Err(RpcError::invalid_request());
            }
            let rent = chain.banks.get_rent().await.map_err(internal)?;
            Ok(json!(rent.minimum_balance(size)))
        }
        "getBalance" => {
            let (key, cfg): (String, Option<ContextConfig>) = positional(params, 2)?;
            let key = params::pubkey(&key)?;
            chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
            let lamports = chain.account(&key).await?.map_or(0, |a| a.lamports);
            Ok(chain.with_context(json!(lamports)))
        }
        "getAccountInfo" => account_info(chain, params).await,
        "getMultipleAccounts" => multiple_accounts(chain, params).await,
        "getProgramAccounts" => program_accounts(chain, params).await,
        "getTokenAccountBalance" => token_account_balance(chain, params).await,
        "getTokenAccountsByOwner" => token_accounts_by_owner(chain, params).await,
        "getTokenSupply" => token_supply(chain, params).await,
        "sendTransaction" => send_transaction(chain, params).await,
        "simulateTransaction" => simulate_transaction(chain, params).await,
        "requestAirdrop" => {
            let (key, lamports, cfg): (String, u64, Option<ContextConfig>) = positional(params, 3)?;
            let key = params::pubkey(&key)?;
            let _ = cfg;
            chain.airdrop(&key, lamports).await.map(|s| json!(s))
        }
        "synkti_warpClock" => {
            let (seconds,): (i64,) = positional(params, 1)?;
            if seconds < 0 {
                return Err(RpcError::invalid_param("seconds must not be negative (the clock never goes back)"));
            }
            if seconds > MAX_WARP_SECONDS {
                return Err(RpcError::invalid_param(format!(
                    "seconds must be at most {MAX_WARP_SECONDS} (ten years) per call"
                )));
            }
            chain.warp_clock(seconds).await.map_err(internal)?;
            Ok(json!({ "slot": chain.slot, "unixTimestamp": chain.unix_timestamp }))
        }
        _ => Err(RpcError::method_not_found()),
    }
}

fn context_only(chain: &Chain, params: Value) -> Result<(), RpcError> {
    let (cfg,): (Option<ContextConfig>,) = positional(params, 1)?;
    chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))
}

async fn epoch_info(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    use solana_epoch_schedule::EpochSchedule;
    context_only(chain, params)?;
    let schedule: EpochSchedule = chain.banks.get_sysvar().await.map_err(internal)?;
    let (epoch, slot_index) = schedule.get_epoch_and_slot_index(chain.slot);
    let block_height = chain.banks.get_root_block_height().await.map_err(internal)?;
    Ok(json!({
        "absoluteSlot": chain.slot,
        "blockHeight": block_height,
        "epoch": epoch,
        "slotIndex": slot_index,
        "slotsInEpoch": schedule.get_slots_in_epoch(epoch),
        "transactionCount": chain.transaction_count,
    }))
}

async fn epoch_schedule(chain: &mut Chain) -> Result<Value, RpcError> {
    use solana_epoch_schedule::EpochSchedule;
    let s: EpochSchedule = chain.banks.get_sysvar().await.map_err(internal)?;
    Ok(json!({
        "slotsPerEpoch": s.slots_per_epoch,
        "leaderScheduleSlotOffset": s.leader_schedule_slot_offset,
        "warmup": s.warmup,
        "firstNormalEpoch": s.first_normal_epoch,
        "firstNormalSlot": s.first_normal_slot,
    }))
}

async fn latest_blockhash(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    chain.latest_blockhash = Some(latest(chain).await?);
    latest_blockhash_value(chain, params)
}

fn latest_blockhash_value(chain: &Chain, params: Value) -> Result<Value, RpcError> {
    context_only(chain, params)?;
    let (blockhash, last_valid) = chain.latest_blockhash.ok_or_else(|| internal("no latest blockhash"))?;
    Ok(chain.with_context(json!({ "blockhash": blockhash.to_string(), "lastValidBlockHeight": last_valid })))
}

async fn latest(chain: &Chain) -> Result<(solana_hash::Hash, u64), RpcError> {
    chain
        .banks
        .get_latest_blockhash_with_commitment(solana_commitment_config::CommitmentLevel::Processed)
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("the bank has no latest blockhash"))
}

/// A blockhash is valid while a transaction using it would pass the bank's age check, which is
/// what a fee-free simulation of an empty transaction from the faucet observes.
async fn is_blockhash_valid(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (hash, cfg): (String, Option<ContextConfig>) = positional(params, 2)?;
    let hash: solana_hash::Hash = hash.parse().map_err(|e| RpcError::invalid_param(format!("{e:?}")))?;
    chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
    let probe = solana_message::Message::new_with_blockhash(&[], Some(&chain.faucet()), &hash);
    let probe = VersionedTransaction::from(solana_transaction::Transaction::new_unsigned(probe));
    let sim = chain.banks.simulate_transaction(probe).await.map_err(internal)?;
    let valid = !matches!(sim.result, Some(Err(TransactionError::BlockhashNotFound)));
    Ok(chain.with_context(json!(valid)))
}

async fn fee_for_message(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (encoded, cfg): (String, Option<ContextConfig>) = positional(params, 2)?;
    chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
    let bytes = B64.decode(&encoded).map_err(|e| RpcError::invalid_params(format!("invalid base64 encoding: {e}")))?;
    let message: VersionedMessage = bincode::deserialize(&bytes).map_err(|e| {
        RpcError::invalid_params(format!("failed to deserialize solana_message::VersionedMessage: {e}"))
    })?;
    message.sanitize().map_err(|e| RpcError::invalid_params(format!("invalid transaction message: {e}")))?;
    let fee = chain.fee_for(&message).await?;
    Ok(chain.with_context(json!(fee)))
}

/// Encodes an account as the RPC does; a token account in `jsonParsed` needs its mint's decimals.
fn encode(
    key: &Pubkey,
    account: &Account,
    encoding: UiAccountEncoding,
    slice: Option<UiDataSliceConfig>,
    decimals: Option<u8>,
) -> Result<Value, RpcError> {
    if matches!(encoding, UiAccountEncoding::Binary | UiAccountEncoding::Base58) {
        let len = slice.map_or(account.data.len(), |s| s.length.min(account.data.len().saturating_sub(s.offset)));
        if len > MAX_BASE58_BYTES {
            return Err(RpcError {
                code: crate::error::codes::INVALID_REQUEST,
                message: "Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding."
                    .into(),
                data: None,
            });
        }
    }
    let additional = if encoding == UiAccountEncoding::JsonParsed { token::additional_data(decimals) } else { None };
    serde_json::to_value(encode_ui_account(key, account, encoding, additional, slice)).map_err(internal)
}

/// The mint decimals `encode` needs, looked up in the bank.
async fn ui_account(
    chain: &Chain,
    key: &Pubkey,
    account: &Account,
    encoding: UiAccountEncoding,
    slice: Option<UiDataSliceConfig>,
) -> Result<Value, RpcError> {
    let decimals = match (encoding, token::holding(account)) {
        (UiAccountEncoding::JsonParsed, Some(h)) => {
            chain.account(&h.mint).await?.as_ref().and_then(token::mint_decimals)
        }
        _ => None,
    };
    encode(key, account, encoding, slice, decimals)
}

/// The same from the index of written accounts; `None` when the index does not hold the
/// account (or, for `jsonParsed`, its mint).
fn indexed_ui_account(
    chain: &Chain,
    key: &Pubkey,
    encoding: UiAccountEncoding,
    slice: Option<UiDataSliceConfig>,
) -> Option<Result<Value, RpcError>> {
    let account = chain.ledger.accounts.get(key)?;
    let decimals = match (encoding, token::holding(account)) {
        (UiAccountEncoding::JsonParsed, Some(h)) => token::mint_decimals(chain.ledger.accounts.get(&h.mint)?),
        _ => None,
    };
    Some(encode(key, account, encoding, slice, decimals))
}

/// `getBalance`, `getAccountInfo` and `getMultipleAccounts` for accounts transactions have
/// written (their last state is in the index, exactly as in the bank). `None`: ask the bank.
fn indexed_accounts_call(chain: &Chain, method: &str, params: &Value) -> Option<Result<Value, RpcError>> {
    let parsed = || -> Result<Option<Value>, RpcError> {
        match method {
            "getBalance" => {
                let (key, cfg): (String, Option<ContextConfig>) = positional(params.clone(), 2)?;
                let key = params::pubkey(&key)?;
                chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
                Ok(chain.ledger.accounts.get(&key).map(|a| chain.with_context(json!(a.lamports))))
            }
            "getAccountInfo" => {
                let (key, cfg): (String, Option<AccountConfig>) = positional(params.clone(), 2)?;
                let key = params::pubkey(&key)?;
                let cfg = cfg.unwrap_or_default();
                chain.check_min_context_slot(cfg.min_context_slot)?;
                let encoding = cfg.encoding.unwrap_or(UiAccountEncoding::Binary);
                indexed_ui_account(chain, &key, encoding, cfg.data_slice)
                    .transpose()
                    .map(|v| v.map(|v| chain.with_context(v)))
            }
            "getMultipleAccounts" => {
                let (keys, cfg): (Vec<String>, Option<AccountConfig>) = positional(params.clone(), 2)?;
                if keys.len() > MAX_MULTIPLE_ACCOUNTS {
                    return Err(RpcError::invalid_params(format!(
                        "Too many inputs provided; max {MAX_MULTIPLE_ACCOUNTS}"
                    )));
                }
                let cfg = cfg.unwrap_or_default();
                chain.check_min_context_slot(cfg.min_context_slot)?;
                let encoding = cfg.encoding.unwrap_or(UiAccountEncoding::Base64);
                let mut values = vec![];
                for key in &keys {
                    match indexed_ui_account(chain, &params::pubkey(key)?, encoding, cfg.data_slice) {
                        Some(v) => values.push(v?),
                        None => return Ok(None),
                    }
                }
                Ok(Some(chain.with_context(Value::Array(values))))
            }
            _ => Ok(None),
        }
    };
    parsed().transpose()
}

async fn account_info(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (key, cfg): (String, Option<AccountConfig>) = positional(params, 2)?;
    let key = params::pubkey(&key)?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let value = match chain.account(&key).await? {
        Some(a) => {
            ui_account(chain, &key, &a, cfg.encoding.unwrap_or(UiAccountEncoding::Binary), cfg.data_slice).await?
        }
        None => Value::Null,
    };
    Ok(chain.with_context(value))
}

async fn multiple_accounts(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (keys, cfg): (Vec<String>, Option<AccountConfig>) = positional(params, 2)?;
    if keys.len() > MAX_MULTIPLE_ACCOUNTS {
        return Err(RpcError::invalid_params(format!("Too many inputs provided; max {MAX_MULTIPLE_ACCOUNTS}")));
    }
    let keys = keys.iter().map(|k| params::pubkey(k)).collect::<Result<Vec<_>, _>>()?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let encoding = cfg.encoding.unwrap_or(UiAccountEncoding::Base64);
    let mut values = vec![];
    for key in &keys {
        values.push(match chain.account(key).await? {
            Some(a) => ui_account(chain, key, &a, encoding, cfg.data_slice).await?,
            None => Value::Null,
        });
    }
    Ok(chain.with_context(Value::Array(values)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProgramAccountsConfig {
    filters: Option<Vec<Filter>>,
    with_context: Option<bool>,
    encoding: Option<UiAccountEncoding>,
    data_slice: Option<UiDataSliceConfig>,
    #[allow(dead_code)]
    commitment: Option<params::Commitment>,
    min_context_slot: Option<u64>,
}

/// Accounts a transaction has written, which this chain indexes (the bank cannot be scanned
/// by owner), selected by `keep`, sorted by address.
fn indexed_accounts(chain: &Chain, keep: impl Fn(&Account) -> bool) -> Vec<(Pubkey, Account)> {
    let mut found: Vec<(Pubkey, Account)> =
        chain.ledger.accounts.iter().filter(|(_, a)| keep(a)).map(|(k, a)| (*k, a.clone())).collect();
    found.sort_by_key(|(k, _)| k.to_bytes());
    found
}

async fn keyed_accounts(
    chain: &Chain,
    found: Vec<(Pubkey, Account)>,
    encoding: UiAccountEncoding,
    slice: Option<UiDataSliceConfig>,
) -> Result<Vec<Value>, RpcError> {
    let mut out = vec![];
    for (key, account) in &found {
        let account = ui_account(chain, key, account, encoding, slice).await?;
        out.push(json!({ "pubkey": key.to_string(), "account": account }));
    }
    Ok(out)
}

async fn program_accounts(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (program, cfg): (String, Option<ProgramAccountsConfig>) = positional(params, 2)?;
    let program = params::pubkey(&program)?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let filters = params::decode_filters(cfg.filters)?;
    let found = indexed_accounts(chain, |a| a.owner == program && filters.iter().all(|f| f.matches(&a.data)));
    let list = keyed_accounts(chain, found, cfg.encoding.unwrap_or(UiAccountEncoding::Binary), cfg.data_slice).await?;
    Ok(if cfg.with_context.unwrap_or(false) { chain.with_context(Value::Array(list)) } else { Value::Array(list) })
}

async fn token_account_balance(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (key, cfg): (String, Option<ContextConfig>) = positional(params, 2)?;
    let key = params::pubkey(&key)?;
    chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
    let holding = chain.account(&key).await?.as_ref().and_then(token::holding);
    let Some(holding) = holding else { return Err(RpcError::invalid_param("not a Token account")) };
    let decimals = chain.account(&holding.mint).await?.as_ref().and_then(token::mint_decimals);
    let Some(decimals) = decimals else { return Err(RpcError::invalid_param("Token mint could not be unpacked")) };
    Ok(chain.with_context(token::ui_amount(holding.amount, decimals)))
}

async fn token_supply(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    use spl_token_2022_interface::{extension::StateWithExtensions, state::Mint};
    let (key, cfg): (String, Option<ContextConfig>) = positional(params, 2)?;
    let key = params::pubkey(&key)?;
    chain.check_min_context_slot(cfg.and_then(|c| c.min_context_slot))?;
    let account = chain.account(&key).await?;
    let mint = account
        .as_ref()
        .filter(|a| solana_account_decoder::parse_token::is_known_spl_token_id(&a.owner))
        .and_then(|a| StateWithExtensions::<Mint>::unpack(&a.data).ok().map(|m| m.base));
    let Some(mint) = mint else { return Err(RpcError::invalid_param("not a Token mint")) };
    Ok(chain.with_context(token::ui_amount(mint.supply, mint.decimals)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
enum TokenAccountsFilter {
    Mint(String),
    ProgramId(String),
}

async fn token_accounts_by_owner(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (owner, filter, cfg): (String, TokenAccountsFilter, Option<AccountConfig>) = positional(params, 3)?;
    let owner = params::pubkey(&owner)?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let (mint, program) = match filter {
        TokenAccountsFilter::Mint(m) => (Some(params::pubkey(&m)?), None),
        TokenAccountsFilter::ProgramId(p) => {
            let p = params::pubkey(&p)?;
            if !solana_account_decoder::parse_token::is_known_spl_token_id(&p) {
                return Err(RpcError::invalid_param("Invalid param: unrecognized Token program id"));
            }
            (None, Some(p))
        }
    };
    let found = indexed_accounts(chain, |a| {
        token::holding(a).is_some_and(|h| {
            h.owner == owner && mint.is_none_or(|m| h.mint == m) && program.is_none_or(|p| h.program == p)
        })
    });
    let list = keyed_accounts(chain, found, cfg.encoding.unwrap_or(UiAccountEncoding::Binary), cfg.data_slice).await?;
    Ok(chain.with_context(Value::Array(list)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatusConfig {
    #[allow(dead_code)]
    search_transaction_history: Option<bool>,
}

fn signature_statuses(chain: &Chain, params: Value) -> Result<Value, RpcError> {
    let (signatures, _cfg): (Vec<String>, Option<StatusConfig>) = positional(params, 2)?;
    if signatures.len() > MAX_SIGNATURE_STATUSES {
        return Err(RpcError::invalid_params(format!("Too many inputs provided; max {MAX_SIGNATURE_STATUSES}")));
    }
    let statuses = signatures
        .iter()
        .map(|s| {
            check_signature(s)?;
            Ok(chain.record(s).map(|r| {
                let err = r.err();
                json!({
                    "slot": r.slot,
                    "confirmations": null,
                    "err": err,
                    "status": if err.is_null() { json!({ "Ok": null }) } else { json!({ "Err": err }) },
                    "confirmationStatus": "finalized",
                })
            }))
        })
        .collect::<Result<Vec<_>, RpcError>>()?;
    Ok(chain.with_context(json!(statuses)))
}

fn check_signature(s: &str) -> Result<(), RpcError> {
    s.parse::<solana_signature::Signature>().map(|_| ()).map_err(|e| RpcError::invalid_param(format!("{e:?}")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignaturesForAddressConfig {
    limit: Option<usize>,
    before: Option<String>,
    until: Option<String>,
    min_context_slot: Option<u64>,
}

fn signatures_for_address(chain: &Chain, params: Value) -> Result<Value, RpcError> {
    let (address, cfg): (String, Option<SignaturesForAddressConfig>) = positional(params, 2)?;
    let address = params::pubkey(&address)?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let limit = cfg.limit.unwrap_or(MAX_SIGNATURES_FOR_ADDRESS);
    if limit == 0 || limit > MAX_SIGNATURES_FOR_ADDRESS {
        return Err(RpcError::invalid_params(format!("Invalid limit; max {MAX_SIGNATURES_FOR_ADDRESS}")));
    }
    for s in cfg.before.iter().chain(cfg.until.iter()) {
        check_signature(s)?;
    }
    let empty = vec![];
    let all = chain.ledger.by_address.get(&address).unwrap_or(&empty);
    let newest_first = all.iter().rev();
    let mut started = cfg.before.is_none();
    let mut out = vec![];
    for sig in newest_first {
        if !started {
            started = Some(sig) == cfg.before.as_ref();
            continue;
        }
        if Some(sig) == cfg.until.as_ref() || out.len() == limit {
            break;
        }
        if let Some(r) = chain.record(sig) {
            out.push(json!({
                "signature": sig,
                "slot": r.slot,
                "err": r.err(),
                "memo": null,
                "blockTime": r.block_time,
                "confirmationStatus": "finalized",
            }));
        }
    }
    Ok(Value::Array(out))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransactionConfig {
    encoding: Option<String>,
    max_supported_transaction_version: Option<u8>,
    #[allow(dead_code)]
    commitment: Option<params::Commitment>,
}

fn transaction(chain: &Chain, params: Value) -> Result<Value, RpcError> {
    // web3.js < 1.60 passed the encoding as a bare string instead of a config.
    let (signature, cfg): (String, Option<Value>) = positional(params, 2)?;
    let cfg: TransactionConfig = match cfg {
        None => TransactionConfig::default(),
        Some(Value::String(encoding)) => TransactionConfig { encoding: Some(encoding), ..Default::default() },
        Some(v) => serde_json::from_value(v).map_err(RpcError::invalid_params)?,
    };
    check_signature(&signature)?;
    let Some(record) = chain.record(&signature) else { return Ok(Value::Null) };
    let tx: VersionedTransaction = bincode::deserialize(&record.wire).map_err(internal)?;
    let version = tx::version(&tx);
    if let VersionedMessage::V0(_) = tx.message {
        if cfg.max_supported_transaction_version.is_none() {
            return Err(RpcError::unsupported_transaction_version(0));
        }
    }
    let encoded = match cfg.encoding.as_deref().unwrap_or("json") {
        "json" => tx::to_json(&tx),
        "jsonParsed" => tx::to_json_parsed(&tx),
        "base64" => json!([B64.encode(&record.wire), "base64"]),
        "base58" => json!([bs58::encode(&record.wire).into_string(), "base58"]),
        other => return Err(RpcError::invalid_params(format!("unknown variant `{other}`"))),
    };
    let mut out =
        json!({ "slot": record.slot, "blockTime": record.block_time, "transaction": encoded, "meta": record.meta });
    if cfg.max_supported_transaction_version.is_some() {
        out["version"] = version;
    }
    Ok(out)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SendConfig {
    encoding: Option<TxEncoding>,
    skip_preflight: Option<bool>,
    #[allow(dead_code)]
    preflight_commitment: Option<params::Commitment>,
    #[allow(dead_code)]
    max_retries: Option<usize>,
    min_context_slot: Option<u64>,
}

pub fn return_data(data: Option<(&Pubkey, &[u8])>) -> Value {
    match data {
        Some((program, bytes)) if !bytes.is_empty() => {
            json!({ "programId": program.to_string(), "data": [B64.encode(bytes), "base64"] })
        }
        _ => Value::Null,
    }
}

/// The `value` of `simulateTransaction`, also the `data` of a failed preflight.
pub fn simulation_value(err: &TransactionError, logs: &[String], units: u64, ret: Value, loaded: u32) -> Value {
    json!({
        "err": serde_json::to_value(err).unwrap_or(Value::Null),
        "logs": logs,
        "accounts": null,
        "unitsConsumed": units,
        "returnData": ret,
        "innerInstructions": null,
        "replacementBlockhash": null,
        "loadedAccountsDataSize": loaded,
    })
}

async fn send_transaction(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (encoded, cfg): (String, Option<SendConfig>) = positional(params, 2)?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let wire = tx::decode_wire(&encoded, cfg.encoding.unwrap_or(TxEncoding::Base58))?;
    let tx = tx::parse(&wire)?;
    if !tx.verify_with_results().iter().all(|ok| *ok) {
        return Err(RpcError::signature_verification_failure());
    }
    let preflight = !cfg.skip_preflight.unwrap_or(false);
    if preflight {
        let sim = chain.banks.simulate_transaction(tx.clone()).await.map_err(internal)?;
        if let Some(Err(err)) = &sim.result {
            let (logs, units, ret, loaded) = match &sim.simulation_details {
                Some(d) => (
                    d.logs.clone(),
                    d.units_consumed,
                    return_data(d.return_data.as_ref().map(|r| (&r.program_id, r.data.as_slice()))),
                    d.loaded_accounts_data_size,
                ),
                None => (vec![], 0, Value::Null, 0),
            };
            return Err(RpcError::preflight_failure(err, simulation_value(err, &logs, units, ret, loaded)));
        }
    }
    let signature = tx.signatures[0].to_string();
    match chain.execute(tx).await {
        Ok(done) => Ok(json!(done.signature)),
        // Without preflight the real RPC hands the transaction on and answers its signature;
        // a transaction the bank refused never lands, as there.
        Err(ExecError::NotCommitted(_)) if !preflight => Ok(json!(signature)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SimulateConfig {
    sig_verify: Option<bool>,
    replace_recent_blockhash: Option<bool>,
    encoding: Option<TxEncoding>,
    #[allow(dead_code)]
    commitment: Option<params::Commitment>,
    #[allow(dead_code)]
    accounts: Option<Value>,
    #[allow(dead_code)]
    inner_instructions: Option<bool>,
    min_context_slot: Option<u64>,
}

async fn simulate_transaction(chain: &mut Chain, params: Value) -> Result<Value, RpcError> {
    let (encoded, cfg): (String, Option<SimulateConfig>) = positional(params, 2)?;
    let cfg = cfg.unwrap_or_default();
    chain.check_min_context_slot(cfg.min_context_slot)?;
    let wire = tx::decode_wire(&encoded, cfg.encoding.unwrap_or(TxEncoding::Base58))?;
    let mut tx = tx::parse(&wire)?;
    let sig_verify = cfg.sig_verify.unwrap_or(false);
    let replace = cfg.replace_recent_blockhash.unwrap_or(false);
    if sig_verify && replace {
        return Err(RpcError::invalid_params("sigVerify may not be used with replaceRecentBlockhash"));
    }
    if sig_verify && !tx.verify_with_results().iter().all(|ok| *ok) {
        return Err(RpcError::signature_verification_failure());
    }
    let mut replacement = Value::Null;
    if replace {
        let (blockhash, last_valid) = latest(chain).await?;
        tx.message.set_recent_blockhash(blockhash);
        replacement = json!({ "blockhash": blockhash.to_string(), "lastValidBlockHeight": last_valid });
    }
    let sim = chain.banks.simulate_transaction(tx).await.map_err(internal)?;
    let err = match &sim.result {
        Some(Err(e)) => serde_json::to_value(e).map_err(internal)?,
        _ => Value::Null,
    };
    let d = sim.simulation_details;
    Ok(chain.with_context(json!({
        "err": err,
        "logs": d.as_ref().map(|d| d.logs.clone()),
        "accounts": null,
        "unitsConsumed": d.as_ref().map_or(0, |d| d.units_consumed),
        "returnData": d.as_ref().map_or(Value::Null, |d| return_data(d.return_data.as_ref().map(|r| (&r.program_id, r.data.as_slice())))),
        "innerInstructions": null,
        "replacementBlockhash": replacement,
        "loadedAccountsDataSize": d.as_ref().map_or(0, |d| d.loaded_accounts_data_size),
    })))
}
