//! The ledger survives restarts (and a torn final write); `--reset` starts afresh; the clock
//! can be warped forward, durably.
mod support;

use anchor_lang::solana_program::clock::Clock;
use base64::Engine;
use serde_json::json;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::io::Write;
use support::*;

async fn clock(net: &synkti_localnet::Localnet) -> Clock {
    let account =
        call(net, "getAccountInfo", json!(["SysvarC1ock11111111111111111111111111111111", { "encoding": "base64" }]))
            .await;
    let data = base64::engine::general_purpose::STANDARD.decode(account["value"]["data"][0].as_str().unwrap()).unwrap();
    bincode::deserialize(&data).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirmed_state_survives_restart_and_reset_clears_it() {
    let dir = TempDir::new("persist");
    let alice = Keypair::new().pubkey().to_string();
    let (sig, slot) = {
        let net = start(&dir.0, false).await;
        let sig = airdrop(&net, &alice, 3_000_000_000).await;
        let slot = call(&net, "getSlot", json!([])).await.as_u64().unwrap();
        net.shutdown().await;
        (sig, slot)
    };
    let net = start(&dir.0, false).await;
    assert_eq!(net.restored_transactions, 1);
    assert_eq!(call(&net, "getBalance", json!([alice])).await["value"], 3_000_000_000u64);
    let status = call(&net, "getSignatureStatuses", json!([[sig]])).await;
    assert_eq!(status["value"][0]["confirmationStatus"], "finalized");
    assert!(call(&net, "getTransaction", json!([sig])).await["meta"]["logMessages"].is_array());
    assert!(call(&net, "getSlot", json!([])).await.as_u64().unwrap() > slot, "slots never go back");
    let bob = Keypair::new().pubkey().to_string();
    airdrop(&net, &bob, 1_000_000_000).await;
    net.shutdown().await;

    // A crash in the middle of writing a line leaves a torn tail, which is dropped.
    let journal = dir.0.join(synkti_localnet::ledger::JOURNAL_FILE);
    let clean_len = std::fs::metadata(&journal).unwrap().len();
    std::fs::OpenOptions::new().append(true).open(&journal).unwrap().write_all(br#"{"kind":"tx","slot":9"#).unwrap();
    let net = start(&dir.0, false).await;
    assert_eq!(net.restored_transactions, 2);
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), clean_len);
    assert_eq!(call(&net, "getBalance", json!([bob])).await["value"], 1_000_000_000u64);
    net.shutdown().await;

    let net = start(&dir.0, true).await;
    assert_eq!(net.restored_transactions, 0);
    assert_eq!(call(&net, "getBalance", json!([alice])).await["value"], 0);
    assert_eq!(call(&net, "getSignatureStatuses", json!([[sig]])).await["value"][0], serde_json::Value::Null);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_line_before_the_end_refuses_to_start() {
    let dir = TempDir::new("corrupt");
    std::fs::write(dir.0.join(synkti_localnet::ledger::JOURNAL_FILE), "garbage\n{\"kind\":\"slot\",\"slot\":3}\n")
        .unwrap();
    let mut config = synkti_localnet::Config::ephemeral(dir.0.clone());
    config.slot_duration = SLOT;
    match synkti_localnet::start(config).await {
        Err(synkti_localnet::StartError::CorruptLedger { line: 1, .. }) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a corrupt journal must not start"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn warp_moves_the_program_clock_forward_durably() {
    let dir = TempDir::new("warp");
    let net = start(&dir.0, false).await;
    let before = clock(&net).await;
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!(
        (before.unix_timestamp - wall).abs() <= 2,
        "the Clock follows wall time: {} vs {wall}",
        before.unix_timestamp
    );
    let warped = call(&net, "synkti_warpClock", json!([86_400])).await;
    assert!(warped["slot"].as_u64().unwrap() > before.slot);
    let after = clock(&net).await;
    assert!(after.unix_timestamp >= before.unix_timestamp + 86_400);
    assert_eq!(warped["unixTimestamp"].as_i64().unwrap(), after.unix_timestamp);
    assert!(call(&net, "getTransaction", json!([solana_signature::Signature::from([3u8; 64]).to_string()]))
        .await
        .is_null());
    net.shutdown().await;
    let net = start(&dir.0, false).await;
    assert!(clock(&net).await.unix_timestamp >= before.unix_timestamp + 86_400, "the offset persists");
    net.shutdown().await;
}
