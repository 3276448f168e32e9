//! The native path itself: CPIs reach the real token program, and the program's logs and
//! events land in the transaction's logs as they would on a validator.
use anchor_lang::Discriminator;
use solana_signer::Signer;
use synkti_market::events::LeaseOpened;

use crate::env::Env;

#[tokio::test]
async fn open_lease_moves_tokens_through_cpi_and_logs_instruction_and_event() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 1_000_000).await;
    let c = env.consumer(&m, 50_000).await;
    let args = synkti_market::instructions::OpenLeaseArgs {
        nonce: 1,
        job_spec_hash: [1; 32],
        max_price_per_second: 10,
        deposit: 36_000,
    };
    let logs = Env::ok(env.try_open_lease(&m, &c, &p.key, args).await);
    assert_eq!(env.balance(&c.token).await, 14_000);
    let lease = crate::fixtures::lease_pda(&c.kp.pubkey(), 1);
    assert_eq!(env.balance(&crate::fixtures::escrow_pda(&lease)).await, 36_000);
    assert!(logs.iter().any(|l| l == "Program log: Instruction: OpenLease"), "{logs:#?}");
    let raw = logs.iter().find(|l| l.starts_with("Program data: ")).expect("event logged");
    assert!(raw.len() > "Program data: ".len() + LeaseOpened::DISCRIMINATOR.len());
    let evs = crate::env::events::<LeaseOpened>(&logs);
    assert_eq!(evs.len(), 1);
    let event = &evs[0];
    assert_eq!((event.lease, event.deposit, event.price_per_second), (lease, 36_000, 10));
}
