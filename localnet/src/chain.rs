//! The chain: one real bank (synkti-bank's `program_test()`) owned by one thread.
//!
//! Every RPC call that touches the bank is a job on this thread, run in order, so a
//! transaction's pre-state, execution, post-state and journal line are one atomic step.
//! The thread also advances the slot with wall time and keeps the Clock sysvar on wall time
//! (plus the `synkti_warpClock` offset).
//!
//! Why a thread with its own current-thread runtime: program-test's context runs a task that
//! registers a fresh blockhash every 6.4 ms while its runtime runs, and the bank accepts a
//! blockhash for 150 registrations; free-running, a client's blockhash would expire in about a
//! second (web3.js reuses one for up to 30 s). Here that runtime runs only while a batch of
//! jobs needs the bank (about one registration per such batch), slot advances do not run it
//! (one registration per slot), and calls the chain's own index can answer (statuses,
//! transactions, slot, block height, a fresh latest blockhash, ...) do not run it at all.
use crate::error::{RpcError, StartError};
use crate::ledger::{Entry, Ledger, StoredAccount, TxRecord};
use crate::pubsub::Event;
use crate::token;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::clock::Clock;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde_json::{json, Value};
use solana_account::Account;
use solana_epoch_schedule::EpochSchedule;
use solana_message::{Message, VersionedMessage};
use solana_program_test::{BanksClient, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::versioned::VersionedTransaction;
use solana_transaction_error::TransactionError;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc::UnboundedSender, oneshot};

#[derive(Debug, Clone)]
pub struct ChainConfig {
    pub ledger_dir: PathBuf,
    pub reset: bool,
    /// Wall time per slot (a validator's is 400 ms).
    pub slot_duration: Duration,
}

enum Job {
    Call { method: String, params: Value, reply: oneshot::Sender<Result<Value, RpcError>> },
    Stop,
}

/// Sends RPC calls to the chain thread. Cheap to clone.
#[derive(Clone)]
pub struct ChainHandle {
    jobs: mpsc::Sender<Job>,
}

fn stopped() -> RpcError {
    RpcError::internal("the chain has stopped")
}

impl ChainHandle {
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Call { method: method.to_owned(), params, reply }).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// For threads outside any async runtime (the HTTP workers).
    pub fn call_blocking(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        let (reply, answer) = oneshot::channel();
        self.jobs.send(Job::Call { method: method.to_owned(), params, reply }).map_err(|_| stopped())?;
        answer.blocking_recv().map_err(|_| stopped())?
    }

    pub fn stop(&self) {
        let _ = self.jobs.send(Job::Stop);
    }
}

/// Starts the chain thread; returns once the bank is up with the ledger loaded.
pub fn spawn(
    config: ChainConfig,
    events: UnboundedSender<Event>,
) -> Result<(ChainHandle, std::thread::JoinHandle<()>, usize), StartError> {
    let (jobs, inbox) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("synkti-chain".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
                Ok(rt) => rt,
                Err(e) => return drop(ready_tx.send(Err(StartError::Bank(e.to_string())))),
            };
            let chain = match rt.block_on(Chain::open(&config, events)) {
                Ok(chain) => chain,
                Err(e) => return drop(ready_tx.send(Err(e))),
            };
            let _ = ready_tx.send(Ok(chain.ledger.txs.len()));
            run(rt, chain, inbox);
        })
        .map_err(|e| StartError::Bank(e.to_string()))?;
    match ready_rx.recv() {
        Ok(Ok(restored)) => Ok((ChainHandle { jobs }, thread, restored)),
        Ok(Err(e)) => {
            let _ = thread.join();
            Err(e)
        }
        Err(_) => Err(StartError::Bank("the chain thread ended while starting".into())),
    }
}

fn run(rt: tokio::runtime::Runtime, mut chain: Chain, inbox: mpsc::Receiver<Job>) {
    loop {
        let wait = chain.next_slot_at.saturating_duration_since(Instant::now());
        match inbox.recv_timeout(wait) {
            Ok(first) => {
                let mut batch = vec![first];
                batch.extend(inbox.try_iter());
                // Answer what the chain's own index knows without running the bank's runtime.
                let batch: Vec<Job> = batch
                    .into_iter()
                    .filter_map(|job| match job {
                        Job::Call { method, params, reply } => {
                            let indexed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                crate::rpc::methods::dispatch_indexed(&chain, &method, params)
                            }));
                            match indexed {
                                Ok(Ok(answer)) => drop(reply.send(answer)),
                                Ok(Err(params)) => return Some(Job::Call { method, params, reply }),
                                Err(_) => drop(reply.send(Err(RpcError::internal(format!("{method} panicked"))))),
                            }
                            None
                        }
                        stop => Some(stop),
                    })
                    .collect();
                let stop = !batch.is_empty()
                    && rt.block_on(async {
                        for job in batch {
                            match job {
                                Job::Call { method, params, reply } => {
                                    // A bug in one method must not take the chain down with it.
                                    let call = std::panic::AssertUnwindSafe(crate::rpc::methods::dispatch(
                                        &mut chain, &method, params,
                                    ));
                                    let answer = futures_util::FutureExt::catch_unwind(call)
                                        .await
                                        .unwrap_or_else(|_| Err(RpcError::internal(format!("{method} panicked"))));
                                    let _ = reply.send(answer);
                                }
                                Job::Stop => return true,
                            }
                        }
                        chain.refresh_latest_blockhash().await;
                        false
                    });
                if stop {
                    break;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if Instant::now() >= chain.next_slot_at {
            if let Err(e) = chain.advance_slot() {
                let _ = writeln!(std::io::stderr(), "synkti-localnet: cannot advance the slot: {e}");
            }
        }
    }
    let _ = chain.ledger.append(Entry::Slot { slot: chain.slot });
    rt.block_on(async move { drop(chain) });
}

/// Why a transaction was not committed, or could not be recorded.
#[derive(Debug)]
pub enum ExecError {
    /// The bank refused it before execution (blockhash, fee payer, duplicate, ...).
    NotCommitted(TransactionError),
    Internal(String),
}

impl From<ExecError> for RpcError {
    fn from(e: ExecError) -> Self {
        match e {
            ExecError::NotCommitted(err) => {
                RpcError::preflight_failure(&err, crate::rpc::methods::simulation_value(&err, &[], 0, Value::Null, 0))
            }
            ExecError::Internal(e) => RpcError::internal(e),
        }
    }
}

/// A committed transaction.
pub struct Executed {
    pub signature: String,
    pub err: Option<TransactionError>,
}

pub struct Chain {
    pub ctx: ProgramTestContext,
    pub banks: BanksClient,
    pub ledger: Ledger,
    events: UnboundedSender<Event>,
    pub slot: u64,
    pub unix_timestamp: i64,
    pub genesis_hash: String,
    pub transaction_count: u64,
    slot_duration: Duration,
    next_slot_at: Instant,
    airdrops: u32,
    epoch_schedule: EpochSchedule,
    /// The Clock sysvar as last set.
    clock: Clock,
    /// One per slot, as the bank counts it.
    pub block_height: u64,
    /// The bank's latest blockhash and its last valid block height, as of the end of the last
    /// batch; `None` once a slot advance has registered a newer one.
    pub latest_blockhash: Option<(solana_hash::Hash, u64)>,
}

fn wall_clock() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn bank_error(e: impl std::fmt::Display) -> String {
    format!("bank: {e}")
}

/// Accounts a journal restores: whatever a transaction wrote, except programs and sysvars,
/// which the bank itself sets up at every start.
fn restorable(account: &Account) -> bool {
    let sysvar_owner = solana_sdk_ids::sysvar::ID;
    account.lamports > 0 && !account.executable && account.owner != sysvar_owner
}

impl Chain {
    async fn open(config: &ChainConfig, events: UnboundedSender<Event>) -> Result<Self, StartError> {
        let ledger = Ledger::open(&config.ledger_dir, config.reset)?;
        let mut pt = synkti_bank::program_test();
        for (pubkey, account) in &ledger.accounts {
            if restorable(account) {
                pt.add_account(*pubkey, account.clone());
            }
        }
        let mut ctx = pt.start_with_context().await;
        let banks = ctx.banks_client.clone();
        let mut slot = banks.get_root_slot().await.map_err(|e| StartError::Bank(e.to_string()))?;
        if ledger.last_slot >= slot {
            slot = ledger.last_slot + 1;
            ctx.warp_to_slot(slot).map_err(|e| StartError::Bank(format!("{e:?}")))?;
        }
        let genesis_hash = ctx.genesis_config().hash().to_string();
        let epoch_schedule: EpochSchedule = banks.get_sysvar().await.map_err(|e| StartError::Bank(e.to_string()))?;
        let clock: Clock = banks.get_sysvar().await.map_err(|e| StartError::Bank(e.to_string()))?;
        let block_height = banks.get_root_block_height().await.map_err(|e| StartError::Bank(e.to_string()))?;
        let transaction_count = ledger.txs.len() as u64;
        let mut chain = Self {
            ctx,
            banks,
            ledger,
            events,
            slot,
            unix_timestamp: 0,
            genesis_hash,
            transaction_count,
            slot_duration: config.slot_duration,
            next_slot_at: Instant::now() + config.slot_duration,
            airdrops: 0,
            epoch_schedule,
            clock,
            block_height,
            latest_blockhash: None,
        };
        chain.sync_clock();
        Ok(chain)
    }

    pub fn faucet(&self) -> Pubkey {
        self.ctx.payer.pubkey()
    }

    /// Sets the Clock sysvar to wall time plus the warp offset (never backwards) for the current
    /// slot. Synchronous on purpose: it does not run the bank's runtime, so a slot advance
    /// registers exactly one blockhash (see the module comment).
    fn sync_clock(&mut self) {
        let schedule = &self.epoch_schedule;
        let unix_timestamp = wall_clock().saturating_add(self.ledger.clock_offset).max(self.clock.unix_timestamp);
        let epoch = schedule.get_epoch(self.slot);
        if epoch != self.clock.epoch {
            self.clock.epoch_start_timestamp = unix_timestamp;
        }
        self.clock.slot = self.slot;
        self.clock.epoch = epoch;
        self.clock.leader_schedule_epoch = schedule.get_leader_schedule_epoch(self.slot);
        self.clock.unix_timestamp = unix_timestamp;
        self.unix_timestamp = unix_timestamp;
        self.ctx.set_sysvar(&self.clock);
    }

    pub fn advance_slot(&mut self) -> Result<(), String> {
        let parent = self.slot;
        self.ctx.warp_to_slot(parent + 1).map_err(|e| format!("warp: {e:?}"))?;
        self.slot = parent + 1;
        self.block_height += 1;
        self.latest_blockhash = None;
        self.next_slot_at = Instant::now() + self.slot_duration;
        self.sync_clock();
        let _ = self.events.send(Event::Slot { slot: self.slot, parent, root: self.slot });
        Ok(())
    }

    /// Moves the clock `seconds` ahead of wall time (durably) and opens a new slot.
    pub async fn warp_clock(&mut self, seconds: i64) -> Result<(), String> {
        let offset = self.ledger.clock_offset.saturating_add(seconds);
        self.ledger.append(Entry::Clock { offset }).map_err(|e| format!("ledger: {e}"))?;
        self.advance_slot()
    }

    pub async fn refresh_latest_blockhash(&mut self) {
        let latest =
            self.banks.get_latest_blockhash_with_commitment(solana_commitment_config::CommitmentLevel::Processed);
        self.latest_blockhash = latest.await.ok().flatten();
    }

    pub async fn account(&self, key: &Pubkey) -> Result<Option<Account>, RpcError> {
        self.banks.get_account(*key).await.map_err(|e| RpcError::internal(bank_error(e)))
    }

    pub fn check_min_context_slot(&self, min: Option<u64>) -> Result<(), RpcError> {
        match min {
            Some(min) if min > self.slot => Err(RpcError::min_context_slot_not_reached(self.slot)),
            _ => Ok(()),
        }
    }

    pub fn context(&self) -> Value {
        json!({ "apiVersion": crate::SOLANA_CORE_VERSION, "slot": self.slot })
    }

    pub fn with_context(&self, value: Value) -> Value {
        json!({ "context": self.context(), "value": value })
    }

    /// The fee the bank charges for a message, or `None` if its blockhash has expired.
    pub async fn fee_for(&self, message: &VersionedMessage) -> Result<Option<u64>, RpcError> {
        let legacy = match message {
            VersionedMessage::Legacy(m) => m.clone(),
            VersionedMessage::V0(m) => Message {
                header: m.header,
                account_keys: m.account_keys.clone(),
                recent_blockhash: m.recent_blockhash,
                instructions: m.instructions.clone(),
            },
        };
        self.banks.get_fee_for_message(legacy).await.map_err(|e| RpcError::internal(bank_error(e)))
    }

    async fn token_balances(&self, accounts: &[Option<Account>]) -> Result<Vec<Value>, RpcError> {
        let mut decimals: HashMap<Pubkey, Option<u8>> = HashMap::new();
        let mut out = vec![];
        for (index, account) in accounts.iter().enumerate() {
            let Some(holding) = account.as_ref().and_then(token::holding) else { continue };
            let d = match decimals.get(&holding.mint) {
                Some(d) => *d,
                None => {
                    let d = self.account(&holding.mint).await?.as_ref().and_then(token::mint_decimals);
                    decimals.insert(holding.mint, d);
                    d
                }
            };
            if let Some(d) = d {
                out.push(token::balance_entry(index, &holding, d));
            }
        }
        Ok(out)
    }

    async fn snapshot(&self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, RpcError> {
        let mut accounts = Vec::with_capacity(keys.len());
        for key in keys {
            accounts.push(self.account(key).await?);
        }
        Ok(accounts)
    }

    /// Executes a (signature-checked) transaction; if the bank commits it, records it durably
    /// and notifies subscribers before returning.
    pub async fn execute(&mut self, tx: VersionedTransaction) -> Result<Executed, ExecError> {
        let internal = |e: RpcError| ExecError::Internal(e.to_string());
        let keys = tx.message.static_account_keys().to_vec();
        let writable = crate::tx::writable_keys(&tx);
        let fee = self.fee_for(&tx.message).await.map_err(internal)?.unwrap_or(0);
        let pre = self.snapshot(&keys).await.map_err(internal)?;
        let pre_tokens = self.token_balances(&pre).await.map_err(internal)?;
        let wire = bincode::serialize(&tx).map_err(|e| ExecError::Internal(e.to_string()))?;
        let signature = tx.signatures.first().map(|s| s.to_string()).unwrap_or_default();
        let outcome =
            self.banks.process_transaction_with_metadata(tx).await.map_err(|e| ExecError::Internal(bank_error(e)))?;
        let Some(metadata) = outcome.metadata else {
            return Err(match outcome.result {
                Err(e) => ExecError::NotCommitted(e),
                Ok(()) => ExecError::Internal("the bank reported no metadata".into()),
            });
        };
        let post = self.snapshot(&keys).await.map_err(internal)?;
        let post_tokens = self.token_balances(&post).await.map_err(internal)?;
        let err = outcome.result.err();
        let err_json = err.as_ref().map(|e| serde_json::to_value(e).unwrap_or(Value::Null)).unwrap_or(Value::Null);
        let balances =
            |s: &[Option<Account>]| s.iter().map(|a| a.as_ref().map_or(0, |a| a.lamports)).collect::<Vec<_>>();
        let meta = json!({
            "err": err_json,
            "status": if err.is_some() { json!({ "Err": err_json }) } else { json!({ "Ok": null }) },
            "fee": fee,
            "preBalances": balances(&pre),
            "postBalances": balances(&post),
            "innerInstructions": null,
            "logMessages": metadata.log_messages,
            "preTokenBalances": pre_tokens,
            "postTokenBalances": post_tokens,
            "rewards": [],
            "loadedAddresses": { "writable": [], "readonly": [] },
            "returnData": crate::rpc::methods::return_data(metadata.return_data.as_ref().map(|r| (&r.program_id, r.data.as_slice()))),
            "computeUnitsConsumed": metadata.compute_units_consumed,
        });
        let written: Vec<(Pubkey, Option<Account>)> =
            keys.iter().zip(&post).filter(|(k, _)| writable.contains(k)).map(|(k, a)| (*k, a.clone())).collect();
        let stored = written
            .iter()
            .map(|(k, a)| match a {
                Some(a) => StoredAccount::new(k, a),
                None => StoredAccount::new(k, &Account::default()),
            })
            .collect();
        let entry = Entry::Tx {
            slot: self.slot,
            block_time: self.unix_timestamp,
            signature: signature.clone(),
            wire: B64.encode(&wire),
            meta: meta.clone(),
            accounts: stored,
        };
        self.ledger.append(entry).map_err(|e| ExecError::Internal(format!("ledger: {e}")))?;
        self.transaction_count += 1;
        for ((key, before), after) in keys.iter().zip(&pre).zip(&post) {
            if writable.contains(key) && before != after {
                let account = after.clone().unwrap_or_default();
                let decimals = match token::holding(&account) {
                    Some(h) => self.account(&h.mint).await.ok().flatten().as_ref().and_then(token::mint_decimals),
                    None => None,
                };
                let _ = self.events.send(Event::Account { slot: self.slot, pubkey: *key, account, decimals });
            }
        }
        let _ = self.events.send(Event::Logs {
            slot: self.slot,
            signature: signature.clone(),
            err: err_json.clone(),
            logs: meta["logMessages"].as_array().cloned().unwrap_or_default(),
            mentions: keys.clone(),
        });
        let _ = self.events.send(Event::Signature { slot: self.slot, signature: signature.clone(), err: err_json });
        Ok(Executed { signature, err })
    }

    /// Sends `lamports` from the bank's faucet (program-test's funded payer).
    pub async fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<String, RpcError> {
        use anchor_lang::solana_program::system_instruction;
        self.airdrops = self.airdrops.wrapping_add(1);
        // A distinct compute limit makes every airdrop a distinct transaction, even two equal
        // requests within one blockhash (the bank would reject the second as a duplicate).
        let unique = solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(
            200_000 - self.airdrops % 100_000,
        );
        let transfer = system_instruction::transfer(&self.faucet(), to, lamports);
        let blockhash = self.banks.get_latest_blockhash().await.map_err(|e| RpcError::internal(bank_error(e)))?;
        let tx = solana_transaction::Transaction::new_signed_with_payer(
            &[unique, transfer],
            Some(&self.faucet()),
            &[&self.ctx.payer],
            blockhash,
        );
        match self.execute(VersionedTransaction::from(tx)).await {
            Ok(done) => Ok(done.signature),
            Err(ExecError::NotCommitted(e)) => Err(RpcError::internal(format!("airdrop failed: {e}"))),
            Err(ExecError::Internal(e)) => Err(RpcError::internal(e)),
        }
    }

    pub fn record(&self, signature: &str) -> Option<&TxRecord> {
        self.ledger.txs.get(signature)
    }
}
