//! migrate_lease: the failover hand-off between two providers' operators, with the consumer's
//! consent when its policy asks for it.
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::LeaseMigrated;
use synkti_market::state::{Lease, MigrationPolicy, Provider, Tranche};

use crate::env::{anchor_errors, events, expect_anchor_err, expect_err, Env};
use crate::fixtures::*;

struct Handoff {
    env: Env,
    m: MarketFx,
    old: ProviderFx,
    new: ProviderFx,
    c: ConsumerFx,
    lease: LeaseFx,
    accepted_at: i64,
}

/// A lease on `old` (price 100) under `policy`, active for 90 s, and a spare `new` at `new_price`.
async fn handoff_with(new_price: u64, policy: MigrationPolicy) -> Handoff {
    let mut env = Env::new().await;
    let m = env.market().await;
    let old = env.provider(&m, 100, 1_000_000).await;
    let new = env.provider(&m, new_price, 1_000_000).await;
    let c = env.consumer(&m, 1_000_000).await;
    let mut args = Env::lease_args(500_000);
    args.policy = policy;
    let lease = env.open_lease_with(&m, &c, &old, args).await;
    Env::ok(env.send(&[m.accept_ix(&old, &lease, &old.operator.pubkey())], &[&old.operator]).await);
    let accepted_at = env.now().await;
    env.warp(90).await;
    Handoff { env, m, old, new, c, lease, accepted_at }
}

/// Providers may hand off among themselves, at up to 150 per second.
async fn handoff(new_price: u64) -> Handoff {
    handoff_with(
        new_price,
        MigrationPolicy { max_price_per_second: 150, max_migrations: 100, providers_may_migrate: true },
    )
    .await
}

#[tokio::test]
async fn migrate_settles_the_old_provider_and_moves_the_lease() {
    let Handoff { mut env, m, old, new, lease, .. } = handoff(120).await;
    let now = env.now().await;
    let handoff_at = now - 10; // notice came 10 s before the hand-off confirmed
    let logs =
        Env::ok(env.send(&[m.migrate_ix(&old, &new, &lease, handoff_at)], &[&old.operator, &new.operator]).await);
    // Old served 80 s × 100 = 8_000 gross: 200 fee, 7_800 held for it until it vests.
    assert_eq!(env.balance(&old.earnings_vault).await, 8_000);
    assert_eq!((env.balance(&old.payout).await, env.balance(&m.fee_vault).await), (0, 0));
    let l: Lease = env.account(&lease.key).await;
    assert_eq!((l.provider, l.price_per_second, l.settled_until, l.migration_count), (new.key, 120, handoff_at, 1));
    assert_eq!((l.provider_since, l.paid_to_current, l.held[0]), (handoff_at, 0, Tranche::default()));
    let (o, n): (Provider, Provider) = (env.account(&old.key).await, env.account(&new.key).await);
    assert_eq!((o.open_leases, o.lease_records, o.reputation.failovers_handed_off), (0, 0, 1));
    assert_eq!((o.reputation.seconds_self_attested, o.held_total()), (80, 8_000));
    assert_eq!((n.open_leases, n.lease_records, n.reputation.failovers_taken), (1, 1, 1));
    let ev = &events::<LeaseMigrated>(&logs)[0];
    assert_eq!((ev.from_provider, ev.to_provider, ev.payout, ev.fee), (old.key, new.key, 7_800, 200));
    assert_eq!((ev.seconds, ev.old_price_per_second, ev.new_price_per_second, ev.migration_count), (80, 100, 120, 1));
    // The new operator now attests; the old one can no longer.
    env.warp(20).await;
    let until = env.now().await;
    Env::ok(env.send(&[m.attest_ix(&new, &lease, &new.operator.pubkey(), until)], &[&new.operator]).await);
    assert_eq!(env.balance(&new.earnings_vault).await, 30 * 120);
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

/// Attack "migration without the consumer": a provider above the consumer's cap cannot take it.
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
async fn error_migrate_signed_by_a_key_that_is_not_the_new_or_old_operator() {
    let Handoff { mut env, m, old, new, lease, c, .. } = handoff(120).await;
    let now = env.now().await;
    let impostor = Keypair::new();
    let mut ix = m.migrate_ix(&old, &new, &lease, now);
    ix.accounts[1].pubkey = impostor.pubkey();
    expect_err(env.send(&[ix], &[&old.operator, &impostor]).await, E::Unauthorized);
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

/// Attack "migration without the consumer": with `providers_may_migrate: false` the consumer
/// must sign the hand-off.
#[tokio::test]
async fn error_migration_without_the_consumers_consent() {
    let policy = MigrationPolicy { max_price_per_second: 150, max_migrations: 5, providers_may_migrate: false };
    let Handoff { mut env, m, old, new, lease, c, .. } = handoff_with(120, policy).await;
    let now = env.now().await;
    let signers = [&old.operator, &new.operator];
    expect_err(env.send(&[m.migrate_ix(&old, &new, &lease, now)], &signers).await, E::ConsumerConsentRequired);
    // Another key in the consumer's slot is no consent either.
    let stranger = Keypair::new();
    let ix = m.migrate_signed_ix(&old, &new, &lease, now, Some(stranger.pubkey()));
    expect_err(env.send(&[ix], &[&old.operator, &new.operator, &stranger]).await, E::ConsumerConsentRequired);
    let ix = m.migrate_signed_ix(&old, &new, &lease, now, Some(c.kp.pubkey()));
    Env::ok(env.send(&[ix], &[&old.operator, &new.operator, &c.kp]).await);
    assert_eq!(env.account::<Lease>(&lease.key).await.provider, new.key);
}

/// Attack "migration without the consumer": the policy's migration count is a hard limit.
#[tokio::test]
async fn error_migration_limit_reached() {
    let policy = MigrationPolicy { max_price_per_second: 150, max_migrations: 1, providers_may_migrate: true };
    let Handoff { mut env, m, old, new, lease, .. } = handoff_with(120, policy).await;
    let now = env.now().await;
    Env::ok(env.send(&[m.migrate_ix(&old, &new, &lease, now)], &[&old.operator, &new.operator]).await);
    env.warp(30).await;
    let now = env.now().await;
    expect_err(
        env.send(&[m.migrate_ix(&new, &old, &lease, now)], &[&old.operator, &new.operator]).await,
        E::MigrationLimitReached,
    );
}

/// Attack "migration without the consumer": one operator key cannot serve two providers, so it
/// cannot fill both signer slots of a hand-off.
#[tokio::test]
async fn error_one_operator_cannot_serve_both_sides_of_a_handoff() {
    let Handoff { mut env, m, old, .. } = handoff(120).await;
    let authority = Keypair::new();
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let ix = m.register_ix(&authority.pubkey(), &old.operator.pubkey(), 0, &payout, gpu("H100", "eu"), 100);
    expect_err(env.send(&[ix], &[&authority, &old.operator]).await, E::OperatorTaken);
}

/// Attack "migration without the consumer": a hand-off of zero length (at the instant the
/// current provider started) is refused, also right after a previous hand-off.
#[tokio::test]
async fn error_zero_length_handoff() {
    let Handoff { mut env, m, old, new, lease, accepted_at, .. } = handoff(120).await;
    let signers = [&old.operator, &new.operator];
    expect_err(env.send(&[m.migrate_ix(&old, &new, &lease, accepted_at)], &signers).await, E::ZeroLengthHandoff);
    let now = env.now().await;
    Env::ok(env.send(&[m.migrate_ix(&old, &new, &lease, now)], &signers).await);
    env.warp(5).await;
    expect_err(env.send(&[m.migrate_ix(&new, &old, &lease, now)], &signers).await, E::ZeroLengthHandoff);
    Env::ok(env.send(&[m.migrate_ix(&new, &old, &lease, now + 1)], &signers).await);
}

/// Attack "billing silence": a stalled lease cannot be handed off (the consumer reclaims it),
/// and the old provider's final payment is capped at the gap past its last activity.
#[tokio::test]
async fn error_billing_silence_stalled_lease_cannot_migrate_and_handoff_pay_is_gap_capped() {
    let Handoff { mut env, m, old, new, lease, accepted_at, .. } = handoff(120).await;
    let signers = [&old.operator, &new.operator];
    env.warp(510).await; // exactly the 600 s gap since acceptance: not stalled yet
    let now = env.now().await;
    assert_eq!(now, accepted_at + 600);
    env.warp(1).await;
    expect_err(env.send(&[m.migrate_ix(&old, &new, &lease, now)], &signers).await, E::LeaseStalled);

    let Handoff { mut env, m, old, new, lease, accepted_at, .. } = handoff(120).await;
    env.warp(510).await;
    let now = env.now().await;
    let logs = Env::ok(env.send(&[m.migrate_ix(&old, &new, &lease, now)], &[&old.operator, &new.operator]).await);
    let ev = &events::<LeaseMigrated>(&logs)[0];
    assert_eq!((ev.seconds, ev.payout + ev.fee), ((now - accepted_at) as u64, 600 * 100));
}

/// Attack "reputation for free": the consumer's own provider cannot take its lease over.
#[tokio::test]
async fn error_migrate_to_a_provider_of_the_consumers_own() {
    let Handoff { mut env, m, old, lease, c, .. } = handoff(120).await;
    let mine = env.fleet_provider(&m, &c.kp, 0, 100, 1_000_000).await;
    let now = env.now().await;
    expect_err(
        env.send(&[m.migrate_ix(&old, &mine, &lease, now)], &[&old.operator, &mine.operator]).await,
        E::SelfDealing,
    );
}
