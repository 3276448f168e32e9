//! A localnet on free loopback ports with its own ledger, and plain HTTP and websocket clients
//! (raw sockets, so the tests see exactly what goes over the wire).
#![allow(dead_code)]
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;
use synkti_localnet::{Config, Localnet};

pub const SLOT: Duration = Duration::from_millis(50);

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("synkti-localnet-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn start(ledger: &Path, reset: bool) -> Localnet {
    let mut config = Config::ephemeral(ledger.to_path_buf());
    config.reset = reset;
    config.slot_duration = SLOT;
    synkti_localnet::start(config).await.expect("localnet starts")
}

/// Sends raw bytes as one HTTP connection and returns (status, body).
pub fn raw_http(addr: SocketAddr, request: &[u8]) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(request)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let text = String::from_utf8_lossy(&response).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

pub fn post(addr: SocketAddr, body: &str) -> (u16, String) {
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw_http(addr, request.as_bytes()).expect("http")
}

/// The full JSON-RPC answer of one call.
pub async fn call_raw(net: &Localnet, method: &str, params: Value) -> Value {
    let addr = net.rpc_addr;
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
    let (status, body) = tokio::task::spawn_blocking(move || post(addr, &body)).await.unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("json answer")
}

/// The `result` of one call; panics on an error answer.
pub async fn call(net: &Localnet, method: &str, params: Value) -> Value {
    let answer = call_raw(net, method, params).await;
    assert!(answer.get("error").is_none(), "{method} failed: {answer}");
    answer["result"].clone()
}

pub async fn error(net: &Localnet, method: &str, params: Value) -> Value {
    let answer = call_raw(net, method, params).await;
    answer.get("error").cloned().unwrap_or_else(|| panic!("{method} should fail: {answer}"))
}

pub async fn airdrop(net: &Localnet, to: &str, lamports: u64) -> String {
    call(net, "requestAirdrop", json!([to, lamports])).await.as_str().unwrap().to_string()
}

pub async fn blockhash(net: &Localnet) -> solana_hash::Hash {
    let r = call(net, "getLatestBlockhash", json!([{ "commitment": "confirmed" }])).await;
    r["value"]["blockhash"].as_str().unwrap().parse().unwrap()
}

pub fn encode_tx(tx: &solana_transaction::Transaction) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bincode::serialize(tx).unwrap())
}

pub async fn send(net: &Localnet, tx: &solana_transaction::Transaction) -> Value {
    call_raw(net, "sendTransaction", json!([encode_tx(tx), { "encoding": "base64" }])).await
}
