//! open, accept, attest (self and receipt), top up, close, reclaim, finalize: the life of a
//! lease and its money.
use anchor_lang::solana_program::system_instruction;
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{
    EarningsClaimed, LeaseAccepted, LeaseEnded, LeaseFinalized, LeaseOpened, LeaseToppedUp, UsageAttested,
};
use synkti_market::instructions::{AttestUsageArgs, OpenLeaseArgs};
use synkti_market::receipt::Receipt;
use synkti_market::settlement::vests_at;
use synkti_market::state::{Lease, LeaseOutcome, LeaseStatus, Market, MigrationPolicy, Provider, Tranche};

use crate::env::{anchor_errors, events, expect_anchor_err, expect_err, Env};
use crate::fixtures::*;

const PRICE: u64 = 100;
const DEPOSIT: u64 = 1_000_000;
const FUNDS: u64 = 5_000_000;

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
    let c = env.consumer(&m, FUNDS).await;
    World { env, m, p, c }
}

fn capped(cap: u64, deposit: u64) -> OpenLeaseArgs {
    let mut args = Env::lease_args(deposit);
    args.policy = MigrationPolicy { max_price_per_second: cap, ..args.policy };
    args
}

async fn attest(env: &mut Env, m: &MarketFx, p: &ProviderFx, lease: &LeaseFx, until: i64) -> crate::env::TxResult {
    env.send(&[m.attest_ix(p, lease, &p.operator.pubkey(), until)], &[&p.operator]).await
}

async fn attest_receipt(
    env: &mut Env,
    m: &MarketFx,
    c: &ConsumerFx,
    p: &ProviderFx,
    lease: &LeaseFx,
    from: i64,
    until: i64,
) -> crate::env::TxResult {
    env.send(&m.attest_receipt_ixs(c, p, lease, from, until), &[&p.operator]).await
}

#[tokio::test]
async fn open_lease_stores_terms_at_the_providers_price() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.next_lease(&m).await;
    let logs = Env::ok(env.send(&[m.open_lease_ix(&c, &p.key, &lease, Env::lease_args(DEPOSIT))], &[&c.kp]).await);
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.consumer, l.provider, l.id, l.price_per_second), (c.kp.pubkey(), p.key, 0, PRICE));
    assert_eq!((l.deposited, l.status, l.escrow), (DEPOSIT, LeaseStatus::Open, lease.escrow));
    assert_eq!((l.receipt_signer, l.arbiter, l.policy), (c.kp.pubkey(), m.arbiter.pubkey(), open_policy()));
    assert_eq!(env.balance(&c.token).await, FUNDS - DEPOSIT);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT);
    assert_eq!(env.account::<Market>(&m.key).await.lease_count, 1);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.open_leases, pr.lease_records), (1, 1));
    let ev = &events::<LeaseOpened>(&logs)[0];
    assert_eq!((ev.lease, ev.id, ev.deposit, ev.price_per_second), (lease.key, 0, DEPOSIT, PRICE));
    // A gateway may sign receipts instead of the consumer.
    let gateway = Keypair::new().pubkey();
    let mut args = Env::lease_args(DEPOSIT);
    args.receipt_signer = Some(gateway);
    let second = env.open_lease_with(&m, &c, &p, args).await;
    assert_eq!(second.id, 1);
    assert_eq!(env.account::<Lease>(&second.key).await.receipt_signer, gateway);
}

#[tokio::test]
async fn error_open_lease_price_above_cap() {
    let World { mut env, m, p, c } = world().await;
    expect_err(env.try_open_lease(&m, &c, &p.key, capped(PRICE - 1, DEPOSIT)).await, E::PriceAboveCap);
}

#[tokio::test]
async fn error_open_lease_on_a_paused_provider() {
    let World { mut env, m, p, c } = world().await;
    Env::ok(env.send(&[m.pause_ix(&p, &p.operator.pubkey())], &[&p.operator]).await);
    expect_err(env.try_open_lease(&m, &c, &p.key, Env::lease_args(DEPOSIT)).await, E::ProviderNotActive);
}

#[tokio::test]
async fn error_open_lease_on_an_understaked_provider() {
    let World { mut env, m, c, .. } = world().await;
    let poor = env.provider(&m, PRICE, 999_999).await;
    expect_err(env.try_open_lease(&m, &c, &poor.key, Env::lease_args(DEPOSIT)).await, E::InsufficientStake);
}

#[tokio::test]
async fn error_open_lease_without_deposit() {
    let World { mut env, m, p, c } = world().await;
    expect_err(env.try_open_lease(&m, &c, &p.key, Env::lease_args(0)).await, E::ZeroAmount);
}

/// Attack "unfunded leases": escrow must cover one attestation gap (600 s × 100 = 60_000).
#[tokio::test]
async fn error_unfunded_lease_below_one_interval() {
    let World { mut env, m, p, c } = world().await;
    expect_err(env.try_open_lease(&m, &c, &p.key, Env::lease_args(59_999)).await, E::DepositBelowInterval);
    assert_eq!(env.balance(&c.token).await, FUNDS);
    Env::ok(env.try_open_lease(&m, &c, &p.key, Env::lease_args(60_000)).await);
}

#[tokio::test]
async fn error_open_lease_paying_in_the_wrong_mint() {
    let World { mut env, m, p, c } = world().await;
    let wrong = env.token_account(&m.stake_mint, &c.kp.pubkey(), DEPOSIT).await;
    let lease = env.next_lease(&m).await;
    let mut ix = m.open_lease_ix(&c, &p.key, &lease, Env::lease_args(DEPOSIT));
    ix.accounts[6].pubkey = wrong;
    expect_err(env.send(&[ix], &[&c.kp]).await, E::WrongMint);
}

#[tokio::test]
async fn error_open_lease_with_a_provider_of_another_market() {
    let World { mut env, m, c, .. } = world().await;
    let other = env.market().await;
    let stranger = env.provider(&other, PRICE, 1_000_000).await;
    expect_err(env.try_open_lease(&m, &c, &stranger.key, Env::lease_args(DEPOSIT)).await, E::WrongMarket);
}

/// Attack "reputation for free": a provider cannot lease from itself, by either of its keys.
#[tokio::test]
async fn error_self_dealing_by_the_providers_authority_or_operator() {
    let World { mut env, m, p, .. } = world().await;
    for kp in [&p.authority, &p.operator] {
        let token = env.token_account(&m.mint, &kp.pubkey(), DEPOSIT).await;
        let me = ConsumerFx { kp: kp.insecure_clone(), token, stake_token: token };
        expect_err(env.try_open_lease(&m, &me, &p.key, Env::lease_args(DEPOSIT)).await, E::SelfDealing);
        assert_eq!(env.balance(&token).await, DEPOSIT);
    }
}

/// Attack "lease address reuse": addresses derive from the market's counter, never from a
/// caller's choice; a finalized lease's address is never opened again.
#[tokio::test]
async fn error_lease_address_reuse_is_a_stale_lease_id() {
    let World { mut env, m, p, c } = world().await;
    let first = env.open_lease(&m, &c, &p, DEPOSIT).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &first, &c.kp.pubkey())], &[&c.kp]).await);
    env.warp(1).await;
    Env::ok(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &first)], &[&c.kp]).await);
    assert!(!env.exists(&first.key).await && !env.exists(&first.escrow).await);
    let next = env.next_lease(&m).await;
    assert_eq!(next.id, first.id + 1);
    assert_ne!(next.key, first.key);
    // Opening at the old address (or any address but the next id's) is refused.
    for stale in [first, LeaseFx::new(&m.key, next.id + 1)] {
        let ix = m.open_lease_ix(&c, &p.key, &stale, Env::lease_args(DEPOSIT));
        expect_err(env.send(&[ix], &[&c.kp]).await, E::StaleLeaseId);
    }
    let second = env.open_lease(&m, &c, &p, DEPOSIT).await;
    assert_eq!((second.id, second.key), (next.id, next.key));
}

/// Attack "pre-funded PDAs": lamports sent to the next lease's address and its escrow's
/// cannot block the lease.
#[tokio::test]
async fn pre_funded_lease_and_escrow_addresses_still_open() {
    let World { mut env, m, p, c } = world().await;
    let next = env.next_lease(&m).await;
    env.fund(&next.key, 890_880).await; // the least a system account may hold
    env.fund(&next.escrow, 5 * SOL).await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    assert_eq!(lease.key, next.key);
    assert_eq!(env.account::<Lease>(&lease.key).await.deposited, DEPOSIT);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT);
    Env::ok(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
}

#[tokio::test]
async fn accept_lease_starts_billing() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(500).await; // waiting time is free
    let logs = Env::ok(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
    let now = env.now().await;
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.status, l.accepted_at, l.settled_until), (LeaseStatus::Active, now, now));
    assert_eq!((l.provider_since, l.last_activity_at), (now, now));
    assert_eq!(env.account::<Provider>(&p.key).await.open_leases, 1);
    assert_eq!(events::<LeaseAccepted>(&logs)[0].accepted_at, now);
}

#[tokio::test]
async fn error_accept_by_another_operator() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    let intruder = Keypair::new();
    expect_err(env.send(&[m.accept_ix(&p, &lease, &intruder.pubkey())], &[&intruder]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_accept_twice() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    expect_err(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await, E::LeaseNotOpen);
}

#[tokio::test]
async fn error_accept_a_lease_meant_for_another_provider() {
    let World { mut env, m, p, c } = world().await;
    let q = env.provider(&m, PRICE, 1_000_000).await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    expect_err(env.send(&[m.accept_ix(&q, &lease, &q.operator.pubkey())], &[&q.operator]).await, E::WrongProvider);
}

#[tokio::test]
async fn error_accept_on_a_paused_provider() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    Env::ok(env.send(&[m.pause_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    expect_err(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await, E::ProviderNotActive);
}

#[tokio::test]
async fn self_attested_pay_is_held_then_vests_and_is_claimed() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let start = env.now().await;
    env.warp(61).await;
    let logs = Env::ok(attest(&mut env, &m, &p, &lease, start + 61).await);
    // 61 s × 100 = 6_100 gross; fee 2.5 % = 152.5, rounded up to 153; provider 5_947.
    let vest = vests_at(start + 61, 3_600);
    assert_eq!(env.balance(&p.earnings_vault).await, 6_100);
    assert_eq!((env.balance(&p.payout).await, env.balance(&m.fee_vault).await), (0, 0));
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT - 6_100);
    let ev = &events::<UsageAttested>(&logs)[0];
    assert_eq!((ev.seconds, ev.payout, ev.fee, ev.from, ev.until), (61, 5_947, 153, start, start + 61));
    assert_eq!((ev.verified, ev.vests_at), (false, vest));
    let pr: Provider = env.account(&p.key).await;
    assert_eq!(pr.held[0], Tranche { vests_at: vest, payout: 5_947, fee: 153 });
    assert_eq!((pr.unclaimed, pr.held_total()), (0, 6_100));
    assert_eq!(
        (pr.reputation.seconds_self_attested, pr.reputation.seconds_verified, pr.reputation.earned),
        (61, 0, 5_947)
    );
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.settled_until, l.paid_to_providers, l.fees_paid, l.paid_to_current), (start + 61, 5_947, 153, 6_100));
    assert_eq!(l.held[0], Tranche { vests_at: vest, payout: 5_947, fee: 153 });

    // Nothing is claimable before it vests.
    expect_err(env.send(&[m.claim_ix(&p, &p.payout, Some(1))], &[&p.authority]).await, E::InsufficientUnclaimed);
    let now = env.now().await;
    env.warp(vest - now).await;
    let logs = Env::ok(env.send(&[m.claim_ix(&p, &p.payout, None)], &[&p.authority]).await);
    assert_eq!(env.balance(&p.payout).await, 5_947);
    assert_eq!(env.balance(&m.fee_vault).await, 153);
    assert_eq!(env.balance(&p.earnings_vault).await, 0);
    let ev = &events::<EarningsClaimed>(&logs)[0];
    assert_eq!((ev.amount, ev.unclaimed, ev.held, ev.to), (5_947, 0, 0, p.payout));
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.unclaimed, pr.held_total()), (0, 0));
}

#[tokio::test]
async fn receipt_backed_pay_goes_to_the_payout_account_at_once() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let start = env.now().await;
    env.warp(61).await;
    let logs = Env::ok(attest_receipt(&mut env, &m, &c, &p, &lease, start, start + 61).await);
    assert_eq!(env.balance(&p.payout).await, 5_947);
    assert_eq!(env.balance(&m.fee_vault).await, 153);
    assert_eq!(env.balance(&p.earnings_vault).await, 0);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT - 6_100);
    let ev = &events::<UsageAttested>(&logs)[0];
    assert_eq!((ev.seconds, ev.payout, ev.fee, ev.verified, ev.vests_at), (61, 5_947, 153, true, 0));
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.reputation.seconds_verified, pr.reputation.seconds_self_attested), (61, 0));
    assert_eq!((pr.reputation.earned, pr.held_total()), (5_947, 0));
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.paid_to_current, l.held[0]), (6_100, Tranche::default()));
}

/// Receipts: anything but the lease's receipt signer's signature over exactly this receipt,
/// checked by the Ed25519 instruction just before, is refused.
#[tokio::test]
async fn error_receipts_that_do_not_prove_the_service() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let other = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let start = env.now().await;
    env.warp(60).await;
    let until = start + 60;
    let r = Receipt { from: start, until, requests: 42, digest: [3; 32] };
    let attest = m.attest_with(&p, &lease, &p.operator.pubkey(), AttestUsageArgs { until, receipt: Some(r) });
    let stranger = Keypair::new();
    let cases = [
        ("signed by another key", receipt_ix(&stranger, &lease.key, &p.key, &r)),
        ("for another lease", receipt_ix(&c.kp, &other.key, &p.key, &r)),
        ("for another provider", receipt_ix(&c.kp, &lease.key, &m.key, &r)),
        ("message altered", receipt_ix(&c.kp, &lease.key, &p.key, &Receipt { requests: 1_000, ..r })),
    ];
    for (what, proof) in cases {
        let result = env.send(&[proof, attest.clone()], &[&p.operator]).await;
        assert_eq!(
            result.map(|_| ()),
            Err(crate::env::Failure::Program(crate::env::code(E::InvalidReceipt))),
            "{what}"
        );
    }
    // Missing, or not directly before the attestation.
    expect_err(env.send(&[attest.clone()], &[&p.operator]).await, E::InvalidReceipt);
    let between = system_instruction::transfer(&env.payer(), &stranger.pubkey(), 1_000_000);
    let proof = receipt_ix(&c.kp, &lease.key, &p.key, &r);
    expect_err(env.send(&[proof, between, attest.clone()], &[&p.operator]).await, E::InvalidReceipt);
    // A receipt that does not cover the period attested.
    for (from, to) in [(start + 1, until), (start, until - 1)] {
        let r = Receipt { from, until: to, requests: 1, digest: [0; 32] };
        let ixs = [
            receipt_ix(&c.kp, &lease.key, &p.key, &r),
            m.attest_with(&p, &lease, &p.operator.pubkey(), AttestUsageArgs { until, receipt: Some(r) }),
        ];
        expect_err(env.send(&ixs, &[&p.operator]).await, E::ReceiptDoesNotCover);
    }
    assert_eq!((env.balance(&p.payout).await, env.balance(&lease.escrow).await), (0, DEPOSIT));
    // The genuine one still pays.
    Env::ok(env.send(&[receipt_ix(&c.kp, &lease.key, &p.key, &r), attest], &[&p.operator]).await);
    assert_eq!(env.balance(&p.payout).await, 5_850);
}

#[tokio::test]
async fn receipt_signed_by_the_named_gateway_pays() {
    let World { mut env, m, p, c } = world().await;
    let gateway = Keypair::new();
    let mut args = Env::lease_args(DEPOSIT);
    args.receipt_signer = Some(gateway.pubkey());
    let lease = env.open_lease_with(&m, &c, &p, args).await;
    Env::ok(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
    let start = env.now().await;
    env.warp(10).await;
    let r = Receipt { from: start, until: start + 10, requests: 5, digest: [1; 32] };
    let attest =
        m.attest_with(&p, &lease, &p.operator.pubkey(), AttestUsageArgs { until: start + 10, receipt: Some(r) });
    // The consumer's own key is not the lease's receipt signer any more.
    let wrong = receipt_ix(&c.kp, &lease.key, &p.key, &r);
    expect_err(env.send(&[wrong, attest.clone()], &[&p.operator]).await, E::InvalidReceipt);
    Env::ok(env.send(&[receipt_ix(&gateway, &lease.key, &p.key, &r), attest], &[&p.operator]).await);
    assert_eq!(env.balance(&p.payout).await, 1_000 - 25);
}

#[tokio::test]
async fn error_attest_in_the_future() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let now = env.now().await;
    expect_err(attest(&mut env, &m, &p, &lease, now + 1).await, E::AttestationInFuture);
}

#[tokio::test]
async fn error_attest_the_same_period_twice() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(30).await;
    let until = env.now().await;
    Env::ok(attest(&mut env, &m, &p, &lease, until).await);
    let held = env.balance(&p.earnings_vault).await;
    env.warp(30).await;
    expect_err(attest(&mut env, &m, &p, &lease, until).await, E::AttestationNotAfterLast);
    expect_err(attest(&mut env, &m, &p, &lease, until - 10).await, E::AttestationNotAfterLast);
    assert_eq!(env.balance(&p.earnings_vault).await, held);
}

#[tokio::test]
async fn error_attest_beyond_the_deposit() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 60_000).await; // covers 600 s
    let start = env.now().await;
    env.warp(300).await;
    Env::ok(attest(&mut env, &m, &p, &lease, start + 300).await);
    env.warp(301).await;
    expect_err(attest(&mut env, &m, &p, &lease, start + 601).await, E::AttestationExceedsDeposit);
    Env::ok(attest(&mut env, &m, &p, &lease, start + 600).await);
    assert_eq!(env.balance(&lease.escrow).await, 0);
}

/// Attack "billing silence": after 5_000 s without a word, the provider cannot bill it alone;
/// the consumer takes its escrow back.
#[tokio::test]
async fn error_billing_silence_is_stalled_and_reclaimable() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(5_000).await;
    let now = env.now().await;
    // The stall check comes first; AttestationPastGap (until past last activity + gap) is only
    // reachable for a lease that is not stalled, where `until ≤ now` already bounds it.
    expect_err(attest(&mut env, &m, &p, &lease, now).await, E::LeaseStalled);
    let start = now - 5_000;
    expect_err(attest(&mut env, &m, &p, &lease, start + 600).await, E::LeaseStalled);
    assert_eq!(env.balance(&p.earnings_vault).await, 0);
    let logs = Env::ok(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await);
    assert_eq!(env.balance(&c.token).await, FUNDS);
    assert_eq!(events::<LeaseEnded>(&logs)[0].outcome, LeaseOutcome::Reclaimed);
}

#[tokio::test]
async fn error_attest_by_a_stranger() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    let stranger = Keypair::new();
    expect_err(env.send(&[m.attest_ix(&p, &lease, &stranger.pubkey(), now)], &[&stranger]).await, E::Unauthorized);
}

/// A payout account that is not the recorded one is never paid: the money is credited to the
/// provider's earnings vault instead.
#[tokio::test]
async fn attest_with_a_foreign_payout_account_pays_the_earnings_vault() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let start = env.now().await;
    env.warp(10).await;
    let mine = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    let mut ixs = m.attest_receipt_ixs(&c, &p, &lease, start, start + 10);
    ixs[1].accounts[5].pubkey = mine;
    Env::ok(env.send(&ixs, &[&p.operator]).await);
    assert_eq!((env.balance(&mine).await, env.balance(&p.payout).await), (0, 0));
    assert_eq!(env.balance(&p.earnings_vault).await, 975);
    assert_eq!(env.account::<Provider>(&p.key).await.unclaimed, 975);
}

#[tokio::test]
async fn error_attest_draining_another_leases_escrow_or_into_foreign_vaults() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let other = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    let pocket = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    for (index, key) in [(4, other.escrow), (6, pocket), (7, pocket)] {
        let mut ix = m.attest_ix(&p, &lease, &p.operator.pubkey(), now);
        ix.accounts[index].pubkey = key;
        expect_err(env.send(&[ix], &[&p.operator]).await, E::WrongTokenAccount);
    }
}

#[tokio::test]
async fn error_attest_before_acceptance() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(10).await;
    let now = env.now().await;
    expect_err(attest(&mut env, &m, &p, &lease, now).await, E::LeaseNotActive);
}

/// Attack "reputation for free": the fee rounds up, so a 1-second attestation at price 1 still
/// pays a fee of 1 (and nothing to the provider).
#[tokio::test]
async fn fees_round_up_on_tiny_attestations() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 1, 1_000_000).await;
    let c = env.consumer(&m, 10_000).await;
    let lease = env.active_lease(&m, &c, &p, 600).await;
    let start = env.now().await;
    env.warp(1).await;
    let logs = Env::ok(attest_receipt(&mut env, &m, &c, &p, &lease, start, start + 1).await);
    let ev = &events::<UsageAttested>(&logs)[0];
    assert_eq!((ev.seconds, ev.payout, ev.fee), (1, 0, 1));
    assert_eq!((env.balance(&m.fee_vault).await, env.balance(&p.payout).await), (1, 0));
}

/// Attack "reputation for free": a lease that paid less than the market's minimum completion
/// payment does not count as completed.
#[tokio::test]
async fn completion_counts_only_above_the_minimum_payment() {
    let mut env = Env::new().await;
    let m = env.market_with(|p| p.min_completion_payment = 10_001).await;
    let p = env.provider(&m, PRICE, 1_000_000).await;
    let c = env.consumer(&m, FUNDS).await;
    for (seconds, completed) in [(100, 0), (101, 1)] {
        let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
        env.warp(seconds).await;
        Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
        assert_eq!(env.account::<Provider>(&p.key).await.reputation.leases_completed, completed);
    }
}

#[tokio::test]
async fn top_up_adds_to_escrow_and_deposit() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let logs = Env::ok(env.send(&[m.top_up_ix(&c, &lease, &c.token, 2_500)], &[&c.kp]).await);
    assert_eq!(env.balance(&lease.escrow).await, DEPOSIT + 2_500);
    assert_eq!(env.account::<Lease>(&lease.key).await.deposited, DEPOSIT + 2_500);
    assert_eq!(events::<LeaseToppedUp>(&logs)[0].deposited, DEPOSIT + 2_500);
}

#[tokio::test]
async fn error_top_up_zero_or_by_someone_else() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    expect_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 0)], &[&c.kp]).await, E::ZeroAmount);
    let other = env.consumer(&m, 10_000).await;
    let ix = m.top_up_ix(&other, &lease, &other.token, 10);
    expect_err(env.send(&[ix], &[&other.kp]).await, E::Unauthorized);
}

#[tokio::test]
async fn close_by_consumer_settles_refunds_and_finalize_returns_rent_after_the_window() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(120).await;
    let logs = Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    let closed_at = env.now().await;
    // 120 s × 100 = 12_000 gross: 300 fee and 11_700 held for the provider, 988_000 back.
    assert_eq!(env.balance(&p.earnings_vault).await, 12_000);
    assert_eq!(env.balance(&c.token).await, FUNDS - 12_000);
    assert_eq!(env.balance(&lease.escrow).await, 0);
    let ev = &events::<LeaseEnded>(&logs)[0];
    assert_eq!(
        (ev.outcome, ev.payout, ev.fee, ev.refund, ev.by),
        (LeaseOutcome::Completed, 11_700, 300, 988_000, c.kp.pubkey())
    );
    // The record stays for the dispute window.
    let l: Lease = env.account(&lease.key).await;
    assert_eq!(l.status, LeaseStatus::Ended { outcome: LeaseOutcome::Completed, at: closed_at });
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.open_leases, pr.lease_records, pr.reputation.leases_completed), (0, 1, 1));

    let anyone = Keypair::new();
    env.fund(&anyone.pubkey(), SOL).await;
    env.warp(3_600).await;
    expect_err(env.send(&[m.finalize_ix(&anyone.pubkey(), &c, &p, &lease)], &[&anyone]).await, E::DisputeWindowOpen);
    env.warp(1).await;
    let lamports_before = env.lamports(&c.kp.pubkey()).await;
    let rent = env.lamports(&lease.key).await + env.lamports(&lease.escrow).await;
    let logs = Env::ok(env.send(&[m.finalize_ix(&anyone.pubkey(), &c, &p, &lease)], &[&anyone]).await);
    assert!(!env.exists(&lease.key).await && !env.exists(&lease.escrow).await);
    assert_eq!(env.lamports(&c.kp.pubkey()).await, lamports_before + rent);
    let ev = &events::<LeaseFinalized>(&logs)[0];
    assert_eq!((ev.lease, ev.outcome, ev.refund), (lease.key, LeaseOutcome::Completed, 0));
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.lease_records, pr.exposure_ended_at), (0, env.now().await));
}

#[tokio::test]
async fn close_pays_no_more_than_the_attestation_gap_since_last_activity() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(5_000).await; // silent far longer than the 600 s gap
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
    assert_eq!(env.balance(&p.earnings_vault).await, 600 * PRICE);
    assert_eq!(env.balance(&c.token).await, FUNDS - 600 * PRICE);
}

#[tokio::test]
async fn close_before_acceptance_cancels_with_a_full_refund_and_finalizes_at_once() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    let logs = Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    assert_eq!(env.balance(&c.token).await, FUNDS);
    assert_eq!(events::<LeaseEnded>(&logs)[0].outcome, LeaseOutcome::Cancelled);
    assert_eq!(env.account::<Provider>(&p.key).await.open_leases, 0);
    env.warp(1).await;
    Env::ok(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await);
    assert_eq!(env.account::<Provider>(&p.key).await.lease_records, 0);
}

#[tokio::test]
async fn error_close_by_a_stranger() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let stranger = Keypair::new();
    expect_err(env.send(&[m.close_ix(&c, &p, &lease, &stranger.pubkey())], &[&stranger]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_close_refunding_someone_elses_account() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let thief = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    let mut ix = m.close_ix(&c, &p, &lease, &p.operator.pubkey());
    ix.accounts[5].pubkey = thief;
    expect_err(env.send(&[ix], &[&p.operator]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn error_any_action_on_an_ended_lease() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(10).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    let now = env.now().await;
    expect_err(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await, E::LeaseEnded);
    expect_err(attest(&mut env, &m, &p, &lease, now).await, E::LeaseEnded);
    expect_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 1)], &[&c.kp]).await, E::LeaseEnded);
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseEnded);
    expect_err(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await, E::LeaseNotOpen);
    // Once finalized the record is gone: Anchor refuses it before any handler runs.
    env.warp(3_601).await;
    Env::ok(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await);
    let closed = anchor_errors::ACCOUNT_NOT_INITIALIZED;
    expect_anchor_err(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await, closed);
    expect_anchor_err(attest(&mut env, &m, &p, &lease, now).await, closed);
    expect_anchor_err(env.send(&[m.top_up_ix(&c, &lease, &c.token, 1)], &[&c.kp]).await, closed);
    expect_anchor_err(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await, closed);
}

#[tokio::test]
async fn error_finalize_a_live_lease_or_within_the_window() {
    let World { mut env, m, p, c } = world().await;
    let open = env.open_lease(&m, &c, &p, DEPOSIT).await;
    let active = env.active_lease(&m, &c, &p, DEPOSIT).await;
    for lease in [open, active] {
        expect_err(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await, E::LeaseNotEnded);
    }
    env.warp(10).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &active, &c.kp.pubkey())], &[&c.kp]).await);
    expect_err(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &active)], &[&c.kp]).await, E::DisputeWindowOpen);
    // The rent goes to the lease's consumer and nobody else.
    env.warp(3_601).await;
    let thief = Keypair::new();
    let mut ix = m.finalize_ix(&c.kp.pubkey(), &c, &p, &active);
    ix.accounts[1].pubkey = thief.pubkey();
    expect_err(env.send(&[ix], &[&c.kp]).await, E::Unauthorized);
}

#[tokio::test]
async fn reclaim_a_stalled_lease_refunds_everything_and_marks_the_provider() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(601).await;
    let logs = Env::ok(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await);
    assert_eq!(env.balance(&c.token).await, FUNDS);
    assert_eq!(env.balance(&p.earnings_vault).await + env.balance(&p.payout).await, 0);
    let ev = &events::<LeaseEnded>(&logs)[0];
    assert_eq!((ev.outcome, ev.refund), (LeaseOutcome::Reclaimed, DEPOSIT));
    let pr = env.account::<Provider>(&p.key).await;
    assert_eq!((pr.open_leases, pr.lease_records, pr.reputation.leases_failed), (0, 1, 1));
}

/// Attack "unfunded leases": an escrow that ran dry and stalled ends Exhausted, not as the
/// provider's failure.
#[tokio::test]
async fn unfunded_lease_that_ran_dry_ends_exhausted_without_a_failure() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, 60_000).await;
    let start = env.now().await;
    env.warp(600).await;
    Env::ok(attest(&mut env, &m, &p, &lease, start + 600).await);
    assert_eq!(env.balance(&lease.escrow).await, 0);
    env.warp(601).await;
    let logs = Env::ok(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await);
    let ev = &events::<LeaseEnded>(&logs)[0];
    assert_eq!((ev.outcome, ev.refund), (LeaseOutcome::Exhausted, 0));
    let pr = env.account::<Provider>(&p.key).await;
    assert_eq!((pr.open_leases, pr.reputation.leases_failed), (0, 0));
}

#[tokio::test]
async fn error_reclaim_before_the_gap() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(600).await;
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseNotStalled);
}

#[tokio::test]
async fn error_reclaim_by_someone_else() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(601).await;
    let other = env.consumer(&m, 0).await;
    let ix = m.reclaim_ix(&other, &p, &lease);
    expect_err(env.send(&[ix], &[&other.kp]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_reclaim_an_open_lease() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    env.warp(601).await;
    expect_err(env.send(&[m.reclaim_ix(&c, &p, &lease)], &[&c.kp]).await, E::LeaseNotActive);
}

#[tokio::test]
async fn error_attest_with_a_forged_lease_of_another_account_type() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
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
    let lease = env.open_lease(&m, &c, &p, DEPOSIT).await;
    let mut ix = m.accept_ix(&p, &lease, &p.operator.pubkey());
    ix.accounts[1].pubkey = m.mint; // an SPL Token account posing as the market
    expect_anchor_err(env.send(&[ix], &[&p.operator]).await, anchor_errors::ACCOUNT_OWNED_BY_WRONG_PROGRAM);
}

/// A lease attested on the provider's word through many dispute windows keeps its two held
/// tranches (one per window-sized bucket) current: matured ones are dropped as new pay is held.
#[tokio::test]
async fn self_attestation_keeps_working_across_many_windows() {
    let World { mut env, m, p, c } = world().await;
    let lease = env.active_lease(&m, &c, &p, DEPOSIT).await;
    let start = env.now().await;
    for _ in 0..16 {
        env.warp(590).await;
        let now = env.now().await;
        Env::ok(attest(&mut env, &m, &p, &lease, now).await);
    }
    let now = env.now().await;
    let l: Lease = env.account(&lease.key).await;
    assert_eq!(l.paid_to_current, (now - start) as u64 * PRICE);
    assert!(l.held.iter().all(|t| t.vests_at > now || t.vests_at == 0));
    let pr: Provider = env.account(&p.key).await;
    assert_eq!(env.balance(&p.earnings_vault).await, pr.unclaimed + pr.held_total());
    assert_eq!(pr.unclaimed + pr.held_total() + env.balance(&m.fee_vault).await, (now - start) as u64 * PRICE);
}
