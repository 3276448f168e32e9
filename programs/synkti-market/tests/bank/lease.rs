//! open, accept, attest, top up, close, reclaim: the life of a lease and its money.
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{LeaseAccepted, LeaseEnded, UsageAttested};
use synkti_market::instructions::OpenLeaseArgs;
use synkti_market::state::{Lease, LeaseOutcome, LeaseStatus, Provider};

use crate::env::{anchor_errors, events, expect_anchor_err, expect_err, Env};
use crate::fixtures::*;

const PRICE: u64 = 100;
const DEPOSIT: u64 = 1_000_000;

struct World {
    env: Env,
    m: MarketFx,
    p: ProviderFx,
    c: ConsumerFx,
}

async fn world() -> World {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, PRICE, 1_000_000).await;
    let c = env.consumer(&m, 5_000_000).await;
    World { env, m, p, c }
}

fn args(nonce: u64, cap: u64, deposit: u64) -> OpenLeaseArgs {
    OpenLeaseArgs { nonce, job_spec_hash: [3; 32], max_price_per_second: cap, deposit }
}

#[tokio::test]
async fn open_lease_stores_terms_at_the_providers_price() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 42, DEPOSIT).await;
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.consumer, l.provider, l.nonce, l.price_per_second), (c.kp.pubkey(), p.key, 42, PRICE));
    assert_eq!((l.deposited, l.status, l.escrow), (DEPOSIT, LeaseStatus::Open, lease.escrow));
    assert_eq!(env.balance(&c.token).await, 5_000_000 - DEPOSIT);
}

#[tokio::test]
async fn error_open_lease_price_above_cap() {
    let World { mut env, m, p, c } = world().await;
    expect_err(env.try_open_lease(&m, &c, &p.key, args(1, PRICE - 1, DEPOSIT)).await, E::PriceAboveCap);
}

#[tokio::test]
async fn error_open_lease_on_a_paused_provider() {
    let World { mut env, m, p, c } = world().await;
    Env::ok(env.send(&[m.pause_ix(&p, &p.operator.pubkey())], &[&p.operator]).await);
    expect_err(env.try_open_lease(&m, &c, &p.key, args(1, PRICE, DEPOSIT)).await, E::ProviderNotActive);
}

#[tokio::test]
async fn error_open_lease_on_an_understaked_provider() {
    let World { mut env, m, c, .. } = world().await;
    let poor = env.provider(&m, PRICE, 999_999).await;
    expect_err(env.try_open_lease(&m, &c, &poor.key, args(1, PRICE, DEPOSIT)).await, E::InsufficientStake);
}

#[tokio::test]
async fn error_open_lease_without_deposit() {
    let World { mut env, m, p, c } = world().await;
    expect_err(env.try_open_lease(&m, &c, &p.key, args(1, PRICE, 0)).await, E::ZeroAmount);
}

#[tokio::test]
async fn error_open_lease_paying_in_the_wrong_mint() {
    let World { mut env, m, p, c } = world().await;
    let wrong = env.token_account(&m.stake_mint, &c.kp.pubkey(), DEPOSIT).await;
    let mut ix = m.open_lease_ix(&c, &p.key, args(1, PRICE, DEPOSIT));
    ix.accounts[6].pubkey = wrong;
    expect_err(env.send(&[ix], &[&c.kp]).await, E::WrongMint);
}

#[tokio::test]
async fn error_open_lease_with_a_provider_of_another_market() {
    let World { mut env, m, c, .. } = world().await;
    let other = env.market().await;
    let stranger = env.provider(&other, PRICE, 1_000_000).await;
    expect_err(env.try_open_lease(&m, &c, &stranger.key, args(1, PRICE, DEPOSIT)).await, E::WrongMarket);
}

#[tokio::test]
async fn error_open_lease_at_a_foreign_pda() {
    let World { mut env, m, p, c } = world().await;
    let mut ix = m.open_lease_ix(&c, &p.key, args(1, PRICE, DEPOSIT));
    ix.accounts[3].pubkey = lease_pda(&c.kp.pubkey(), 2); // seeds say nonce 1
    expect_anchor_err(env.send(&[ix], &[&c.kp]).await, anchor_errors::CONSTRAINT_SEEDS);
}

#[tokio::test]
async fn accept_lease_starts_billing_and_counts_an_open_lease() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(500).await; // waiting time is free
    let logs = Env::ok(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
    let now = env.now().await;
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.status, l.accepted_at, l.settled_until), (LeaseStatus::Active, now, now));
    assert_eq!(env.account::<Provider>(&p.key).await.open_leases, 1);
    assert_eq!(events::<LeaseAccepted>(&logs)[0].accepted_at, now);
}

#[tokio::test]
async fn error_accept_by_another_operator() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    let intruder = Keypair::new();
    expect_err(env.send(&[m.accept_ix(&p, &lease, &intruder.pubkey())], &[&intruder]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_accept_twice() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    expect_err(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await, E::LeaseNotOpen);
}

#[tokio::test]
async fn error_accept_a_lease_meant_for_another_provider() {
    let World { mut env, m, p, c } = world().await;
    let q = env.provider(&m, PRICE, 1_000_000).await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    expect_err(env.send(&[m.accept_ix(&q, &lease, &q.operator.pubkey())], &[&q.operator]).await, E::WrongProvider);
}

#[tokio::test]
async fn attest_usage_pays_seconds_times_price_minus_fee_to_the_base_unit() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    let start = env.now().await;
    env.warp(61).await;
    let logs = Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), start + 61)], &[&p.operator]).await);
    // 61 s × 100 = 6_100 gross; fee 2.5 % = 152 (rounded down); provider 5_948.
    assert_eq!(env.balance(&p.payout).await, 5_948);
    assert_eq!(env.balance(&m.fee_vault).await, 152);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT - 6_100);
    let ev = &events::<UsageAttested>(&logs)[0];
    assert_eq!((ev.seconds, ev.payout, ev.fee, ev.from, ev.until), (61, 5_948, 152, start, start + 61));
    let rep = env.account::<Provider>(&p.key).await.reputation;
    assert_eq!((rep.seconds_served, rep.earned), (61, 5_948));
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.settled_until, l.paid_to_providers, l.fees_paid), (start + 61, 5_948, 152));
}

#[tokio::test]
async fn error_attest_in_the_future() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    let now = env.now().await;
    expect_err(
        env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now + 1)], &[&p.operator]).await,
        E::AttestationInFuture,
    );
}

#[tokio::test]
async fn error_attest_the_same_period_twice() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(30).await;
    let until = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), until)], &[&p.operator]).await);
    let paid = env.balance(&p.payout).await;
    env.warp(30).await;
    expect_err(
        env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), until)], &[&p.operator]).await,
        E::AttestationNotAfterLast,
    );
    expect_err(
        env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), until - 10)], &[&p.operator]).await,
        E::AttestationNotAfterLast,
    );
    assert_eq!(env.balance(&p.payout).await, paid);
}

#[tokio::test]
async fn error_attest_beyond_the_deposit() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, 5_000).await; // covers 50 s
    let start = env.now().await;
    env.warp(51).await;
    expect_err(
        env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), start + 51)], &[&p.operator]).await,
        E::AttestationExceedsDeposit,
    );
    Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), start + 50)], &[&p.operator]).await);
    assert_eq!(env.balance(&lease.escrow).await, 0);
}

#[tokio::test]
async fn error_attest_by_a_stranger() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    let stranger = Keypair::new();
    expect_err(env.send(&[m.attest_ix(&p, &lease, &stranger.pubkey(), now)], &[&stranger]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_attest_paying_into_another_account() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    let mine = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    let mut ix = m.attest_ix(&p, &lease, &p.operator.pubkey(), now);
    ix.accounts[5].pubkey = mine;
    expect_err(env.send(&[ix], &[&p.operator]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn error_attest_draining_another_leases_escrow() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    let other = env.active_lease(&m, &c, &p, 2, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    let mut ix = m.attest_ix(&p, &lease, &p.operator.pubkey(), now);
    ix.accounts[4].pubkey = other.escrow;
    expect_err(env.send(&[ix], &[&p.operator]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn error_attest_fee_into_a_vault_that_is_not_the_markets() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    let pocket = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    let mut ix = m.attest_ix(&p, &lease, &p.operator.pubkey(), now);
    ix.accounts[6].pubkey = pocket;
    expect_err(env.send(&[ix], &[&p.operator]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn error_attest_before_acceptance() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    expect_err(
        env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now)], &[&p.operator]).await,
        E::LeaseNotActive,
    );
}

#[tokio::test]
async fn top_up_adds_to_escrow_and_deposit() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    Env::ok(env.send(&[m.top_up_ix(&c, &lease, &c.token, 2_500)], &[&c.kp]).await);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT + 2_500);
    assert_eq!(env.account::<Lease>(&lease.key).await.deposited, DEPOSIT + 2_500);
}

#[tokio::test]
async fn error_top_up_zero_or_by_someone_else() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    expect_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 0)], &[&c.kp]).await, E::ZeroAmount);
    let other = env.consumer(&m, 10_000).await;
    let mut ix = m.top_up_ix(&other, &lease, &other.token, 10);
    ix.accounts[1].pubkey = lease.key;
    expect_err(env.send(&[ix], &[&other.kp]).await, E::Unauthorized);
}

#[tokio::test]
async fn close_by_consumer_settles_refunds_and_returns_rent() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(120).await;
    let lamports_before = env.lamports(&c.kp.pubkey()).await;
    let rent = env.lamports(&lease.key).await + env.lamports(&lease.escrow).await;
    let logs = Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    // 120 s × 100 = 12_000 gross: 300 fee, 11_700 to the provider, 988_000 back.
    assert_eq!(env.balance(&p.payout).await, 11_700);
    assert_eq!(env.balance(&m.fee_vault).await, 300);
    assert_eq!(env.balance(&c.token).await, 5_000_000 - 12_000);
    assert!(!env.exists(&lease.key).await && !env.exists(&lease.escrow).await);
    // The context payer pays the fee, so the consumer gains exactly both accounts' rent.
    assert_eq!(env.lamports(&c.kp.pubkey()).await, lamports_before + rent);
    let ev = &events::<LeaseEnded>(&logs)[0];
    assert_eq!((ev.outcome, ev.payout, ev.fee, ev.refund), (LeaseOutcome::Completed, 11_700, 300, 988_000));
    let pr = env.account::<Provider>(&p.key).await;
    assert_eq!((pr.open_leases, pr.reputation.leases_completed), (0, 1));
}

#[tokio::test]
async fn close_pays_no_more_than_the_attestation_gap_since_last_activity() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(5_000).await; // silent far longer than the 600 s gap
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
    assert_eq!(env.balance(&p.payout).await + env.balance(&m.fee_vault).await, 600 * PRICE);
}

#[tokio::test]
async fn close_before_acceptance_cancels_with_a_full_refund() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    let logs = Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    assert_eq!(env.balance(&c.token).await, 5_000_000);
    assert_eq!(events::<LeaseEnded>(&logs)[0].outcome, LeaseOutcome::Cancelled);
    assert_eq!(env.account::<Provider>(&p.key).await.open_leases, 0);
}

#[tokio::test]
async fn error_close_by_a_stranger() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    let stranger = Keypair::new();
    expect_err(env.send(&[m.close_ix(&c, &p, &lease, &stranger.pubkey())], &[&stranger]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_close_refunding_someone_elses_account() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    let thief = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    let mut ix = m.close_ix(&c, &p, &lease, &p.operator.pubkey());
    ix.accounts[6].pubkey = thief;
    expect_err(env.send(&[ix], &[&p.operator]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn error_any_action_on_a_closed_lease() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(10).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    let now = env.now().await;
    // A closed lease no longer exists: Anchor refuses it before any handler runs.
    let closed = anchor_errors::ACCOUNT_NOT_INITIALIZED;
    expect_anchor_err(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await, closed);
    expect_anchor_err(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now)], &[&p.operator]).await, closed);
    expect_anchor_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 1)], &[&c.kp]).await, closed);
    expect_anchor_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, closed);
}

#[tokio::test]
async fn reclaim_a_stalled_lease_refunds_everything_and_marks_the_provider() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(601).await;
    let logs = Env::ok(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await);
    assert_eq!(env.balance(&c.token).await, 5_000_000);
    assert_eq!(env.balance(&p.payout).await, 0);
    assert!(!env.exists(&lease.key).await);
    assert_eq!(events::<LeaseEnded>(&logs)[0].outcome, LeaseOutcome::Reclaimed);
    let pr = env.account::<Provider>(&p.key).await;
    assert_eq!((pr.open_leases, pr.reputation.leases_failed), (0, 1));
}

#[tokio::test]
async fn error_reclaim_before_the_gap() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(600).await;
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseNotStalled);
}

#[tokio::test]
async fn error_reclaim_by_someone_else() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(601).await;
    let other = env.consumer(&m, 0).await;
    let mut ix = m.reclaim_ix(&other, &p, &lease);
    ix.accounts[3].pubkey = lease.key;
    expect_err(env.send(&[ix], &[&other.kp]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_reclaim_an_open_lease() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    env.warp(601).await;
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseNotActive);
}

#[tokio::test]
async fn error_attest_with_a_forged_lease_of_another_account_type() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 1, DEPOSIT).await;
    let q = env.provider(&m, PRICE, 1_000_000).await;
    env.warp(10).await;
    let now = env.now().await;
    let mut ix = m.attest_ix(&p, &lease, &p.operator.pubkey(), now);
    ix.accounts[3].pubkey = q.key; // a Provider account where the Lease belongs
    expect_anchor_err(env.send(&[ix], &[&p.operator]).await, anchor_errors::ACCOUNT_DISCRIMINATOR_MISMATCH);
}

#[tokio::test]
async fn error_accept_with_a_market_owned_by_another_program() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, 1, DEPOSIT).await;
    let mut ix = m.accept_ix(&p, &lease, &p.operator.pubkey());
    ix.accounts[1].pubkey = m.mint; // an SPL Token account posing as the market
    expect_anchor_err(env.send(&[ix], &[&p.operator]).await, anchor_errors::ACCOUNT_OWNED_BY_WRONG_PROGRAM);
}
