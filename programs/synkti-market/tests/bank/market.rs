//! create_market (every parameter bound), update_market / apply_market_update (key rotation
//! after the governance delay), withdraw_fees (fee and slash vaults).
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{FeesWithdrawn, MarketCreated, MarketUpdateApplied, MarketUpdateProposed};
use synkti_market::instructions::{MarketUpdate, Verdict};
use synkti_market::state::{Market, MarketParams, PendingMarketUpdate};

use crate::env::{events, expect_err, Env};
use crate::fixtures::*;

#[tokio::test]
async fn create_market_stores_rules_and_fee_and_slash_vaults_owned_by_the_market() {
    let mut env = Env::new().await;
    let creator = Keypair::new();
    env.fund(&creator.pubkey(), SOL).await;
    let (mint, stake_mint) = (env.create_mint().await, env.create_mint().await);
    let params = default_params(Keypair::new().pubkey(), Keypair::new().pubkey());
    let probe = env.market().await; // only for its builder
    let logs =
        Env::ok(env.send(&[probe.create_ix(&creator.pubkey(), &mint, &stake_mint, params.clone())], &[&creator]).await);
    let key = market_pda(&creator.pubkey(), &mint);
    let market: Market = env.account(&key).await;
    assert_eq!((market.creator, market.mint, market.stake_mint), (creator.pubkey(), mint, stake_mint));
    assert_eq!(
        (market.authority, market.arbiter, market.treasury),
        (creator.pubkey(), params.arbiter, params.treasury)
    );
    assert_eq!((market.fee_bps, market.slash_multiple_bps, market.min_stake), (250, 20_000, 1_000_000));
    assert_eq!((market.dispute_bond, market.min_completion_payment), (100_000, 1));
    assert_eq!(
        (market.dispute_window_secs, market.max_attestation_gap_secs, market.exit_cooldown_secs),
        (3_600, 600, 86_400)
    );
    assert_eq!((market.governance_delay_secs, market.pending_update, market.lease_count), (3_600, None, 0));
    assert_eq!((market.fee_vault, market.slash_vault), (fee_vault_pda(&key), slash_vault_pda(&key)));
    assert_eq!(env.balance(&market.fee_vault).await, 0);
    assert_eq!(env.balance(&market.slash_vault).await, 0);
    let ev = events::<MarketCreated>(&logs);
    assert_eq!(ev.len(), 1);
    assert_eq!((ev[0].market, ev[0].params.clone()), (key, params));
}

/// Attack "parameters": every bound of MarketParams::validate is refused with its named error,
/// and the bounds themselves are accepted.
#[tokio::test]
async fn error_create_market_parameters_out_of_bounds() {
    let mut env = Env::new().await;
    let probe = env.market().await;
    let creator = Keypair::new();
    env.fund(&creator.pubkey(), SOL).await;
    let stake_mint = probe.stake_mint;
    const DAY: i64 = 86_400;
    type Tweak = fn(&mut MarketParams);
    let refused: [(&str, Tweak, E); 16] = [
        ("fee above 2000 bps", |p| p.fee_bps = 2_001, E::FeeTooHigh),
        ("slash multiple above 30000 bps", |p| p.slash_multiple_bps = 30_001, E::SlashTooHigh),
        ("min stake zero", |p| p.min_stake = 0, E::MinStakeZero),
        ("dispute bond zero", |p| p.dispute_bond = 0, E::DisputeBondZero),
        ("window under an hour", |p| p.dispute_window_secs = 3_599, E::InvalidDuration),
        (
            "window over a week",
            |p| {
                p.dispute_window_secs = 7 * DAY + 1;
                p.exit_cooldown_secs = 30 * DAY;
                p.governance_delay_secs = 30 * DAY;
            },
            E::InvalidDuration,
        ),
        ("negative window", |p| p.dispute_window_secs = -3_600, E::InvalidDuration),
        ("gap under 10 s", |p| p.max_attestation_gap_secs = 9, E::InvalidDuration),
        ("gap over the window", |p| p.max_attestation_gap_secs = 3_601, E::InvalidDuration),
        ("cooldown under window + gap", |p| p.exit_cooldown_secs = 3_600 + 600 - 1, E::InvalidDuration),
        ("cooldown over 30 days", |p| p.exit_cooldown_secs = 30 * DAY + 1, E::InvalidDuration),
        ("governance delay under the window", |p| p.governance_delay_secs = 3_599, E::InvalidDuration),
        ("governance delay over 30 days", |p| p.governance_delay_secs = 30 * DAY + 1, E::InvalidDuration),
        ("zero gap", |p| p.max_attestation_gap_secs = 0, E::InvalidDuration),
        ("fee far above", |p| p.fee_bps = u16::MAX, E::FeeTooHigh),
        ("slash far above", |p| p.slash_multiple_bps = u16::MAX, E::SlashTooHigh),
    ];
    let mint = env.create_mint().await;
    for (what, tweak, error) in refused {
        let mut params = default_params(probe.arbiter.pubkey(), probe.treasury.pubkey());
        tweak(&mut params);
        let result = env.send(&[probe.create_ix(&creator.pubkey(), &mint, &stake_mint, params)], &[&creator]).await;
        assert_eq!(result.map(|_| ()), Err(crate::env::Failure::Program(crate::env::code(error))), "{what}");
    }
    assert!(!env.exists(&market_pda(&creator.pubkey(), &mint)).await);
    // Every bound itself is allowed.
    let accepted: [Tweak; 4] = [
        |p| {
            p.fee_bps = 2_000;
            p.slash_multiple_bps = 30_000;
            p.min_stake = 1;
            p.dispute_bond = 1;
        },
        |p| {
            p.dispute_window_secs = 3_600;
            p.max_attestation_gap_secs = 10;
            p.exit_cooldown_secs = 3_610;
            p.governance_delay_secs = 3_600;
        },
        |p| {
            p.dispute_window_secs = 7 * DAY;
            p.max_attestation_gap_secs = 7 * DAY;
            p.exit_cooldown_secs = 14 * DAY;
            p.governance_delay_secs = 30 * DAY;
        },
        |p| {
            p.exit_cooldown_secs = 30 * DAY;
            p.slash_multiple_bps = 0;
            p.fee_bps = 0;
        },
    ];
    for tweak in accepted {
        let mint = env.create_mint().await;
        let mut params = default_params(probe.arbiter.pubkey(), probe.treasury.pubkey());
        tweak(&mut params);
        Env::ok(env.send(&[probe.create_ix(&creator.pubkey(), &mint, &stake_mint, params)], &[&creator]).await);
    }
}

#[tokio::test]
async fn error_create_market_twice_for_the_same_creator_and_mint() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let mut again = m.params.clone();
    again.fee_bps = 100;
    let ix = m.create_ix(&m.creator.pubkey(), &m.mint, &m.stake_mint, again);
    expect_err(env.send(&[ix], &[&m.creator]).await, E::AccountAlreadyExists);
    assert_eq!(env.account::<Market>(&m.key).await.fee_bps, 250);
}

/// Attack "pre-funded PDAs": lamports sent to a market's future addresses do not block it.
#[tokio::test]
async fn pre_funded_market_and_vault_addresses_still_create() {
    let mut env = Env::new().await;
    let probe = env.market().await;
    let creator = Keypair::new();
    env.fund(&creator.pubkey(), 10 * SOL).await;
    let mint = env.create_mint().await;
    let key = market_pda(&creator.pubkey(), &mint);
    env.fund(&key, 890_880).await;
    env.fund(&fee_vault_pda(&key), 3 * SOL).await;
    env.fund(&slash_vault_pda(&key), 1_000_000).await;
    let params = default_params(probe.arbiter.pubkey(), probe.treasury.pubkey());
    Env::ok(env.send(&[probe.create_ix(&creator.pubkey(), &mint, &probe.stake_mint, params)], &[&creator]).await);
    let market: Market = env.account(&key).await;
    assert_eq!((market.creator, market.mint), (creator.pubkey(), mint));
    assert_eq!(env.balance(&fee_vault_pda(&key)).await + env.balance(&slash_vault_pda(&key)).await, 0);
}

/// A market whose fee vault holds 250 (100 s × 100 paid on a receipt) and whose slash vault
/// holds 10_000 (a refund over that lease: 2 × 10_000 slashed, 10_000 to the consumer).
async fn market_with_fees(env: &mut Env) -> MarketFx {
    let m = env.market().await;
    let p = env.provider(&m, 100, 1_000_000).await;
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.active_lease(&m, &c, &p, 100_000).await;
    let start = env.now().await;
    env.warp(100).await;
    Env::ok(env.send(&m.attest_receipt_ixs(&c, &p, &lease, start, start + 100), &[&p.operator]).await);
    Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    Env::ok(env.send(&[m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund)], &[&m.arbiter]).await);
    assert_eq!((env.balance(&m.fee_vault).await, env.balance(&m.slash_vault).await), (250, 10_000));
    m
}

#[tokio::test]
async fn withdraw_fees_and_slashes_pays_the_treasury() {
    let mut env = Env::new().await;
    let m = market_with_fees(&mut env).await;
    let to = env.token_account(&m.mint, &m.treasury.pubkey(), 0).await;
    let logs = Env::ok(env.send(&[m.withdraw_fees_ix(&m.treasury.pubkey(), &to, 200)], &[&m.treasury]).await);
    assert_eq!((env.balance(&to).await, env.balance(&m.fee_vault).await), (200, 50));
    let ev = &events::<FeesWithdrawn>(&logs)[0];
    assert_eq!((ev.amount, ev.vault, ev.to), (200, m.fee_vault, to));
    let stake_to = env.token_account(&m.stake_mint, &m.treasury.pubkey(), 0).await;
    let ix = m.withdraw_from_ix(&m.treasury.pubkey(), &m.slash_vault, &m.stake_mint, &stake_to, 10_000);
    Env::ok(env.send(&[ix], &[&m.treasury]).await);
    assert_eq!((env.balance(&stake_to).await, env.balance(&m.slash_vault).await), (10_000, 0));
}

#[tokio::test]
async fn error_withdraw_fees_by_anyone_but_the_treasury_zero_or_more_than_collected() {
    let mut env = Env::new().await;
    let m = market_with_fees(&mut env).await;
    let thief = Keypair::new();
    let to = env.token_account(&m.mint, &thief.pubkey(), 0).await;
    expect_err(env.send(&[m.withdraw_fees_ix(&thief.pubkey(), &to, 1)], &[&thief]).await, E::Unauthorized);
    expect_err(env.send(&[m.withdraw_fees_ix(&m.creator.pubkey(), &to, 1)], &[&m.creator]).await, E::Unauthorized);
    let to = env.token_account(&m.mint, &m.treasury.pubkey(), 0).await;
    expect_err(env.send(&[m.withdraw_fees_ix(&m.treasury.pubkey(), &to, 0)], &[&m.treasury]).await, E::ZeroAmount);
    expect_err(
        env.send(&[m.withdraw_fees_ix(&m.treasury.pubkey(), &to, 251)], &[&m.treasury]).await,
        E::InsufficientFees,
    );
}

#[tokio::test]
async fn error_withdraw_fees_to_another_mint_or_from_a_vault_that_is_not_the_markets() {
    let mut env = Env::new().await;
    let m = market_with_fees(&mut env).await;
    let to = env.token_account(&m.stake_mint, &m.treasury.pubkey(), 0).await;
    expect_err(env.send(&[m.withdraw_fees_ix(&m.treasury.pubkey(), &to, 1)], &[&m.treasury]).await, E::WrongMint);
    let p = env.provider(&m, 100, 0).await;
    let to = env.token_account(&m.mint, &m.treasury.pubkey(), 0).await;
    let ix = m.withdraw_from_ix(&m.treasury.pubkey(), &p.earnings_vault, &m.mint, &to, 1);
    expect_err(env.send(&[ix], &[&m.treasury]).await, E::WrongTokenAccount);
}

/// Attack "parameters", key rotation: only the authority proposes, nobody applies early or
/// without a proposal, and after the delay the new arbiter, treasury and authority are in force.
#[tokio::test]
async fn update_market_rotates_keys_after_the_governance_delay() {
    let mut env = Env::new().await;
    let m = market_with_fees(&mut env).await;
    let (arbiter, treasury, authority) = (Keypair::new(), Keypair::new(), Keypair::new());
    let update = || MarketUpdate {
        arbiter: Some(arbiter.pubkey()),
        treasury: Some(treasury.pubkey()),
        authority: Some(authority.pubkey()),
    };
    expect_err(env.send(&[m.apply_update_ix()], &[]).await, E::NoPendingUpdate);
    let stranger = Keypair::new();
    let ix = m.update_market_ix(&stranger.pubkey(), update());
    expect_err(env.send(&[ix], &[&stranger]).await, E::Unauthorized);
    let ix = m.update_market_ix(&m.arbiter.pubkey(), update());
    expect_err(env.send(&[ix], &[&m.arbiter]).await, E::Unauthorized);

    let logs = Env::ok(env.send(&[m.update_market_ix(&m.creator.pubkey(), update())], &[&m.creator]).await);
    let proposed_at = env.now().await;
    let pending = PendingMarketUpdate {
        arbiter: arbiter.pubkey(),
        treasury: treasury.pubkey(),
        authority: authority.pubkey(),
        effective_at: proposed_at + 3_600,
    };
    assert_eq!(env.account::<Market>(&m.key).await.pending_update, Some(pending));
    assert_eq!(events::<MarketUpdateProposed>(&logs)[0].effective_at, proposed_at + 3_600);
    env.warp(3_599).await;
    expect_err(env.send(&[m.apply_update_ix()], &[]).await, E::UpdateNotDue);
    // Until then the old treasury is in force.
    let old_to = env.token_account(&m.mint, &m.treasury.pubkey(), 0).await;
    Env::ok(env.send(&[m.withdraw_fees_ix(&m.treasury.pubkey(), &old_to, 50)], &[&m.treasury]).await);
    env.warp(1).await;
    let logs = Env::ok(env.send(&[m.apply_update_ix()], &[]).await);
    assert_eq!(events::<MarketUpdateApplied>(&logs)[0].arbiter, arbiter.pubkey());
    let market: Market = env.account(&m.key).await;
    assert_eq!(
        (market.arbiter, market.treasury, market.authority),
        (arbiter.pubkey(), treasury.pubkey(), authority.pubkey())
    );
    assert_eq!(market.pending_update, None);
    expect_err(env.send(&[m.apply_update_ix()], &[]).await, E::NoPendingUpdate);
    // The old treasury and authority are out, the new ones in.
    expect_err(
        env.send(&[m.withdraw_fees_ix(&m.treasury.pubkey(), &old_to, 1)], &[&m.treasury]).await,
        E::Unauthorized,
    );
    let new_to = env.token_account(&m.mint, &treasury.pubkey(), 0).await;
    Env::ok(env.send(&[m.withdraw_fees_ix(&treasury.pubkey(), &new_to, 200)], &[&treasury]).await);
    assert_eq!(env.balance(&new_to).await, 200);
    let keep = MarketUpdate { arbiter: None, treasury: None, authority: None };
    let ix = m.update_market_ix(&m.creator.pubkey(), keep.clone());
    expect_err(env.send(&[ix], &[&m.creator]).await, E::Unauthorized);
    Env::ok(env.send(&[m.update_market_ix(&authority.pubkey(), keep)], &[&authority]).await);
    let pending = env.account::<Market>(&m.key).await.pending_update.unwrap();
    assert_eq!(
        (pending.arbiter, pending.treasury, pending.authority),
        (arbiter.pubkey(), treasury.pubkey(), authority.pubkey())
    );
}
