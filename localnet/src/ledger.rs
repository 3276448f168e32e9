//! The persistent ledger: an append-only journal of JSON lines under the ledger directory, and
//! the in-memory index rebuilt from it (transactions by signature and by address, the last state
//! of every account a transaction wrote, the clock offset, the last slot).
//!
//! A transaction's line (its wire bytes, its status meta, and the post-state of every account
//! it could write) is written and fsync'd before its signature is reported, so a crash loses
//! nothing that a client saw confirmed. A torn final line (a crash mid-write) is dropped on load.
use crate::error::StartError;
use anchor_lang::prelude::Pubkey;
use base64::{engine::general_purpose::STANDARD as B64, Engine};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use solana_account::Account;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub const JOURNAL_FILE: &str = "journal.jsonl";

/// One line of the journal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Entry {
    #[serde(rename_all = "camelCase")]
    Tx { slot: u64, block_time: i64, signature: String, wire: String, meta: Value, accounts: Vec<StoredAccount> },
    /// Total seconds `synkti_warpClock` has moved the clock ahead of wall time.
    Clock { offset: i64 },
    /// The slot reached at a clean shutdown.
    Slot { slot: u64 },
}

/// An account as stored: data in base64; zero lamports means the account was closed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredAccount {
    pub pubkey: String,
    pub lamports: u64,
    pub owner: String,
    pub executable: bool,
    pub rent_epoch: u64,
    pub data: String,
}

impl StoredAccount {
    pub fn new(pubkey: &Pubkey, account: &Account) -> Self {
        Self {
            pubkey: pubkey.to_string(),
            lamports: account.lamports,
            owner: account.owner.to_string(),
            executable: account.executable,
            rent_epoch: account.rent_epoch,
            data: B64.encode(&account.data),
        }
    }

    fn decode(&self) -> Result<(Pubkey, Account), String> {
        let pubkey = Pubkey::from_str(&self.pubkey).map_err(|e| format!("pubkey: {e}"))?;
        let owner = Pubkey::from_str(&self.owner).map_err(|e| format!("owner: {e}"))?;
        let data = B64.decode(&self.data).map_err(|e| format!("data: {e}"))?;
        Ok((
            pubkey,
            Account { lamports: self.lamports, data, owner, executable: self.executable, rent_epoch: self.rent_epoch },
        ))
    }
}

/// A committed transaction as the RPC reports it.
#[derive(Debug, Clone)]
pub struct TxRecord {
    pub slot: u64,
    pub block_time: i64,
    pub wire: Vec<u8>,
    /// The status meta in the RPC's JSON shape (`err`, `fee`, balances, `logMessages`, ...).
    pub meta: Value,
}

impl TxRecord {
    pub fn err(&self) -> Value {
        self.meta.get("err").cloned().unwrap_or(Value::Null)
    }
}

pub struct Ledger {
    dir: PathBuf,
    file: File,
    pub txs: HashMap<String, TxRecord>,
    /// Signatures of the transactions that mention an address, oldest first.
    pub by_address: HashMap<Pubkey, Vec<String>>,
    /// The last state of every account a transaction wrote; closed accounts are removed.
    pub accounts: HashMap<Pubkey, Account>,
    pub clock_offset: i64,
    pub last_slot: u64,
}

impl Ledger {
    /// Opens (creating) the ledger in `dir`; `reset` first deletes its journal.
    pub fn open(dir: &Path, reset: bool) -> Result<Self, StartError> {
        std::fs::create_dir_all(dir).map_err(StartError::Ledger)?;
        let path = dir.join(JOURNAL_FILE);
        if reset && path.exists() {
            std::fs::remove_file(&path).map_err(StartError::Ledger)?;
        }
        let mut file =
            OpenOptions::new().read(true).append(true).create(true).open(&path).map_err(StartError::Ledger)?;
        let mut ledger = Self {
            dir: dir.to_path_buf(),
            file: file.try_clone().map_err(StartError::Ledger)?,
            txs: HashMap::new(),
            by_address: HashMap::new(),
            accounts: HashMap::new(),
            clock_offset: 0,
            last_slot: 0,
        };
        let good_len = ledger.replay(&mut file)?;
        let len = file.metadata().map_err(StartError::Ledger)?.len();
        if good_len < len {
            // A torn final write: drop it so that the next line starts clean.
            file.set_len(good_len).map_err(StartError::Ledger)?;
            file.sync_all().map_err(StartError::Ledger)?;
        }
        ledger.file.seek(SeekFrom::End(0)).map_err(StartError::Ledger)?;
        Ok(ledger)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Applies every complete line; returns the byte length of the good prefix.
    fn replay(&mut self, file: &mut File) -> Result<u64, StartError> {
        file.seek(SeekFrom::Start(0)).map_err(StartError::Ledger)?;
        let mut reader = BufReader::new(file);
        let mut good = 0u64;
        let mut line = String::new();
        let mut number = 0;
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(StartError::Ledger)?;
            if n == 0 {
                return Ok(good);
            }
            number += 1;
            let complete = line.ends_with('\n');
            match serde_json::from_str::<Entry>(line.trim_end()) {
                Ok(entry) if complete => {
                    self.apply(entry).map_err(|reason| StartError::CorruptLedger { line: number, reason })?;
                    good += n as u64;
                }
                // Only the last line may be torn.
                _ if !complete => return Ok(good),
                Ok(_) => unreachable!(),
                Err(e) => return Err(StartError::CorruptLedger { line: number, reason: e.to_string() }),
            }
        }
    }

    fn apply(&mut self, entry: Entry) -> Result<(), String> {
        match entry {
            Entry::Tx { slot, block_time, signature, wire, meta, accounts } => {
                let wire = B64.decode(&wire).map_err(|e| format!("wire: {e}"))?;
                let keys = crate::tx::account_keys(&wire).ok_or("wire: not a transaction")?;
                for stored in &accounts {
                    let (pubkey, account) = stored.decode()?;
                    if account.lamports == 0 {
                        self.accounts.remove(&pubkey);
                    } else {
                        self.accounts.insert(pubkey, account);
                    }
                }
                for key in keys {
                    self.by_address.entry(key).or_default().push(signature.clone());
                }
                self.last_slot = self.last_slot.max(slot);
                self.txs.insert(signature, TxRecord { slot, block_time, wire, meta });
            }
            Entry::Clock { offset } => self.clock_offset = offset,
            Entry::Slot { slot } => self.last_slot = self.last_slot.max(slot),
        }
        Ok(())
    }

    /// Writes one entry durably, then applies it to the index.
    pub fn append(&mut self, entry: Entry) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()?;
        self.apply(entry).map_err(std::io::Error::other)
    }
}
