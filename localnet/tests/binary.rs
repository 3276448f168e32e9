//! The `synkti-localnet` binary: banner with URLs, keypair file created once and never
//! overwritten, clean shutdown on SIGTERM and SIGINT with the slot recorded.
mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use support::TempDir;

/// Starts the binary and reads its banner up to "ready"; returns the banner lines.
fn start(ledger: &Path, keypair: &Path) -> (Child, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_synkti-localnet"))
        .args(["--port", "0", "--slot-ms", "50", "--ledger"])
        .arg(ledger)
        .arg("--keypair")
        .arg(keypair)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut lines = vec![];
    let mut out = BufReader::new(child.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).unwrap() > 0, "exited before ready: {lines:?}");
        if line.trim() == "ready" {
            break;
        }
        lines.push(line.trim_end().to_string());
    }
    (child, lines)
}

fn signal(child: &Child, name: &str) {
    assert!(Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap().success());
}

#[test]
fn creates_a_keypair_once_and_shuts_down_cleanly_on_signals() {
    let dir = TempDir::new("binary");
    let ledger = dir.0.join("ledger");
    let keypair = dir.0.join("solana").join("id.json");

    let (mut child, banner) = start(&ledger, &keypair);
    let rpc = banner.iter().find_map(|l| l.trim().strip_prefix("RPC URL:")).expect("RPC URL line").trim().to_string();
    let ws = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("WebSocket URL:"))
        .expect("WebSocket URL line")
        .trim()
        .to_string();
    let rpc_port: u16 = rpc.rsplit(':').next().unwrap().parse().unwrap();
    assert_eq!(ws, format!("ws://127.0.0.1:{}", rpc_port + 1), "the websocket is on the next port");
    assert!(banner.iter().any(|l| l.contains("(created,")), "{banner:?}");
    let bytes: Vec<u8> = serde_json::from_str(&std::fs::read_to_string(&keypair).unwrap()).unwrap();
    assert_eq!(bytes.len(), 64, "a Solana keypair file: 64 bytes as a JSON array");
    signal(&child, "TERM");
    assert!(child.wait().unwrap().success());
    let journal = std::fs::read_to_string(ledger.join(synkti_localnet::ledger::JOURNAL_FILE)).unwrap();
    assert!(journal.lines().last().unwrap().contains(r#""kind":"slot""#), "the slot is recorded at shutdown");

    let before = std::fs::read(&keypair).unwrap();
    let (mut child, banner) = start(&ledger, &keypair);
    assert!(banner.iter().any(|l| l.contains("(existing, left as is)")), "{banner:?}");
    assert_eq!(std::fs::read(&keypair).unwrap(), before, "an existing keypair file is never overwritten");
    signal(&child, "INT");
    assert!(child.wait().unwrap().success());
}

#[test]
fn bad_arguments_are_refused_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_synkti-localnet")).args(["--port", "many"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port must be a port number"));
}
