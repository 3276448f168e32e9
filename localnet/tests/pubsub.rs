//! The websocket: subscriptions answer ids, then notifications in web3.js's shapes.
mod support;

use anchor_lang::solana_program::system_instruction;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::time::Duration;
use support::*;
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn request(ws: &mut Ws, id: u64, method: &str, params: Value) {
    let text = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string();
    ws.send(Message::Text(text.into())).await.unwrap();
}

/// The next text message matching `keep`, skipping others (slot notifications, say).
async fn next(ws: &mut Ws, keep: impl Fn(&Value) -> bool) -> Value {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match ws.next().await.expect("open").expect("frame") {
                Message::Text(t) => {
                    let v: Value = serde_json::from_str(t.as_str()).unwrap();
                    if keep(&v) {
                        return v;
                    }
                }
                _ => continue,
            }
        }
    })
    .await
    .expect("message within 10 s")
}

async fn subscribe(ws: &mut Ws, id: u64, method: &str, params: Value) -> u64 {
    request(ws, id, method, params).await;
    let answer = next(ws, |v| v["id"] == json!(id)).await;
    answer["result"].as_u64().unwrap_or_else(|| panic!("{method}: {answer}"))
}

/// Reads until every subscription in `subs` has been notified; keeps the first of each.
async fn first_of_each(ws: &mut Ws, subs: &[u64]) -> std::collections::HashMap<u64, Value> {
    let mut got = std::collections::HashMap::new();
    while got.len() < subs.len() {
        let v = next(ws, |v| v["params"]["subscription"].as_u64().is_some_and(|s| subs.contains(&s))).await;
        got.entry(v["params"]["subscription"].as_u64().unwrap()).or_insert(v);
    }
    got
}

fn notification_of(sub: u64) -> impl Fn(&Value) -> bool {
    move |v: &Value| v["params"]["subscription"] == json!(sub)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_notify_in_web3_shapes() {
    let dir = TempDir::new("pubsub");
    let net = start(&dir.0, false).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(net.ws_url.as_str()).await.unwrap();
    let alice = Keypair::new();
    let bob = Keypair::new();
    airdrop(&net, &alice.pubkey().to_string(), 1_000_000_000).await;

    let slot_sub = subscribe(&mut ws, 1, "slotSubscribe", json!([])).await;
    let slot = next(&mut ws, notification_of(slot_sub)).await;
    assert_eq!(slot["method"], "slotNotification");
    let r = &slot["params"]["result"];
    assert!(r["slot"].as_u64().unwrap() > r["parent"].as_u64().unwrap());
    request(&mut ws, 2, "slotUnsubscribe", json!([slot_sub])).await;
    assert_eq!(next(&mut ws, |v| v["id"] == json!(2)).await["result"], true);

    let account_sub = subscribe(
        &mut ws,
        3,
        "accountSubscribe",
        json!([bob.pubkey().to_string(), { "encoding": "base64", "commitment": "confirmed" }]),
    )
    .await;
    let logs_sub = subscribe(
        &mut ws,
        4,
        "logsSubscribe",
        json!([{ "mentions": [bob.pubkey().to_string()] }, { "commitment": "confirmed" }]),
    )
    .await;
    let all_logs_sub = subscribe(&mut ws, 5, "logsSubscribe", json!(["all"])).await;
    let program_sub = subscribe(
        &mut ws,
        6,
        "programSubscribe",
        json!(["11111111111111111111111111111111", { "encoding": "base64", "filters": [{ "dataSize": 0 }] }]),
    )
    .await;

    let ix = system_instruction::transfer(&alice.pubkey(), &bob.pubkey(), 5_000_000);
    let tx = Transaction::new_signed_with_payer(&[ix], Some(&alice.pubkey()), &[&alice], blockhash(&net).await);
    let sig = tx.signatures[0].to_string();
    let sig_sub = subscribe(&mut ws, 7, "signatureSubscribe", json!([sig, { "commitment": "confirmed" }])).await;
    assert!(send(&net, &tx).await["result"].is_string());

    let got = first_of_each(&mut ws, &[account_sub, logs_sub, all_logs_sub, program_sub, sig_sub]).await;
    let account = &got[&account_sub];
    assert_eq!(account["method"], "accountNotification");
    let value = &account["params"]["result"]["value"];
    assert_eq!(value["lamports"], 5_000_000);
    assert_eq!(value["data"], json!(["", "base64"]));
    assert!(account["params"]["result"]["context"]["slot"].is_u64());

    let logs = &got[&logs_sub];
    assert_eq!(logs["method"], "logsNotification");
    assert_eq!(logs["params"]["result"]["value"]["signature"], sig);
    assert_eq!(logs["params"]["result"]["value"]["err"], Value::Null);
    assert!(logs["params"]["result"]["value"]["logs"].as_array().unwrap().len() >= 2);
    assert_eq!(got[&all_logs_sub]["params"]["result"]["value"]["signature"], sig);

    let program = &got[&program_sub];
    assert_eq!(program["method"], "programNotification");
    let changed = program["params"]["result"]["value"]["pubkey"].as_str().unwrap();
    assert!([alice.pubkey().to_string(), bob.pubkey().to_string()].contains(&changed.to_string()));

    let done = &got[&sig_sub];
    assert_eq!(done["method"], "signatureNotification");
    assert_eq!(done["params"]["result"]["value"], json!({ "err": null }));
    assert!(done["params"]["result"]["context"]["slot"].is_u64());
    // A signature subscription ends with its notification.
    request(&mut ws, 8, "signatureUnsubscribe", json!([sig_sub])).await;
    assert_eq!(next(&mut ws, |v| v["id"] == json!(8)).await["error"]["code"], -32602);

    // Subscribing to a signature already confirmed notifies at once.
    let late = subscribe(&mut ws, 9, "signatureSubscribe", json!([sig])).await;
    let done = next(&mut ws, notification_of(late)).await;
    assert_eq!(done["params"]["result"]["value"]["err"], Value::Null);

    request(&mut ws, 10, "accountUnsubscribe", json!([account_sub])).await;
    assert_eq!(next(&mut ws, |v| v["id"] == json!(10)).await["result"], true);
    request(&mut ws, 11, "accountUnsubscribe", json!([account_sub])).await;
    assert_eq!(next(&mut ws, |v| v["id"] == json!(11)).await["error"]["code"], -32602);
    request(&mut ws, 12, "getBalance", json!([])).await;
    assert_eq!(next(&mut ws, |v| v["id"] == json!(12)).await["error"]["code"], -32601);
    request(&mut ws, 13, "logsSubscribe", json!([{ "mentions": ["x", "y"] }])).await;
    assert_eq!(next(&mut ws, |v| v["id"] == json!(13)).await["error"]["code"], -32602);
    ws.send(Message::Text("{not json".into())).await.unwrap();
    assert_eq!(next(&mut ws, |v| v["error"]["code"] == json!(-32700)).await["id"], Value::Null);
    // web3.js's keep-alive is a notification: no answer, and the connection stays usable.
    ws.send(Message::Text(r#"{"jsonrpc":"2.0","method":"ping","params":null}"#.into())).await.unwrap();
    let again = subscribe(&mut ws, 14, "slotSubscribe", json!([])).await;
    assert!(again > late);
    net.shutdown().await;
}
