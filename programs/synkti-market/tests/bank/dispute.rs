//! open_dispute, resolve_dispute, expire_dispute: the frozen lease and its two endings.
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{DisputeOpened, LeaseEnded};
use synkti_market::instructions::Verdict;
use synkti_market::state::{Lease, LeaseOutcome, LeaseStatus, Provider};

use crate::env::{events, expect_err, Env};
use crate::fixtures::*;

const STAKE: u64 = 2_000_000;

struct Disputed {
    env: Env,
    m: MarketFx,
    p: ProviderFx,
    c: ConsumerFx,
    lease: LeaseFx,
}

/// Active lease at 100/s with a 1_000_000 deposit; 100 s attested, then 50 s more, then disputed.
async fn disputed() -> Disputed {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 100, STAKE).await;
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.active_lease(&m, &c, &p, 1, 1_000_000).await;
    env.warp(100).await;
    let until = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), until)], &[&p.operator]).await);
    env.warp(50).await;
    let logs = Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    let ev = &events::<DisputeOpened>(&logs)[0];
    assert_eq!(ev.frozen, 1_000_000 - 10_000);
    Disputed { env, m, p, c, lease }
}

#[tokio::test]
async fn open_dispute_freezes_every_settlement_path() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    assert!(matches!(env.account::<Lease>(&lease.key).await.status, LeaseStatus::Disputed { .. }));
    let now = env.now().await;
    expect_err(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now)], &[&p.operator]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 5)], &[&c.kp]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, E::LeaseDisputed);
    let q = env.provider(&m, 100, STAKE).await;
    expect_err(env.send(&[m.migrate_ix(&p, &q, &lease, now)], &[&p.operator, &q.operator]).await, E::LeaseDisputed);
    env.warp(10_000).await;
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseDisputed);
}

#[tokio::test]
async fn error_dispute_after_the_window() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 100, STAKE).await;
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.active_lease(&m, &c, &p, 1, 1_000_000).await;
    env.warp(3_601).await;
    expect_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, E::DisputeWindowClosed);
}

#[tokio::test]
async fn error_dispute_by_someone_else_or_before_acceptance() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 100, STAKE).await;
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.open_lease(&m, &c, &p, 1, 1_000).await;
    expect_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, E::LeaseNotActive);
    let other = env.consumer(&m, 0).await;
    let mut ix = m.dispute_ix(&other, &lease);
    ix.accounts[2].pubkey = lease.key;
    expect_err(env.send(&[ix], &[&other.kp]).await, E::Unauthorized);
}

#[tokio::test]
async fn resolve_refund_returns_escrow_and_slashes_stake_to_the_consumer() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let logs =
        Env::ok(env.send(&[m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund)], &[&m.arbiter]).await);
    assert_eq!(env.balance(&c.token).await, 1_000_000 - 10_000);
    assert_eq!(env.balance(&c.stake_token).await, STAKE / 2);
    assert_eq!(env.balance(&p.stake_vault).await, STAKE / 2);
    assert!(!env.exists(&lease.key).await);
    let ev = &events::<LeaseEnded>(&logs)[0];
    assert_eq!(
        (ev.outcome, ev.slashed, ev.refund, ev.by),
        (LeaseOutcome::Refunded, STAKE / 2, 990_000, m.arbiter.pubkey())
    );
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.staked, pr.open_leases), (STAKE / 2, 0));
    assert_eq!((pr.reputation.disputes_lost, pr.reputation.leases_failed), (1, 1));
}

#[tokio::test]
async fn resolve_release_pays_the_provider_up_to_the_dispute() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    env.warp(500).await; // time after the dispute is not billable
    Env::ok(env.send(&[m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Release)], &[&m.arbiter]).await);
    // 100 s attested earlier (9_750 net) + 50 s to the dispute (5_000 gross: 4_875 net).
    assert_eq!(env.balance(&p.payout).await, 9_750 + 4_875);
    assert_eq!(env.balance(&c.token).await, 1_000_000 - 15_000);
    assert_eq!(env.balance(&c.stake_token).await, 0);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.reputation.disputes_won, pr.reputation.leases_completed, pr.staked), (1, 1, STAKE));
}

#[tokio::test]
async fn error_resolve_by_anyone_but_the_arbiter() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let judge = Keypair::new();
    expect_err(
        env.send(&[m.resolve_ix(&judge.pubkey(), &c, &p, &lease, Verdict::Refund)], &[&judge]).await,
        E::Unauthorized,
    );
    expect_err(
        env.send(&[m.resolve_ix(&p.authority.pubkey(), &c, &p, &lease, Verdict::Release)], &[&p.authority]).await,
        E::Unauthorized,
    );
}

#[tokio::test]
async fn error_resolve_a_lease_that_is_not_disputed() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 100, STAKE).await;
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.active_lease(&m, &c, &p, 1, 1_000).await;
    expect_err(
        env.send(&[m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund)], &[&m.arbiter]).await,
        E::LeaseNotDisputed,
    );
    expect_err(env.send(&[m.expire_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await, E::LeaseNotDisputed);
}

#[tokio::test]
async fn error_resolve_slashing_into_an_account_of_the_wrong_mint() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let payment_mint_account = env.token_account(&m.mint, &c.kp.pubkey(), 0).await;
    let mut ix = m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund);
    ix.accounts[11].pubkey = payment_mint_account; // payment mint where the stake mint belongs
    expect_err(env.send(&[ix], &[&m.arbiter]).await, E::WrongMint);
}

#[tokio::test]
async fn expire_dispute_after_the_window_releases_to_the_provider() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    env.warp(3_601).await;
    let anyone = Keypair::new();
    let logs = Env::ok(env.send(&[m.expire_ix(&anyone.pubkey(), &c, &p, &lease)], &[&anyone]).await);
    assert_eq!(env.balance(&p.payout).await, 9_750 + 4_875);
    assert_eq!(events::<LeaseEnded>(&logs)[0].outcome, LeaseOutcome::Released);
    assert!(!env.exists(&lease.escrow).await);
}

#[tokio::test]
async fn error_expire_dispute_within_the_window() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    env.warp(3_600).await;
    expect_err(env.send(&[m.expire_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await, E::DisputeWindowOpen);
}
