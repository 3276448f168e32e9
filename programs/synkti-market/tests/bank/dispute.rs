//! open_dispute (with its bond), add_evidence, resolve_dispute, expire_dispute: the stopped
//! lease and its two endings, and the attacks on them.
use anchor_spl::token::spl_token;
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{DisputeOpened, EvidenceAdded, LeaseEnded};
use synkti_market::instructions::{MarketUpdate, Verdict};
use synkti_market::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};

use crate::env::{events, expect_err, Env};
use crate::fixtures::*;

const STAKE: u64 = 2_000_000;
const FUNDS: u64 = 2_000_000;
const DEPOSIT: u64 = 1_000_000;
const BOND: u64 = 100_000;

struct Disputed {
    env: Env,
    m: MarketFx,
    p: ProviderFx,
    c: ConsumerFx,
    lease: LeaseFx,
}

async fn parties() -> (Env, MarketFx, ProviderFx, ConsumerFx) {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 100, STAKE).await;
    let c = env.consumer(&m, FUNDS).await;
    (env, m, p, c)
}

/// Active lease at 100/s with a 1_000_000 deposit; 100 s self-attested (held), then 50 s more,
/// then disputed with the 100_000 bond.
async fn disputed() -> Disputed {
    let (mut env, m, p, c) = parties().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(100).await;
    let until = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), until)], &[&p.operator]).await);
    env.warp(50).await;
    let logs = Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    let ev = &events::<DisputeOpened>(&logs)[0];
    assert_eq!((ev.frozen, ev.bond, ev.ended_at, ev.evidence_hash), (DEPOSIT - 10_000, BOND, None, [7; 32]));
    Disputed { env, m, p, c, lease }
}

async fn resolve(
    env: &mut Env,
    m: &MarketFx,
    c: &ConsumerFx,
    p: &ProviderFx,
    lease: &LeaseFx,
    v: Verdict,
) -> LeaseEnded {
    let logs = Env::ok(env.send(&[m.resolve_ix(&m.arbiter.pubkey(), c, p, lease, v)], &[&m.arbiter]).await);
    events::<LeaseEnded>(&logs).remove(0)
}

#[tokio::test]
async fn open_dispute_posts_the_bond_and_stops_every_settlement_path() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let l: Lease = env.account(&lease.key).await;
    assert!(matches!(l.status, LeaseStatus::Disputed { ended_at: None, .. }));
    assert_eq!((l.bond, l.consumer_evidence), (BOND, [7; 32]));
    assert_eq!(env.balance(&c.token).await, FUNDS - DEPOSIT - BOND);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT - 10_000 + BOND);
    let now = env.now().await;
    expect_err(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now)], &[&p.operator]).await, E::LeaseDisputed);
    expect_err(env.send(&m.attest_receipt_ixs(&c, &p, &lease, now - 50, now), &[&p.operator]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 5)], &[&c.kp]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, E::LeaseDisputed);
    expect_err(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await, E::LeaseNotEnded);
    let q = env.provider(&m, 100, STAKE).await;
    expect_err(env.send(&[m.migrate_ix(&p, &q, &lease, now)], &[&p.operator, &q.operator]).await, E::LeaseDisputed);
    env.warp(10_000).await;
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseDisputed);
}

#[tokio::test]
async fn dispute_an_ended_lease_within_the_window_only() {
    let (mut env, m, p, c) = parties().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(100).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    let closed_at = env.now().await;
    env.warp(3_600).await;
    let logs = Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    assert_eq!(events::<DisputeOpened>(&logs)[0].ended_at, Some(closed_at));
    assert_eq!(env.balance(&lease.escrow).await, BOND);

    let late = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(100).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &late, &c.kp.pubkey())], &[&c.kp]).await);
    env.warp(3_601).await;
    expect_err(env.send(&[m.dispute_ix(&c, &late)], &[&c.kp]).await, E::DisputeWindowClosed);
}

#[tokio::test]
async fn error_dispute_by_someone_else_before_acceptance_or_after_a_reclaim_or_cancel() {
    let (mut env, m, p, c) = parties().await;
    let open = env.open_lease(&m, &c, &p, DEPOSIT).await;
    expect_err(env.send(&[m.dispute_ix(&c, &open)], &[&c.kp]).await, E::LeaseNotActive);
    let other = env.consumer(&m, FUNDS).await;
    expect_err(env.send(&[m.dispute_ix(&other, &open)], &[&other.kp]).await, E::Unauthorized);
    Env::ok(env.send(&[m.close_ix(&c, &p, &open, &c.kp.pubkey())], &[&c.kp]).await);
    expect_err(env.send(&[m.dispute_ix(&c, &open)], &[&c.kp]).await, E::LeaseNotActive);
    let stalled = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(601).await;
    Env::ok(env.send(&[m.reclaim_ix(&c, &p, &stalled)], &[&c.kp]).await);
    expect_err(env.send(&[m.dispute_ix(&c, &stalled)], &[&c.kp]).await, E::LeaseNotActive);
}

#[tokio::test]
async fn resolve_refund_claws_back_held_pay_returns_escrow_and_bond_and_slashes_to_the_treasury() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let ev = resolve(&mut env, &m, &c, &p, &lease, Verdict::Refund).await;
    // The held 10_000 comes back, so the consumer lost nothing: the whole slash (2 × 10_000)
    // goes to the slash vault.
    assert_eq!(
        (ev.outcome, ev.clawed_back, ev.slashed, ev.slash_to_consumer, ev.bond, ev.refund, ev.by),
        (LeaseOutcome::Refunded, 10_000, 20_000, 0, BOND, DEPOSIT - 10_000 + BOND, m.arbiter.pubkey())
    );
    assert_eq!(env.balance(&c.token).await, FUNDS);
    assert_eq!(env.balance(&c.stake_token).await, 0);
    assert_eq!(env.balance(&m.slash_vault).await, 20_000);
    assert_eq!(env.balance(&p.stake_vault).await, STAKE - 20_000);
    assert_eq!((env.balance(&p.earnings_vault).await, env.balance(&lease.escrow).await), (0, 0));
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.staked, pr.open_leases, pr.lease_records, pr.held_total()), (STAKE - 20_000, 0, 1, 0));
    assert_eq!((pr.reputation.disputes_lost, pr.reputation.leases_failed, pr.reputation.earned), (1, 1, 0));
    assert!(matches!(
        env.account::<Lease>(&lease.key).await.status,
        LeaseStatus::Ended { outcome: LeaseOutcome::Refunded, .. }
    ));
}

/// Receipt-backed pay is final: a Refund cannot claw it back, and the consumer is made whole
/// from the slash, for what it lost and no more.
#[tokio::test]
async fn refund_of_receipt_paid_service_makes_the_consumer_whole_and_no_more() {
    let (mut env, m, p, c) = parties().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let start = env.now().await;
    env.warp(100).await;
    Env::ok(env.send(&m.attest_receipt_ixs(&c, &p, &lease, start, start + 100), &[&p.operator]).await);
    Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    let ev = resolve(&mut env, &m, &c, &p, &lease, Verdict::Refund).await;
    assert_eq!((ev.clawed_back, ev.slashed, ev.slash_to_consumer), (0, 20_000, 10_000));
    assert_eq!(env.balance(&p.payout).await, 9_750);
    assert_eq!(env.balance(&c.token).await, FUNDS - 10_000);
    assert_eq!(env.balance(&c.stake_token).await, 10_000);
    assert_eq!(env.balance(&m.slash_vault).await, 10_000);
    assert_eq!(env.balance(&p.stake_vault).await, STAKE - 20_000);
}

#[tokio::test]
async fn resolve_release_pays_the_provider_up_to_the_dispute_and_the_bond() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    env.warp(500).await; // time after the dispute is not billable
    let ev = resolve(&mut env, &m, &c, &p, &lease, Verdict::Release).await;
    // 100 s held earlier + 50 s to the dispute (5_000 gross: 125 fee, 4_875), held as well.
    assert_eq!((ev.outcome, ev.seconds, ev.payout, ev.fee), (LeaseOutcome::Released, 50, 4_875, 125));
    assert_eq!((ev.refund, ev.bond), (DEPOSIT - 15_000, BOND));
    assert_eq!(env.balance(&p.earnings_vault).await, 15_000);
    assert_eq!(env.balance(&p.payout).await, BOND);
    assert_eq!(env.balance(&c.token).await, FUNDS - 15_000 - BOND);
    assert_eq!(env.balance(&c.stake_token).await, 0);
    assert_eq!(env.balance(&lease.escrow).await, 0);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.reputation.disputes_won, pr.reputation.leases_completed, pr.staked), (1, 1, STAKE));
    assert_eq!((pr.open_leases, pr.lease_records), (0, 1));
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
    expect_err(
        env.send(&[m.resolve_ix(&m.creator.pubkey(), &c, &p, &lease, Verdict::Refund)], &[&m.creator]).await,
        E::Unauthorized,
    );
}

#[tokio::test]
async fn error_resolve_or_expire_a_lease_that_is_not_disputed() {
    let (mut env, m, p, c) = parties().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    expect_err(
        env.send(&[m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund)], &[&m.arbiter]).await,
        E::LeaseNotDisputed,
    );
    expect_err(env.send(&[m.expire_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await, E::LeaseNotDisputed);
}

#[tokio::test]
async fn error_resolve_slashing_into_an_account_of_the_wrong_mint_or_owner() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let payment_mint_account = env.token_account(&m.mint, &c.kp.pubkey(), 0).await;
    let mut ix = m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund);
    ix.accounts[11].pubkey = payment_mint_account; // payment mint where the stake mint belongs
    expect_err(env.send(&[ix], &[&m.arbiter]).await, E::WrongMint);
    let arbiters_own = env.token_account(&m.stake_mint, &m.arbiter.pubkey(), 0).await;
    let mut ix = m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund);
    ix.accounts[11].pubkey = arbiters_own;
    expect_err(env.send(&[ix], &[&m.arbiter]).await, E::WrongTokenAccount);
    let mut ix = m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund);
    ix.accounts[13].pubkey = arbiters_own; // the treasury's share into the arbiter's pocket
    expect_err(env.send(&[ix], &[&m.arbiter]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn error_expire_dispute_within_the_window() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    env.warp(3_600).await;
    expect_err(env.send(&[m.expire_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await, E::DisputeWindowOpen);
}

/// Attack "free compute through a dispute": the consumer disputes right after being served,
/// then lets the window pass. Anyone expires it: the provider is paid up to the dispute and
/// takes the bond; the consumer's bond is gone and it bought nothing.
#[tokio::test]
async fn error_free_compute_through_a_dispute_costs_the_bond() {
    let (mut env, m, p, c) = parties().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(30).await;
    Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    env.warp(3_601).await;
    let anyone = Keypair::new();
    let logs = Env::ok(env.send(&[m.expire_ix(&anyone.pubkey(), &c, &p, &lease)], &[&anyone]).await);
    let ev = &events::<LeaseEnded>(&logs)[0];
    assert_eq!((ev.outcome, ev.seconds, ev.bond, ev.by), (LeaseOutcome::Released, 30, BOND, anyone.pubkey()));
    assert_eq!(env.balance(&p.earnings_vault).await, 3_000);
    assert_eq!(env.balance(&p.payout).await, BOND);
    assert_eq!(env.balance(&c.token).await, FUNDS - 3_000 - BOND);
    assert_eq!(env.balance(&lease.escrow).await, 0);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.reputation.disputes_won, pr.staked), (1, STAKE));
}

/// Attack "arbiter plus a sybil consumer": the sybil opens minimal funded leases and disputes
/// at once; the arbiter refunds every time. The stake loses at most slash_multiple × what the
/// lease paid (nothing when nothing was paid), the sybil never ends with more than it put in,
/// the rest of the slash goes to the treasury, and every dispute ties up the bond meanwhile.
#[tokio::test]
async fn error_arbiter_plus_sybil_consumer_gains_nothing() {
    let (mut env, m, p, _) = parties().await;
    let sybil = env.consumer(&m, FUNDS).await;
    let minimal = 100 * 600;
    // 1. Disputed at once: nothing paid, nothing slashed.
    let lease = env.active_lease(&m, &sybil, &p, minimal).await;
    Env::ok(env.send(&[m.dispute_ix(&sybil, &lease)], &[&sybil.kp]).await);
    assert_eq!(env.balance(&sybil.token).await, FUNDS - minimal - BOND);
    let ev = resolve(&mut env, &m, &sybil, &p, &lease, Verdict::Refund).await;
    assert_eq!((ev.slashed, ev.slash_to_consumer), (0, 0));
    assert_eq!((env.balance(&sybil.token).await, env.balance(&sybil.stake_token).await), (FUNDS, 0));
    assert_eq!(env.balance(&p.stake_vault).await, STAKE);
    // 2. The provider self-attested 100 s, held: clawed back, so the sybil lost nothing and the
    // slash (2 × 10_000) goes to the slash vault.
    let lease = env.active_lease(&m, &sybil, &p, minimal).await;
    env.warp(100).await;
    let now = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now)], &[&p.operator]).await);
    Env::ok(env.send(&[m.dispute_ix(&sybil, &lease)], &[&sybil.kp]).await);
    let ev = resolve(&mut env, &m, &sybil, &p, &lease, Verdict::Refund).await;
    assert_eq!((ev.clawed_back, ev.slashed, ev.slash_to_consumer), (10_000, 20_000, 0));
    assert_eq!((env.balance(&sybil.token).await, env.balance(&sybil.stake_token).await), (FUNDS, 0));
    assert_eq!(env.balance(&m.slash_vault).await, 20_000);
    assert_eq!(env.balance(&p.stake_vault).await, STAKE - 20_000);
    // 3. Receipt-paid 100 s: final, so the sybil's share of the slash is exactly what it paid.
    let lease = env.active_lease(&m, &sybil, &p, minimal).await;
    let start = env.now().await;
    env.warp(100).await;
    Env::ok(env.send(&m.attest_receipt_ixs(&sybil, &p, &lease, start, start + 100), &[&p.operator]).await);
    Env::ok(env.send(&[m.dispute_ix(&sybil, &lease)], &[&sybil.kp]).await);
    let ev = resolve(&mut env, &m, &sybil, &p, &lease, Verdict::Refund).await;
    assert_eq!((ev.clawed_back, ev.slashed, ev.slash_to_consumer), (0, 20_000, 10_000));
    let sybil_total = env.balance(&sybil.token).await + env.balance(&sybil.stake_token).await;
    assert_eq!(sybil_total, FUNDS); // lost 10_000 to the provider, got 10_000 of stake
    assert_eq!(env.balance(&m.slash_vault).await, 30_000);
    assert_eq!(env.balance(&p.stake_vault).await, STAKE - 40_000);
    assert_eq!(env.account::<Provider>(&p.key).await.staked, STAKE - 40_000);
}

/// Attack "arbiter plus a sybil consumer", governance side: a rotated arbiter cannot judge a
/// lease opened before the rotation; the arbiter it snapshotted still can.
#[tokio::test]
async fn error_rotated_arbiter_cannot_judge_leases_opened_before() {
    let (mut env, m, p, c) = parties().await;
    let before = env.active_lease(&m, &c, &p, 100_000).await;
    let new_arbiter = Keypair::new();
    let update = MarketUpdate { arbiter: Some(new_arbiter.pubkey()), treasury: None, authority: None };
    Env::ok(env.send(&[m.update_market_ix(&m.creator.pubkey(), update)], &[&m.creator]).await);
    env.warp(3_600).await;
    Env::ok(env.send(&[m.apply_update_ix()], &[]).await);
    assert_eq!(env.account::<Market>(&m.key).await.arbiter, new_arbiter.pubkey());
    let after = env.active_lease(&m, &c, &p, 100_000).await;
    assert_eq!(env.account::<Lease>(&after.key).await.arbiter, new_arbiter.pubkey());
    for lease in [&before, &after] {
        Env::ok(env.send(&[m.dispute_ix(&c, lease)], &[&c.kp]).await);
    }
    let judge = |arbiter: &Keypair, lease: &LeaseFx| m.resolve_ix(&arbiter.pubkey(), &c, &p, lease, Verdict::Release);
    expect_err(env.send(&[judge(&new_arbiter, &before)], &[&new_arbiter]).await, E::Unauthorized);
    expect_err(env.send(&[judge(&m.arbiter, &after)], &[&m.arbiter]).await, E::Unauthorized);
    Env::ok(env.send(&[judge(&m.arbiter, &before)], &[&m.arbiter]).await);
    Env::ok(env.send(&[judge(&new_arbiter, &after)], &[&new_arbiter]).await);
}

/// Attack "endings held hostage": the provider closes its payout account. Attestations with
/// receipts, close, Release and expiry all still succeed; what would have gone to the payout is
/// credited as unclaimed in the earnings vault, and claimed later to a new account.
#[tokio::test]
async fn error_endings_held_hostage_by_a_closed_payout_account() {
    let (mut env, m, p, c) = parties().await;
    let close = spl_token::instruction::close_account(
        &spl_token::ID,
        &p.payout,
        &p.authority.pubkey(),
        &p.authority.pubkey(),
        &[],
    )
    .unwrap();
    Env::ok(env.send(&[close], &[&p.authority]).await);
    assert!(!env.exists(&p.payout).await);

    // Receipt-backed pay, then close.
    let first = env.active_lease(&m, &c, &p, 100_000).await;
    let start = env.now().await;
    env.warp(10).await;
    Env::ok(env.send(&m.attest_receipt_ixs(&c, &p, &first, start, start + 10), &[&p.operator]).await);
    assert_eq!(env.account::<Provider>(&p.key).await.unclaimed, 975);
    env.warp(10).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &first, &p.operator.pubkey())], &[&p.operator]).await);
    // A Release and an expiry: the bond is credited too.
    let second = env.active_lease(&m, &c, &p, 100_000).await;
    let third = env.active_lease(&m, &c, &p, 100_000).await;
    for lease in [&second, &third] {
        Env::ok(env.send(&[m.dispute_ix(&c, lease)], &[&c.kp]).await);
    }
    Env::ok(env.send(&[m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &second, Verdict::Release)], &[&m.arbiter]).await);
    env.warp(3_601).await;
    Env::ok(env.send(&[m.expire_ix(&c.kp.pubkey(), &c, &p, &third)], &[&c.kp]).await);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!(pr.unclaimed, 975 + 2 * BOND);
    assert_eq!(env.balance(&p.earnings_vault).await, pr.unclaimed + pr.held_total());

    // The authority claims to a new account and moves its payouts there.
    let fresh = env.token_account(&m.mint, &p.authority.pubkey(), 0).await;
    Env::ok(env.send(&[m.claim_ix(&p, &fresh, Some(975 + 2 * BOND))], &[&p.authority]).await);
    assert_eq!(env.balance(&fresh).await, 975 + 2 * BOND);
    let no_change = synkti_market::instructions::UpdateProviderArgs { capabilities: None, price_per_second: None };
    Env::ok(
        env.send(&[m.update_with_payout_ix(&p, &p.authority.pubkey(), no_change, Some(fresh))], &[&p.authority]).await,
    );
    let moved = ProviderFx { payout: fresh, ..p };
    let fourth = env.active_lease(&m, &c, &moved, 100_000).await;
    let start = env.now().await;
    env.warp(10).await;
    Env::ok(env.send(&m.attest_receipt_ixs(&c, &moved, &fourth, start, start + 10), &[&moved.operator]).await);
    assert_eq!(env.balance(&fresh).await, 975 + 2 * BOND + 975);
}

#[tokio::test]
async fn add_evidence_by_either_party_and_not_by_a_stranger() {
    let Disputed { mut env, m, p, c, lease } = disputed().await;
    let logs = Env::ok(env.send(&[m.evidence_ix(&c.kp.pubkey(), &p, &lease, [1; 32])], &[&c.kp]).await);
    assert_eq!(events::<EvidenceAdded>(&logs)[0].by, c.kp.pubkey());
    Env::ok(env.send(&[m.evidence_ix(&p.operator.pubkey(), &p, &lease, [2; 32])], &[&p.operator]).await);
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.consumer_evidence, l.provider_evidence), ([1; 32], [2; 32]));
    Env::ok(env.send(&[m.evidence_ix(&p.authority.pubkey(), &p, &lease, [4; 32])], &[&p.authority]).await);
    assert_eq!(env.account::<Lease>(&lease.key).await.provider_evidence, [4; 32]);
    let stranger = Keypair::new();
    expect_err(
        env.send(&[m.evidence_ix(&stranger.pubkey(), &p, &lease, [3; 32])], &[&stranger]).await,
        E::Unauthorized,
    );
    let q = env.provider(&m, 100, STAKE).await;
    let ix = m.evidence_ix(&q.operator.pubkey(), &q, &lease, [3; 32]);
    expect_err(env.send(&[ix], &[&q.operator]).await, E::WrongProvider);
    let live = env.active_lease(&m, &c, &p, 100_000).await;
    let ix = m.evidence_ix(&c.kp.pubkey(), &p, &live, [1; 32]);
    expect_err(env.send(&[ix], &[&c.kp]).await, E::LeaseNotDisputed);
}

/// A dispute over an ended lease that the arbiter releases: the provider takes the bond, the
/// lease ends Released with nothing more settled, and its completion is not counted twice.
#[tokio::test]
async fn release_of_a_dispute_over_an_ended_lease_pays_only_the_bond() {
    let (mut env, m, p, c) = parties().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(100).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    env.warp(60).await;
    Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    let ev = resolve(&mut env, &m, &c, &p, &lease, Verdict::Release).await;
    assert_eq!((ev.outcome, ev.seconds, ev.refund, ev.bond), (LeaseOutcome::Released, 0, 0, BOND));
    assert_eq!(env.balance(&p.payout).await, BOND);
    assert_eq!(env.balance(&p.earnings_vault).await, 10_000);
    assert_eq!(env.balance(&c.token).await, FUNDS - 10_000 - BOND);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.reputation.leases_completed, pr.reputation.disputes_won, pr.open_leases), (1, 1, 0));
    // Not disputable again; finalized a window after the verdict.
    expect_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, E::LeaseNotActive);
    env.warp(3_601).await;
    Env::ok(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await);
    assert_eq!(env.account::<Provider>(&p.key).await.lease_records, 0);
}
