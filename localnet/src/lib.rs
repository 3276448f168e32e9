//! synkti-localnet: the Synkti program on a real Solana bank (synkti-bank's `program_test()`:
//! our program natively, SPL Token, Associated Token, System) behind Solana's JSON-RPC on
//! 127.0.0.1 and the pub-sub websocket on the next port, with a crash-safe ledger.
//!
//! ```no_run
//! # async fn demo() -> Result<(), synkti_localnet::StartError> {
//! let net = synkti_localnet::start(synkti_localnet::Config::ephemeral("/tmp/ledger".into())).await?;
//! println!("{} {}", net.url, net.ws_url);
//! net.shutdown().await;
//! # Ok(()) }
//! ```
// solana-program-test 3.1 marks its API as becoming unstable in 4.0; we pin 3.1 (as synkti-bank).
#![allow(deprecated)]

pub mod chain;
pub mod error;
pub mod http;
pub mod keypair_file;
pub mod ledger;
pub mod pubsub;
pub mod rpc;
pub mod token;
pub mod tx;

pub use error::{RpcError, StartError};

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// The Agave version whose bank and RPC this mirrors (`getVersion`).
pub const SOLANA_CORE_VERSION: &str = "3.1.12";
/// `getVersion`'s `feature-set`: this bank enables every feature, so no real cluster's id fits.
pub const FEATURE_SET: u32 = 0;
pub const DEFAULT_RPC_PORT: u16 = 8899;
pub const DEFAULT_SLOT_DURATION: Duration = Duration::from_millis(400);
const HTTP_WORKERS: usize = 4;

#[derive(Debug, Clone)]
pub struct Config {
    /// RPC port; the websocket takes the next one. 0 picks a free pair.
    pub port: u16,
    pub ledger_dir: PathBuf,
    /// Start from an empty ledger.
    pub reset: bool,
    pub slot_duration: Duration,
}

impl Config {
    pub fn new(port: u16, ledger_dir: PathBuf) -> Self {
        Self { port, ledger_dir, reset: false, slot_duration: DEFAULT_SLOT_DURATION }
    }

    /// Free ports, for tests.
    pub fn ephemeral(ledger_dir: PathBuf) -> Self {
        Self::new(0, ledger_dir)
    }
}

/// A running localnet. Stop it with [`Localnet::shutdown`].
pub struct Localnet {
    pub url: String,
    pub ws_url: String,
    pub rpc_addr: SocketAddr,
    pub ws_addr: SocketAddr,
    /// Transactions found in the ledger at start.
    pub restored_transactions: usize,
    chain: chain::ChainHandle,
    chain_thread: std::thread::JoinHandle<()>,
    http: http::HttpServer,
    shutdown: watch::Sender<bool>,
    ws_task: tokio::task::JoinHandle<()>,
    events_task: tokio::task::JoinHandle<()>,
}

fn bind(port: u16) -> Result<TcpListener, StartError> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).map_err(|source| StartError::Bind { port, source })
}

/// The RPC port and the one after it (where clients look for the websocket).
fn bind_pair(port: u16) -> Result<(TcpListener, TcpListener), StartError> {
    if port != 0 {
        let next = port.checked_add(1).ok_or(StartError::Bind {
            port,
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no port after 65535 for the websocket"),
        })?;
        return Ok((bind(port)?, bind(next)?));
    }
    let mut last = None;
    for _ in 0..64 {
        let rpc = bind(0)?;
        let p = rpc.local_addr().map_err(|source| StartError::Bind { port: 0, source })?.port();
        match p.checked_add(1).map(bind) {
            Some(Ok(ws)) => return Ok((rpc, ws)),
            Some(Err(e)) => last = Some(e),
            None => {}
        }
    }
    Err(last.unwrap_or(StartError::Bind { port: 0, source: std::io::Error::other("no free port pair") }))
}

/// Starts the bank, the RPC and the websocket. Call inside a multi-threaded tokio runtime.
pub async fn start(config: Config) -> Result<Localnet, StartError> {
    let (rpc_listener, ws_listener) = bind_pair(config.port)?;
    let rpc_addr = rpc_listener.local_addr().map_err(|source| StartError::Bind { port: config.port, source })?;
    let ws_addr = ws_listener.local_addr().map_err(|source| StartError::Bind { port: config.port, source })?;
    let (events_tx, events_rx) = mpsc::unbounded_channel();
    let chain_config = chain::ChainConfig {
        ledger_dir: config.ledger_dir.clone(),
        reset: config.reset,
        slot_duration: config.slot_duration,
    };
    let (chain, chain_thread, restored_transactions) =
        tokio::task::spawn_blocking(move || chain::spawn(chain_config, events_tx))
            .await
            .map_err(|e| StartError::Bank(e.to_string()))??;
    let hub = Arc::new(Mutex::new(pubsub::Hub::default()));
    let events_task = tokio::spawn(pubsub::publish_events(hub.clone(), events_rx));
    let (shutdown, shutdown_rx) = watch::channel(false);
    ws_listener.set_nonblocking(true).map_err(|source| StartError::Bind { port: ws_addr.port(), source })?;
    let ws_listener = tokio::net::TcpListener::from_std(ws_listener)
        .map_err(|source| StartError::Bind { port: ws_addr.port(), source })?;
    let ws_task = tokio::spawn(pubsub::serve(ws_listener, hub, chain.clone(), shutdown_rx));
    let http = http::HttpServer::start(rpc_listener, chain.clone(), HTTP_WORKERS)
        .map_err(|source| StartError::Bind { port: rpc_addr.port(), source })?;
    Ok(Localnet {
        url: format!("http://{rpc_addr}"),
        ws_url: format!("ws://{ws_addr}"),
        rpc_addr,
        ws_addr,
        restored_transactions,
        chain,
        chain_thread,
        http,
        shutdown,
        ws_task,
        events_task,
    })
}

impl Localnet {
    /// Stops accepting calls, lets the chain finish its current job, records the slot, and
    /// closes every connection.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.ws_task.await;
        let http = self.http;
        let chain = self.chain;
        let chain_thread = self.chain_thread;
        let _ = tokio::task::spawn_blocking(move || {
            http.stop();
            chain.stop();
            let _ = chain_thread.join();
        })
        .await;
        let _ = self.events_task.await;
    }
}
