//! The pub-sub websocket (Solana's port + 1): `accountSubscribe`, `programSubscribe`,
//! `logsSubscribe`, `signatureSubscribe`, `slotSubscribe` and their unsubscribes, with
//! notifications in the shapes `@solana/web3.js` 1.x parses (`context.slot` included).
//!
//! The chain thread emits an [`Event`] for every slot and committed transaction; one task
//! matches events to subscriptions. A subscription is matched only once its id has been sent,
//! so no notification can overtake the answer that names it.
use crate::chain::ChainHandle;
use crate::error::RpcError;
use crate::rpc::envelope::{answer, parse_call};
use crate::rpc::params::{self, positional, AccountFilter, Filter};
use anchor_lang::prelude::Pubkey;
use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use serde_json::{json, Value};
use solana_account::Account;
use solana_account_decoder::{encode_ui_account, UiAccountEncoding, UiDataSliceConfig};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::{protocol::WebSocketConfig, Message};

/// What the chain reports to subscribers.
#[derive(Debug, Clone)]
pub enum Event {
    Slot { slot: u64, parent: u64, root: u64 },
    Account { slot: u64, pubkey: Pubkey, account: Account, decimals: Option<u8> },
    Logs { slot: u64, signature: String, err: Value, logs: Vec<Value>, mentions: Vec<Pubkey> },
    Signature { slot: u64, signature: String, err: Value },
}

/// Largest websocket message accepted from a client.
const MAX_MESSAGE_SIZE: usize = 1 << 20;

#[derive(Debug, Clone)]
enum Kind {
    Account { pubkey: Pubkey, encoding: UiAccountEncoding, slice: Option<UiDataSliceConfig> },
    Program { program: Pubkey, filters: Vec<AccountFilter>, encoding: UiAccountEncoding },
    Logs { mentions: Option<Pubkey> },
    Signature { signature: String },
    Slot,
}

impl Kind {
    fn unsubscribe_method(&self) -> &'static str {
        match self {
            Self::Account { .. } => "accountUnsubscribe",
            Self::Program { .. } => "programUnsubscribe",
            Self::Logs { .. } => "logsUnsubscribe",
            Self::Signature { .. } => "signatureUnsubscribe",
            Self::Slot => "slotUnsubscribe",
        }
    }
}

struct Subscription {
    conn: u64,
    out: mpsc::UnboundedSender<String>,
    kind: Kind,
    active: bool,
}

#[derive(Default)]
pub struct Hub {
    next_id: u64,
    next_conn: u64,
    subs: HashMap<u64, Subscription>,
}

pub type SharedHub = Arc<Mutex<Hub>>;

fn notification(method: &str, subscription: u64, result: Value) -> String {
    json!({ "jsonrpc": "2.0", "method": method, "params": { "result": result, "subscription": subscription } })
        .to_string()
}

fn ui(
    pubkey: &Pubkey,
    account: &Account,
    encoding: UiAccountEncoding,
    slice: Option<UiDataSliceConfig>,
    decimals: Option<u8>,
) -> Value {
    let additional =
        if encoding == UiAccountEncoding::JsonParsed { crate::token::additional_data(decimals) } else { None };
    serde_json::to_value(encode_ui_account(pubkey, account, encoding, additional, slice)).unwrap_or(Value::Null)
}

impl Hub {
    /// Sends `event` to every active subscription it concerns.
    pub fn publish(&mut self, event: &Event) {
        let mut finished = vec![];
        for (id, sub) in self.subs.iter().filter(|(_, s)| s.active) {
            let message = match (&sub.kind, event) {
                (Kind::Slot, Event::Slot { slot, parent, root }) => {
                    Some(notification("slotNotification", *id, json!({ "parent": parent, "root": root, "slot": slot })))
                }
                (Kind::Account { pubkey, encoding, slice }, Event::Account { slot, pubkey: k, account, decimals })
                    if pubkey == k =>
                {
                    let value = ui(k, account, *encoding, *slice, *decimals);
                    Some(notification(
                        "accountNotification",
                        *id,
                        json!({ "context": { "slot": slot }, "value": value }),
                    ))
                }
                (Kind::Program { program, filters, encoding }, Event::Account { slot, pubkey, account, decimals })
                    if account.owner == *program && filters.iter().all(|f| f.matches(&account.data)) =>
                {
                    let value = json!({ "pubkey": pubkey.to_string(), "account": ui(pubkey, account, *encoding, None, *decimals) });
                    Some(notification(
                        "programNotification",
                        *id,
                        json!({ "context": { "slot": slot }, "value": value }),
                    ))
                }
                (Kind::Logs { mentions }, Event::Logs { slot, signature, err, logs, mentions: keys })
                    if mentions.is_none_or(|m| keys.contains(&m)) =>
                {
                    let value = json!({ "signature": signature, "err": err, "logs": logs });
                    Some(notification("logsNotification", *id, json!({ "context": { "slot": slot }, "value": value })))
                }
                (Kind::Signature { signature }, Event::Signature { slot, signature: s, err }) if signature == s => {
                    finished.push(*id);
                    Some(notification(
                        "signatureNotification",
                        *id,
                        json!({ "context": { "slot": slot }, "value": { "err": err } }),
                    ))
                }
                _ => None,
            };
            if let Some(message) = message {
                let _ = sub.out.send(message);
            }
        }
        // A signature subscription ends with its notification, as on a validator.
        for id in finished {
            self.subs.remove(&id);
        }
    }
}

/// Runs until the chain's event channel closes.
pub async fn publish_events(hub: SharedHub, mut events: mpsc::UnboundedReceiver<Event>) {
    while let Some(event) = events.recv().await {
        if let Ok(mut hub) = hub.lock() {
            hub.publish(&event);
        }
    }
}

/// Accepts websocket connections until `shutdown` turns true.
pub async fn serve(listener: TcpListener, hub: SharedHub, chain: ChainHandle, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = shutdown.changed() => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let (hub, chain, shutdown) = (hub.clone(), chain.clone(), shutdown.clone());
                tokio::spawn(async move { connection(stream, hub, chain, shutdown).await });
            }
        }
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    hub: SharedHub,
    chain: ChainHandle,
    mut shutdown: watch::Receiver<bool>,
) {
    let config =
        WebSocketConfig::default().max_message_size(Some(MAX_MESSAGE_SIZE)).max_frame_size(Some(MAX_MESSAGE_SIZE));
    let Ok(ws) = tokio_tungstenite::accept_async_with_config(stream, Some(config)).await else { return };
    let (mut sink, mut source) = ws.split();
    let (out, mut outbox) = mpsc::unbounded_channel::<String>();
    let writer = tokio::spawn(async move {
        while let Some(text) = outbox.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
        let _ = sink.close().await;
    });
    let conn = match hub.lock() {
        Ok(mut h) => {
            h.next_conn += 1;
            h.next_conn
        }
        Err(_) => return,
    };
    loop {
        let message = tokio::select! {
            _ = shutdown.changed() => break,
            m = source.next() => m,
        };
        match message {
            Some(Ok(Message::Text(text))) => on_text(text.as_str(), conn, &hub, &chain, &out).await,
            Some(Ok(Message::Binary(_))) => {
                let _ = out.send(answer(&Value::Null, Err(RpcError::invalid_request())).to_string());
            }
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            Some(Ok(_)) => {}
        }
    }
    if let Ok(mut h) = hub.lock() {
        h.subs.retain(|_, s| s.conn != conn);
    }
    drop(out);
    let _ = writer.await;
}

async fn on_text(text: &str, conn: u64, hub: &SharedHub, chain: &ChainHandle, out: &mpsc::UnboundedSender<String>) {
    let parsed: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => {
            let _ = out.send(answer(&Value::Null, Err(RpcError::parse_error())).to_string());
            return;
        }
    };
    let (requests, batch) = match parsed {
        Value::Array(list) if list.is_empty() => {
            let _ = out.send(answer(&Value::Null, Err(RpcError::invalid_request())).to_string());
            return;
        }
        Value::Array(list) => (list, true),
        one => (vec![one], false),
    };
    let mut answers = vec![];
    let mut opened = vec![];
    for request in requests {
        match parse_call(request) {
            Err(error_answer) => answers.push(error_answer),
            Ok(call) => {
                let result = handle_call(&call.method, call.params, conn, hub, out);
                if let Ok(id) = &result {
                    if call.method.ends_with("Subscribe") {
                        opened.push(id.as_u64().unwrap_or_default());
                    }
                }
                if let Some(id) = call.id {
                    answers.push(answer(&id, result));
                }
            }
        }
    }
    let text = if batch { Some(Value::Array(answers).to_string()) } else { answers.pop().map(|a| a.to_string()) };
    if let Some(text) = text.filter(|t| t != "[]") {
        let _ = out.send(text);
    }
    activate(opened, hub, chain).await;
}

/// Turns on the subscriptions whose ids have been sent; a signature already confirmed is
/// notified at once (Agave's RPC does the same for signatures it has seen).
async fn activate(ids: Vec<u64>, hub: &SharedHub, chain: &ChainHandle) {
    let mut signatures = vec![];
    if let Ok(mut h) = hub.lock() {
        for id in &ids {
            if let Some(sub) = h.subs.get_mut(id) {
                sub.active = true;
                if let Kind::Signature { signature } = &sub.kind {
                    signatures.push(signature.clone());
                }
            }
        }
    }
    for signature in signatures {
        let Ok(statuses) = chain.call("getSignatureStatuses", json!([[signature]])).await else { continue };
        let status = &statuses["value"][0];
        if status.is_null() {
            continue;
        }
        let event = Event::Signature {
            slot: status["slot"].as_u64().unwrap_or_default(),
            signature,
            err: status["err"].clone(),
        };
        if let Ok(mut h) = hub.lock() {
            h.publish(&event);
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubscribeConfig {
    encoding: Option<UiAccountEncoding>,
    data_slice: Option<UiDataSliceConfig>,
    filters: Option<Vec<Filter>>,
    #[allow(dead_code)]
    commitment: Option<params::Commitment>,
    #[allow(dead_code)]
    enable_received_notification: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum LogsFilter {
    Named(String),
    Mentions { mentions: Vec<String> },
}

fn handle_call(
    method: &str,
    params: Value,
    conn: u64,
    hub: &SharedHub,
    out: &mpsc::UnboundedSender<String>,
) -> Result<Value, RpcError> {
    let kind = match method {
        "accountSubscribe" => {
            let (key, cfg): (String, Option<SubscribeConfig>) = positional(params, 2)?;
            let cfg = cfg.unwrap_or_default();
            Kind::Account {
                pubkey: params::pubkey(&key)?,
                encoding: cfg.encoding.unwrap_or(UiAccountEncoding::Binary),
                slice: cfg.data_slice,
            }
        }
        "programSubscribe" => {
            let (key, cfg): (String, Option<SubscribeConfig>) = positional(params, 2)?;
            let cfg = cfg.unwrap_or_default();
            Kind::Program {
                program: params::pubkey(&key)?,
                filters: params::decode_filters(cfg.filters)?,
                encoding: cfg.encoding.unwrap_or(UiAccountEncoding::Binary),
            }
        }
        "logsSubscribe" => {
            let (filter, _cfg): (LogsFilter, Option<SubscribeConfig>) = positional(params, 2)?;
            let mentions = match filter {
                LogsFilter::Named(name) if name == "all" || name == "allWithVotes" => None,
                LogsFilter::Named(name) => return Err(RpcError::invalid_params(format!("unknown variant `{name}`"))),
                LogsFilter::Mentions { mentions } if mentions.len() == 1 => Some(params::pubkey(&mentions[0])?),
                LogsFilter::Mentions { .. } => return Err(RpcError::invalid_param("Only 1 address supported")),
            };
            Kind::Logs { mentions }
        }
        "signatureSubscribe" => {
            let (signature, _cfg): (String, Option<SubscribeConfig>) = positional(params, 2)?;
            signature.parse::<solana_signature::Signature>().map_err(|e| RpcError::invalid_param(format!("{e:?}")))?;
            Kind::Signature { signature }
        }
        "slotSubscribe" => Kind::Slot,
        m @ ("accountUnsubscribe"
        | "programUnsubscribe"
        | "logsUnsubscribe"
        | "signatureUnsubscribe"
        | "slotUnsubscribe") => {
            let (id,): (u64,) = positional(params, 1)?;
            let mut h = hub.lock().map_err(|_| RpcError::internal("hub poisoned"))?;
            let owned = h.subs.get(&id).is_some_and(|s| s.conn == conn && s.kind.unsubscribe_method() == m);
            if !owned {
                return Err(RpcError::invalid_params("Invalid subscription id"));
            }
            h.subs.remove(&id);
            return Ok(json!(true));
        }
        _ => return Err(RpcError::method_not_found()),
    };
    let mut h = hub.lock().map_err(|_| RpcError::internal("hub poisoned"))?;
    h.next_id += 1;
    let id = h.next_id;
    h.subs.insert(id, Subscription { conn, out: out.clone(), kind, active: false });
    Ok(json!(id))
}
