//! migrate_lease: the failover hand-off between two providers' operators.
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::LeaseMigrated;
use synkti_market::instructions::OpenLeaseArgs;
use synkti_market::state::{Lease, Provider};

use crate::env::{anchor_errors, events, expect_anchor_err, expect_err, Env};
use crate::fixtures::*;

struct Handoff {
    env: Env,
    m: MarketFx,
    old: ProviderFx,
    new: ProviderFx,
    c: ConsumerFx,
    lease: LeaseFx,
}

/// A lease on `old` (price 100, cap 150), active for 90 s, and a spare `new` at `new_price`.
async fn handoff(new_price: u64) -> Handoff {
    let mut env = Env::new().await;
    let m = env.market().await;
    let old = env.provider(&m, 100, 1_000_000).await;
    let new = env.provider(&m, new_price, 1_000_000).await;
    let c = env.consumer(&m, 1_000_000).await;
    let args = OpenLeaseArgs { nonce: 7, job_spec_hash: [1; 32], max_price_per_second: 150, deposit: 500_000 };
    Env::ok(env.try_open_lease(&m, &c, &old.key, args).await);
    let key = lease_pda(&c.kp.pubkey(), 7);
    let lease = LeaseFx { key, escrow: escrow_pda(&key) };
    Env::ok(env.send(&[m.accept_ix(&old, &lease, &old.operator.pubkey())], &[&old.operator]).await);
    env.warp(90).await;
    Handoff { env, m, old, new, c, lease }
}

#[tokio::test]
async fn migrate_settles_the_old_provider_and_moves_the_lease() {
    let Handoff { mut env, m, old, new, lease, .. } = handoff(120).await;
    let now = env.now().await;
    let handoff_at = now - 10; // notice came 10 s before the hand-off confirmed
    let logs =
        Env::ok(env.send(&[m.migrate_ix(&old, &new, &lease, handoff_at)], &[&old.operator, &new.operator]).await);
    // Old served 80 s × 100 = 8_000 gross: 200 fee, 7_800 paid.
    assert_eq!(env.balance(&old.payout).await, 7_800);
    assert_eq!(env.balance(&m.fee_vault).await, 200);
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.provider, l.price_per_second, l.settled_until, l.migration_count), (new.key, 120, handoff_at, 1));
    let (o, n): (Provider, Provider) = (env.account(&old.key).await, env.account(&new.key).await);
    assert_eq!((o.open_leases, o.reputation.failovers_handed_off, o.reputation.seconds_served), (0, 1, 80));
    assert_eq!((n.open_leases, n.reputation.failovers_taken), (1, 1));
    let ev = &events::<LeaseMigrated>(&logs)[0];
    assert_eq!((ev.from_provider, ev.to_provider, ev.payout, ev.fee), (old.key, new.key, 7_800, 200));
    // The new operator now attests; the old one can no longer.
    env.warp(20).await;
    let until = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&new, &lease, &new.operator.pubkey(), until)], &[&new.operator]).await);
    assert_eq!(env.balance(&new.payout).await, 30 * 120 - 30 * 120 * 250 / 10_000);
    expect_err(
        env.send(&[m.attest_ix(&old, &lease, &old.operator.pubkey(), until)], &[&old.operator]).await,
        E::WrongProvider,
    );
}

#[tokio::test]
async fn error_migrate_to_the_same_provider() {
    let Handoff { mut env, m, old, lease, .. } = handoff(120).await;
    let now = env.now().await;
    // Anchor refuses the same mutable account twice before our own SameProvider check runs.
    let r = env.send(&[m.migrate_ix(&old, &old, &lease, now)], &[&old.operator]).await;
    expect_anchor_err(r, anchor_errors::CONSTRAINT_DUPLICATE_MUTABLE_ACCOUNT);
}

#[tokio::test]
async fn error_migrate_with_a_handoff_in_the_future_or_before_the_last_settlement() {
    let Handoff { mut env, m, old, new, lease, .. } = handoff(120).await;
    let now = env.now().await;
    let signers = [&old.operator, &new.operator];
    expect_err(env.send(&[m.migrate_ix(&old, &new, &lease, now + 1)], &signers).await, E::InvalidHandoffTime);
    expect_err(env.send(&[m.migrate_ix(&old, &new, &lease, now - 91)], &signers).await, E::InvalidHandoffTime);
}

#[tokio::test]
async fn error_migrate_to_a_provider_above_the_consumers_cap() {
    let Handoff { mut env, m, old, new, lease, .. } = handoff(151).await;
    let now = env.now().await;
    expect_err(
        env.send(&[m.migrate_ix(&old, &new, &lease, now)], &[&old.operator, &new.operator]).await,
        E::PriceAboveCap,
    );
}

#[tokio::test]
async fn error_migrate_signed_by_a_key_that_is_not_the_new_operator() {
    let Handoff { mut env, m, old, new, lease, .. } = handoff(120).await;
    let now = env.now().await;
    let impostor = Keypair::new();
    let mut ix = m.migrate_ix(&old, &new, &lease, now);
    ix.accounts[1].pubkey = impostor.pubkey();
    expect_err(env.send(&[ix], &[&old.operator, &impostor]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_migrate_by_a_key_that_is_not_the_old_operator() {
    let Handoff { mut env, m, old, new, lease, c } = handoff(120).await;
    let now = env.now().await;
    // The consumer cannot move the lease on its own: the old operator's word is needed.
    let mut ix = m.migrate_ix(&old, &new, &lease, now);
    ix.accounts[0].pubkey = c.kp.pubkey();
    expect_err(env.send(&[ix], &[&c.kp, &new.operator]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_migrate_to_a_paused_or_understaked_provider() {
    let Handoff { mut env, m, old, new, lease, .. } = handoff(120).await;
    let now = env.now().await;
    Env::ok(env.send(&[m.pause_ix(&new, &new.operator.pubkey())], &[&new.operator]).await);
    expect_err(
        env.send(&[m.migrate_ix(&old, &new, &lease, now)], &[&old.operator, &new.operator]).await,
        E::ProviderNotActive,
    );
    let poor = env.provider(&m, 100, 10).await;
    expect_err(
        env.send(&[m.migrate_ix(&old, &poor, &lease, now)], &[&old.operator, &poor.operator]).await,
        E::InsufficientStake,
    );
}
