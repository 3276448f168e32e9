//! The native path itself: CPIs reach the real token program, and the program's logs and
//! events land in the transaction's logs as they would on a validator.
use anchor_lang::Discriminator;
use synkti_market::events::LeaseOpened;

use crate::env::Env;
use crate::fixtures::{ConsumerFx, LeaseFx};

/// A fresh bank where a consumer with 50_000 opened the market's first lease with `deposit`.
async fn opened(env: &mut Env, deposit: u64) -> (Vec<String>, ConsumerFx, LeaseFx) {
    let m = env.market().await;
    let p = env.provider(&m, 10, 1_000_000).await;
    let c = env.consumer(&m, 50_000).await;
    let lease = env.next_lease(&m).await;
    (Env::ok(env.try_open_lease(&m, &c, &p.key, Env::lease_args(deposit)).await), c, lease)
}

#[tokio::test]
async fn open_lease_moves_tokens_through_cpi_and_logs_instruction_and_event() {
    let mut env = Env::new().await;
    let (logs, c, lease) = opened(&mut env, 36_000).await;
    assert_eq!(env.balance(&c.token).await, 14_000);
    assert_eq!(lease.id, 0);
    assert_eq!(env.balance(&lease.escrow).await, 36_000);
    assert!(logs.iter().any(|l| l == "Program log: Instruction: OpenLease"), "{logs:#?}");
    let raw = logs.iter().find(|l| l.starts_with("Program data: ")).expect("event logged");
    assert!(raw.len() > "Program data: ".len() + LeaseOpened::DISCRIMINATOR.len());
    let evs = crate::env::events::<LeaseOpened>(&logs);
    assert_eq!(evs.len(), 1);
    let event = &evs[0];
    assert_eq!((event.lease, event.deposit, event.price_per_second), (lease.key, 36_000, 10));
}

/// Logs have the validator's shape: every `invoke [n]` at the depth the stack says, closed by
/// exactly one `success` or `failed`, so stack-tracking parsers (Anchor's EventParser) work.
fn assert_validator_shaped(logs: &[String]) {
    let mut stack: Vec<String> = vec![];
    for line in logs {
        let Some(rest) = line.strip_prefix("Program ") else { continue };
        if let Some((program, height)) = rest.split_once(" invoke [") {
            let height: usize = height.trim_end_matches(']').parse().unwrap();
            assert_eq!(height, stack.len() + 1, "invoke at the wrong depth: {line}\n{logs:#?}");
            stack.push(program.to_string());
        } else if let Some(program) = rest
            .strip_suffix(" success")
            .or_else(|| rest.split(" failed: ").next().filter(|_| rest.contains(" failed: ")))
        {
            assert_eq!(stack.pop().as_deref(), Some(program), "unbalanced outcome: {line}\n{logs:#?}");
        }
    }
    assert!(stack.is_empty(), "unclosed invocations {stack:?}\n{logs:#?}");
}

#[tokio::test]
async fn logs_have_the_validators_shape_with_cpis_and_events() {
    let mut env = Env::new().await;
    let (logs, _, _) = opened(&mut env, 6_000).await;
    assert_validator_shaped(&logs);
    let ours = format!("Program {} invoke [1]", synkti_market::ID);
    assert_eq!(logs.iter().filter(|l| **l == ours).count(), 1, "{logs:#?}");
    // The token CPI nests at depth 2, as on chain.
    assert!(logs.iter().any(|l| l == "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [2]"), "{logs:#?}");
}
