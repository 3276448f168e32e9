//! Every RPC method's answer against a running localnet, in the shapes web3.js parses.
mod support;

use anchor_lang::solana_program::{program_pack::Pack, system_instruction};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use support::*;

fn is_base58_32(v: &Value) -> bool {
    v.as_str().and_then(|s| bs58::decode(s).into_vec().ok()).is_some_and(|b| b.len() == 32)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_methods() {
    let dir = TempDir::new("cluster");
    let net = start(&dir.0, false).await;
    assert_eq!(call(&net, "getHealth", json!([])).await, json!("ok"));
    let version = call(&net, "getVersion", json!([])).await;
    assert_eq!(version["solana-core"], "3.1.12");
    assert!(version["feature-set"].is_u64());
    assert!(is_base58_32(&call(&net, "getGenesisHash", json!([])).await));
    let slot = call(&net, "getSlot", json!([{ "commitment": "finalized" }])).await.as_u64().unwrap();
    tokio::time::sleep(SLOT * 4).await;
    let later = call(&net, "getSlot", json!([])).await.as_u64().unwrap();
    assert!(later > slot, "slots advance with wall time: {slot} -> {later}");
    let info = call(&net, "getEpochInfo", json!([])).await;
    for field in ["absoluteSlot", "blockHeight", "epoch", "slotIndex", "slotsInEpoch", "transactionCount"] {
        assert!(info[field].is_u64(), "{field} in {info}");
    }
    let height = call(&net, "getBlockHeight", json!([])).await.as_u64().unwrap();
    assert!(height > 0);
    let latest = call(&net, "getLatestBlockhash", json!([])).await;
    assert!(latest["context"]["slot"].as_u64().unwrap() >= later);
    assert!(is_base58_32(&latest["value"]["blockhash"]));
    assert!(latest["value"]["lastValidBlockHeight"].as_u64().unwrap() > height);
    let valid = call(&net, "isBlockhashValid", json!([latest["value"]["blockhash"]])).await;
    assert_eq!(valid["value"], json!(true));
    let unknown = solana_hash::Hash::new_unique().to_string();
    assert_eq!(call(&net, "isBlockhashValid", json!([unknown])).await["value"], json!(false));
    let rent = call(&net, "getMinimumBalanceForRentExemption", json!([165])).await.as_u64().unwrap();
    assert_eq!(rent, 2_039_280, "the default Rent, as on every cluster");
    assert_eq!(call(&net, "getRecentPrioritizationFees", json!([[]])).await, json!([]));
    assert!(call(&net, "getEpochSchedule", json!([])).await["slotsPerEpoch"].is_u64());
    let min_slot =
        error(&net, "getBalance", json!([Keypair::new().pubkey().to_string(), { "minContextSlot": u64::MAX }])).await;
    assert_eq!(min_slot["code"], -32016);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_named() {
    let dir = TempDir::new("bad");
    let net = start(&dir.0, false).await;
    assert_eq!(error(&net, "getNothing", json!([])).await["code"], -32601);
    assert_eq!(error(&net, "signatureSubscribe", json!([])).await["code"], -32601, "subscriptions are websocket-only");
    let bad_key = error(&net, "getBalance", json!(["not-a-key"])).await;
    assert_eq!(bad_key["code"], -32602);
    assert!(bad_key["message"].as_str().unwrap().starts_with("Invalid param"));
    assert_eq!(error(&net, "getBalance", json!([])).await["code"], -32602);
    assert_eq!(error(&net, "getBalance", json!({ "pubkey": "x" })).await["code"], -32602);
    assert_eq!(error(&net, "getSlot", json!([{ "commitment": "max" }])).await["code"], -32602);
    assert_eq!(error(&net, "sendTransaction", json!(["%%%", { "encoding": "base64" }])).await["code"], -32602);
    assert_eq!(error(&net, "synkti_warpClock", json!([-5])).await["code"], -32602);
    let (_, body) = post(net.rpc_addr, "{\"jsonrpc\":\"2.0\",");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], -32700);
    let (_, body) = post(net.rpc_addr, r#"{"jsonrpc":"2.0","id":3}"#);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["error"]["code"], -32600);
    let (_, body) = post(
        net.rpc_addr,
        r#"[{"jsonrpc":"2.0","id":1,"method":"getHealth"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#,
    );
    let batch: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(batch[0]["result"], "ok");
    assert_eq!(batch[1]["error"]["code"], -32601);
    let (status, body) =
        raw_http(net.rpc_addr, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    assert_eq!((status, body.as_str()), (200, "ok"));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn airdrop_transfer_and_transaction_records() {
    let dir = TempDir::new("transfer");
    let net = start(&dir.0, false).await;
    let alice = Keypair::new();
    let bob = Keypair::new();
    let sig = airdrop(&net, &alice.pubkey().to_string(), 2_000_000_000).await;
    let statuses =
        call(&net, "getSignatureStatuses", json!([[sig, solana_signature::Signature::from([3u8; 64]).to_string()]]))
            .await;
    let status = &statuses["value"][0];
    assert_eq!(status["confirmationStatus"], "finalized");
    assert_eq!(status["err"], Value::Null);
    assert_eq!(status["status"], json!({ "Ok": null }));
    assert!(status["slot"].is_u64());
    let balance = call(&net, "getBalance", json!([alice.pubkey().to_string(), { "commitment": "processed" }])).await;
    assert_eq!(balance["value"], 2_000_000_000u64);
    assert!(balance["context"]["slot"].is_u64());

    let ix = system_instruction::transfer(&alice.pubkey(), &bob.pubkey(), 1_000_000_000);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    let sent = send(&net, &tx).await;
    let sig = sent["result"].as_str().unwrap_or_else(|| panic!("{sent}")).to_string();
    assert_eq!(sig, tx.signatures[0].to_string());
    assert_eq!(call(&net, "getBalance", json!([bob.pubkey().to_string()])).await["value"], 1_000_000_000u64);

    let record =
        call(&net, "getTransaction", json!([sig, { "encoding": "json", "maxSupportedTransactionVersion": 0 }])).await;
    assert_eq!(record["version"], "legacy");
    assert!(record["blockTime"].is_i64() && record["slot"].is_u64());
    let meta = &record["meta"];
    assert_eq!(meta["err"], Value::Null);
    assert_eq!(meta["fee"], 5000);
    assert_eq!(meta["preBalances"][0], 2_000_000_000u64);
    assert_eq!(meta["postBalances"][0], 2_000_000_000u64 - 1_000_000_000 - 5000);
    assert_eq!(meta["postBalances"][1], 1_000_000_000u64);
    let logs: Vec<&str> = meta["logMessages"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(logs.contains(&"Program 11111111111111111111111111111111 success"), "{logs:?}");
    let message = &record["transaction"]["message"];
    assert_eq!(message["accountKeys"][0], alice.pubkey().to_string());
    assert_eq!(message["header"]["numRequiredSignatures"], 1);
    assert_eq!(message["instructions"][0]["programIdIndex"], 2);
    let b64 = call(&net, "getTransaction", json!([sig, { "encoding": "base64" }])).await;
    assert_eq!(b64["transaction"][1], "base64");
    assert!(b64.get("version").is_none(), "version only when maxSupportedTransactionVersion is given");
    let parsed = call(&net, "getTransaction", json!([sig, { "encoding": "jsonParsed" }])).await;
    assert_eq!(parsed["transaction"]["message"]["accountKeys"][0]["signer"], true);
    assert_eq!(
        call(&net, "getTransaction", json!([solana_signature::Signature::from([3u8; 64]).to_string()])).await,
        Value::Null
    );

    let history = call(&net, "getSignaturesForAddress", json!([alice.pubkey().to_string()])).await;
    let history: Vec<&str> = history.as_array().unwrap().iter().map(|h| h["signature"].as_str().unwrap()).collect();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0], sig, "newest first");
    let limited =
        call(&net, "getSignaturesForAddress", json!([alice.pubkey().to_string(), { "limit": 1, "before": sig }])).await;
    assert_eq!(limited.as_array().unwrap().len(), 1);
    assert_ne!(limited[0]["signature"], json!(sig));

    let account = call(&net, "getAccountInfo", json!([bob.pubkey().to_string(), { "encoding": "base64" }])).await;
    let value = &account["value"];
    assert_eq!(value["owner"], "11111111111111111111111111111111");
    assert_eq!(value["lamports"], 1_000_000_000u64);
    assert_eq!(value["data"], json!(["", "base64"]));
    assert_eq!(value["executable"], false);
    assert!(value["rentEpoch"].is_u64());
    assert_eq!(value["space"], 0);
    let many = call(
        &net,
        "getMultipleAccounts",
        json!([[bob.pubkey().to_string(), Keypair::new().pubkey().to_string()], { "encoding": "base64" }]),
    )
    .await;
    assert_eq!(many["value"][0]["lamports"], 1_000_000_000u64);
    assert_eq!(many["value"][1], Value::Null);

    let message = Transaction::new_with_payer(
        &[system_instruction::transfer(&alice.pubkey(), &bob.pubkey(), 1)],
        Some(&alice.pubkey()),
    )
    .message;
    let mut message = message;
    message.recent_blockhash = blockhash(&net).await;
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(message.serialize());
    assert_eq!(call(&net, "getFeeForMessage", json!([encoded])).await["value"], 5000);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_worded_as_the_real_rpc_words_them() {
    let dir = TempDir::new("failures");
    let net = start(&dir.0, false).await;
    let alice = Keypair::new();
    airdrop(&net, &alice.pubkey().to_string(), 1_000_000_000).await;

    // Preflight: the system program's "insufficient lamports" is custom error 1.
    let ix = system_instruction::transfer(&alice.pubkey(), &Keypair::new().pubkey(), 5_000_000_000);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    let err = send(&net, &tx).await["error"].clone();
    assert_eq!(err["code"], -32002);
    assert_eq!(
        err["message"],
        "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1"
    );
    assert_eq!(err["data"]["err"], json!({ "InstructionError": [0, { "Custom": 1 }] }));
    assert!(err["data"]["logs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l.as_str().unwrap().contains("insufficient lamports")));

    // Our program runs natively and fails with Anchor's named error for unknown instructions.
    let ix =
        anchor_lang::solana_program::instruction::Instruction::new_with_bytes(synkti_bank::PROGRAM_ID, &[9; 8], vec![]);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    let err = send(&net, &tx).await["error"].clone();
    assert_eq!(
        err["message"],
        "Transaction simulation failed: Error processing Instruction 0: custom program error: 0x65"
    );
    let logs = err["data"]["logs"].to_string();
    assert!(logs.contains("InstructionFallbackNotFound"), "{logs}");

    // Simulation answers the same error with logs and units, without sending.
    let sim =
        call(&net, "simulateTransaction", json!([encode_tx(&tx), { "encoding": "base64", "sigVerify": true }])).await;
    assert_eq!(sim["value"]["err"], json!({ "InstructionError": [0, { "Custom": 101 }] }));
    assert!(sim["value"]["logs"].as_array().unwrap().len() > 1);
    assert!(sim["value"]["unitsConsumed"].is_u64());
    let replaced = call(
        &net,
        "simulateTransaction",
        json!([encode_tx(&tx), { "encoding": "base64", "replaceRecentBlockhash": true }]),
    )
    .await;
    assert!(replaced["value"]["replacementBlockhash"]["blockhash"].is_string());

    // A forged signature.
    let ix = system_instruction::transfer(&alice.pubkey(), &Keypair::new().pubkey(), 1);
    let mut tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    tx.signatures[0] = solana_signature::Signature::from([7u8; 64]);
    assert_eq!(send(&net, &tx).await["error"]["code"], -32003);

    // Without preflight a failing transaction lands, pays its fee, and reports its error.
    let ix = system_instruction::transfer(&alice.pubkey(), &Keypair::new().pubkey(), 5_000_000_000);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    let sig =
        call(&net, "sendTransaction", json!([encode_tx(&tx), { "encoding": "base64", "skipPreflight": true }])).await;
    let status = call(&net, "getSignatureStatuses", json!([[sig]])).await;
    assert_eq!(status["value"][0]["err"], json!({ "InstructionError": [0, { "Custom": 1 }] }));
    let record = call(&net, "getTransaction", json!([sig])).await;
    assert_eq!(record["meta"]["status"], json!({ "Err": { "InstructionError": [0, { "Custom": 1 }] } }));

    // The same transaction twice.
    let ix = system_instruction::transfer(&alice.pubkey(), &Keypair::new().pubkey(), 1_000_000);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    assert!(send(&net, &tx).await["result"].is_string());
    let again = send(&net, &tx).await["error"].clone();
    assert_eq!(again["code"], -32002);
    assert_eq!(again["data"]["err"], "AlreadyProcessed");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_accounts_are_indexed_and_parsed() {
    use spl_token_2022_interface::instruction as token_ix;
    let spl_token: anchor_lang::prelude::Pubkey = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA".parse().unwrap();
    let dir = TempDir::new("token");
    let net = start(&dir.0, false).await;
    let payer = Keypair::new();
    let owner = Keypair::new();
    airdrop(&net, &payer.pubkey().to_string(), 10_000_000_000).await;
    let mint = Keypair::new();
    let holder = Keypair::new();
    let mint_rent = call(&net, "getMinimumBalanceForRentExemption", json!([82])).await.as_u64().unwrap();
    let acc_rent = call(&net, "getMinimumBalanceForRentExemption", json!([165])).await.as_u64().unwrap();
    let ixs = vec![
        system_instruction::create_account(&payer.pubkey(), &mint.pubkey(), mint_rent, 82, &spl_token),
        token_ix::initialize_mint2(&spl_token, &mint.pubkey(), &payer.pubkey(), None, 6).unwrap(),
        system_instruction::create_account(&payer.pubkey(), &holder.pubkey(), acc_rent, 165, &spl_token),
        token_ix::initialize_account3(&spl_token, &holder.pubkey(), &mint.pubkey(), &owner.pubkey()).unwrap(),
        token_ix::mint_to(&spl_token, &mint.pubkey(), &holder.pubkey(), &payer.pubkey(), &[], 1_500_000).unwrap(),
    ];
    let tx = Transaction::new_signed_with_payer(
        &ixs,
        Some(&payer.pubkey()),
        &[&payer, &mint, &holder],
        blockhash(&net).await,
    );
    let sent = send(&net, &tx).await;
    let sig = sent["result"].as_str().unwrap_or_else(|| panic!("{sent}")).to_string();

    let balance = call(&net, "getTokenAccountBalance", json!([holder.pubkey().to_string()])).await;
    assert_eq!(
        balance["value"],
        json!({ "amount": "1500000", "decimals": 6, "uiAmount": 1.5, "uiAmountString": "1.5" })
    );
    assert_eq!(error(&net, "getTokenAccountBalance", json!([payer.pubkey().to_string()])).await["code"], -32602);
    let supply = call(&net, "getTokenSupply", json!([mint.pubkey().to_string()])).await;
    assert_eq!(supply["value"]["amount"], "1500000");

    let by_mint = call(
        &net,
        "getTokenAccountsByOwner",
        json!([owner.pubkey().to_string(), { "mint": mint.pubkey().to_string() }, { "encoding": "base64" }]),
    )
    .await;
    assert_eq!(by_mint["value"].as_array().unwrap().len(), 1);
    assert_eq!(by_mint["value"][0]["pubkey"], holder.pubkey().to_string());
    assert_eq!(by_mint["value"][0]["account"]["data"][1], "base64");
    let parsed = call(
        &net,
        "getTokenAccountsByOwner",
        json!([owner.pubkey().to_string(), { "programId": spl_token.to_string() }, { "encoding": "jsonParsed" }]),
    )
    .await;
    let info = &parsed["value"][0]["account"]["data"]["parsed"]["info"];
    assert_eq!(info["mint"], mint.pubkey().to_string());
    assert_eq!(info["tokenAmount"]["uiAmountString"], "1.5");
    let none = call(
        &net,
        "getTokenAccountsByOwner",
        json!([payer.pubkey().to_string(), { "mint": mint.pubkey().to_string() }]),
    )
    .await;
    assert_eq!(none["value"], json!([]));

    let owner_bytes = bs58::encode(owner.pubkey().to_bytes()).into_string();
    let filters = json!([{ "dataSize": 165 }, { "memcmp": { "offset": 32, "bytes": owner_bytes } }]);
    let found =
        call(&net, "getProgramAccounts", json!([spl_token.to_string(), { "encoding": "base64", "filters": filters }]))
            .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["pubkey"], holder.pubkey().to_string());
    let data = found[0]["account"]["data"][0].as_str().unwrap();
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data).unwrap();
    assert_eq!(spl_token_2022_interface::state::Account::unpack(&bytes).unwrap().amount, 1_500_000);
    let with_context = call(
        &net,
        "getProgramAccounts",
        json!([spl_token.to_string(), { "encoding": "base64", "withContext": true, "filters": [{ "dataSize": 82 }] }]),
    )
    .await;
    assert_eq!(with_context["value"][0]["pubkey"], mint.pubkey().to_string());
    assert!(with_context["context"]["slot"].is_u64());

    let record = call(&net, "getTransaction", json!([sig])).await;
    assert_eq!(record["meta"]["preTokenBalances"], json!([]));
    let post = &record["meta"]["postTokenBalances"][0];
    let keys = record["transaction"]["message"]["accountKeys"].as_array().unwrap();
    let holder_index = keys.iter().position(|k| k == &json!(holder.pubkey().to_string())).unwrap();
    assert_eq!(post["accountIndex"], holder_index);
    assert_eq!(post["mint"], mint.pubkey().to_string());
    assert_eq!(post["owner"], owner.pubkey().to_string());
    assert_eq!(post["uiTokenAmount"]["amount"], "1500000");
    net.shutdown().await;
}

/// web3.js reuses a blockhash for up to 30 s: polling and a run of sends must not expire it
/// (program-test's ticker would, if the bank's runtime ran freely; see chain.rs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blockhash_outlives_polling_and_a_run_of_sends() {
    let dir = TempDir::new("blockhash");
    let net = start(&dir.0, false).await;
    let alice = Keypair::new();
    airdrop(&net, &alice.pubkey().to_string(), 1_000_000_000).await;
    let reused = blockhash(&net).await;
    for i in 0..40u64 {
        let ix = system_instruction::transfer(&alice.pubkey(), &Keypair::new().pubkey(), 1_000_000 + i);
        let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], reused);
        let sent = send(&net, &tx).await;
        assert!(sent["result"].is_string(), "send {i} with a reused blockhash: {sent}");
        for _ in 0..10 {
            call(&net, "getSignatureStatuses", json!([[sent["result"]]])).await;
            call(&net, "getLatestBlockhash", json!([])).await;
            call(&net, "getBlockHeight", json!([])).await;
        }
    }
    assert_eq!(call(&net, "isBlockhashValid", json!([reused.to_string()])).await["value"], true);
    net.shutdown().await;
}
