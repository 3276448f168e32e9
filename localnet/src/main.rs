//! `synkti-localnet [--port N] [--ledger DIR] [--reset] [--keypair PATH | --no-keypair] [--slot-ms MS]`
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use synkti_localnet::keypair_file::{self, KeypairFile};

const USAGE: &str =
    "usage: synkti-localnet [--port N] [--ledger DIR] [--reset] [--keypair PATH | --no-keypair] [--slot-ms MS]

  --port N        JSON-RPC port on 127.0.0.1 (default 8899); the websocket uses N+1; 0 picks a free pair
  --ledger DIR    where the ledger persists (default .localnet in the current directory)
  --reset         start from an empty ledger
  --keypair PATH  create a Solana keypair file there if none exists (default ~/.config/solana/id.json)
  --no-keypair    do not create a keypair file
  --slot-ms MS    wall time per slot (default 400)";

struct Args {
    port: u16,
    ledger: PathBuf,
    reset: bool,
    keypair: Option<PathBuf>,
    slot_ms: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: synkti_localnet::DEFAULT_RPC_PORT,
        ledger: PathBuf::from(".localnet"),
        reset: false,
        keypair: keypair_file::default_path(),
        slot_ms: synkti_localnet::DEFAULT_SLOT_DURATION.as_millis() as u64,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => args.port = value("--port")?.parse().map_err(|_| "--port must be a port number".to_string())?,
            "--ledger" => args.ledger = PathBuf::from(value("--ledger")?),
            "--reset" => args.reset = true,
            "--keypair" => args.keypair = Some(PathBuf::from(value("--keypair")?)),
            "--no-keypair" => args.keypair = None,
            "--slot-ms" => {
                args.slot_ms = value("--slot-ms")?.parse().map_err(|_| "--slot-ms must be a number".to_string())?;
                if args.slot_ms == 0 {
                    return Err("--slot-ms must be at least 1".into());
                }
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    // The bank logs every instruction at debug level unless told otherwise; clients read logs
    // through the RPC. `RUST_LOG=debug synkti-localnet` brings them back.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("synkti-localnet: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let keypair_note = match &args.keypair {
        None => None,
        Some(path) => match keypair_file::ensure(path) {
            Ok(KeypairFile::Created { path, pubkey }) => Some(format!("{} (created, {pubkey})", path.display())),
            Ok(KeypairFile::Existing { path }) => Some(format!("{} (existing, left as is)", path.display())),
            Err(e) => {
                eprintln!("synkti-localnet: cannot create the keypair file {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
    };
    let mut config = synkti_localnet::Config::new(args.port, args.ledger.clone());
    config.reset = args.reset;
    config.slot_duration = Duration::from_millis(args.slot_ms);
    let net = match synkti_localnet::start(config).await {
        Ok(net) => net,
        Err(e) => {
            eprintln!("synkti-localnet: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ledger = std::fs::canonicalize(&args.ledger).unwrap_or(args.ledger);
    println!("synkti-localnet: a real Solana bank with the Synkti program ({})", synkti_bank::PROGRAM_ID);
    println!("  RPC URL:       {}", net.url);
    println!("  WebSocket URL: {}", net.ws_url);
    println!("  Ledger:        {} ({} transactions restored)", ledger.display(), net.restored_transactions);
    if let Some(note) = keypair_note {
        println!("  Keypair:       {note}");
    }
    println!(
        "  Faucet:        npm run localnet -- faucet --url {} --to <address or keypair file> --sol 10 [--payment N] [--stake N]",
        net.url
    );
    println!("ready");
    wait_for_signal().await;
    // Whoever started us may have closed our stdout by now; that must not stop a clean shutdown.
    let _ = writeln!(std::io::stdout(), "synkti-localnet: shutting down");
    net.shutdown().await;
    ExitCode::SUCCESS
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = int.recv() => {}
        _ = term.recv() => {}
    }
}
