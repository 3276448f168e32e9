//! `npm run demo` (until the full P2P demo lands): one lease's life on a real bank, printing
//! every party's balances before and after, the reputation counters, and the conservation check.
//!
//! A consumer leases an H100 on a spot provider, which attests usage on the consumer's signed
//! receipts (paid at once); the spot machine is reclaimed, the lease fails over to an on-demand
//! provider (migrate_lease), which serves on and attests alone (held in its earnings vault until
//! it vests); the consumer closes, gets the rest back, and the record is finalized after the
//! dispute window.
// The example borrows the test harness, of which it uses only a part.
#![allow(deprecated, dead_code)]
#[path = "../tests/bank/env.rs"]
mod env;
#[path = "../tests/bank/fixtures.rs"]
mod fixtures;

use env::Env;
use fixtures::*;
use solana_signer::Signer;
use synkti_market::state::Provider;

const DEPOSIT: u64 = 3_600_000; // 3.6 tokens of 6 decimals: an hour at 1_000 base units/s

struct Ledger<'a> {
    m: &'a MarketFx,
    spot: &'a ProviderFx,
    standby: &'a ProviderFx,
    c: &'a ConsumerFx,
}

impl Ledger<'_> {
    async fn balances(&self, env: &mut Env) -> [(&'static str, u64); 6] {
        [
            ("consumer", env.balance(&self.c.token).await),
            ("spot provider", env.balance(&self.spot.payout).await),
            ("spot held", env.balance(&self.spot.earnings_vault).await),
            ("standby provider", env.balance(&self.standby.payout).await),
            ("standby held", env.balance(&self.standby.earnings_vault).await),
            ("market fees", env.balance(&self.m.fee_vault).await),
        ]
    }
}

fn step(what: &str) {
    println!("  · {what}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    println!("synkti demo: a lease on a real Solana bank (program natively, SPL Token in the VM)\n");
    let mut env = Env::new().await;
    let m = env.market().await;
    step("market created: 2.5 % fee, 1.0 stake minimum, 10 min attestation gap");
    let spot = env.provider(&m, 1_000, 1_000_000).await;
    let standby = env.provider(&m, 1_100, 1_000_000).await;
    step("two providers registered and staked: spot H100 at 1000/s, on-demand H100 at 1100/s");
    let c = env.consumer(&m, 10_000_000).await;
    let ledger = Ledger { m: &m, spot: &spot, standby: &standby, c: &c };
    let before = ledger.balances(&mut env).await;

    let lease = env.active_lease(&m, &c, &spot, DEPOSIT).await;
    step("consumer opened a lease with 3.6 tokens in escrow; the spot operator accepted");
    let start = env.now().await;
    for minute in 1..=3 {
        env.warp(60).await;
        let (from, until) = (start + 60 * (minute - 1), start + 60 * minute);
        Env::ok(env.send(&m.attest_receipt_ixs(&c, &spot, &lease, from, until), &[&spot.operator]).await);
    }
    step("spot operator attested 3 minutes of service on the consumer's receipts (paid at once)");
    env.warp(45).await;
    let handoff = env.now().await - 5;
    Env::ok(env.send(&[m.migrate_ix(&spot, &standby, &lease, handoff)], &[&spot.operator, &standby.operator]).await);
    step("spot instance interrupted: lease migrated to the standby (both operators signed)");
    env.warp(120).await;
    let until = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&standby, &lease, &standby.operator.pubkey(), until)], &[&standby.operator]).await);
    step("standby attested 2 more minutes on its own word (held until the dispute window passed)");
    env.warp(30).await;
    Env::ok(env.send(&[m.close_ix(&c, &standby, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    step("consumer closed the lease: final settlement and refund");
    env.warp(3_601).await;
    Env::ok(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &standby, &lease)], &[&c.kp]).await);
    step("after the dispute window: lease record finalized, rent back to the consumer\n");

    let after = ledger.balances(&mut env).await;
    println!("  {:<18} {:>12} {:>12} {:>12}", "party", "before", "after", "change");
    let mut total_change: i128 = 0;
    for ((name, b), (_, a)) in before.iter().zip(after.iter()) {
        let change = *a as i128 - *b as i128;
        total_change += change;
        println!("  {name:<18} {b:>12} {a:>12} {change:>+12}");
    }
    for (name, p) in [("spot", &spot), ("standby", &standby)] {
        let r = env.account::<Provider>(&p.key).await.reputation;
        println!(
            "\n  reputation {name:<8} completed={} failed={} handed_off={} taken={} verified={} self={} earned={}",
            r.leases_completed,
            r.leases_failed,
            r.failovers_handed_off,
            r.failovers_taken,
            r.seconds_verified,
            r.seconds_self_attested,
            r.earned
        );
    }
    let escrow_gone = !env.exists(&lease.escrow).await;
    println!("\n  conservation: sum of changes = {total_change} (must be 0), escrow closed = {escrow_gone}");
    if total_change != 0 || !escrow_gone {
        eprintln!("ConservationError: tokens were created or lost");
        std::process::exit(1);
    }
}
