//! register, update, pause/resume, stake deposit, exit and withdrawal.
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{ExitBegun, ProviderRegistered, StakeWithdrawn};
use synkti_market::instructions::UpdateProviderArgs;
use synkti_market::state::{Provider, ProviderStatus};

use crate::env::{events, expect_err, Env};
use crate::fixtures::*;

async fn try_register(
    env: &mut Env,
    m: &MarketFx,
    tweak: impl FnOnce(&mut synkti_market::state::Capabilities, &mut u64),
) -> crate::env::TxResult {
    let authority = Keypair::new();
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let (mut caps, mut price) = (gpu("A100", "us-east"), 5);
    tweak(&mut caps, &mut price);
    let ix = m.register_ix(&authority.pubkey(), &Keypair::new().pubkey(), &payout, caps, price);
    env.send(&[ix], &[&authority]).await
}

#[tokio::test]
async fn register_provider_records_operator_capabilities_price_and_an_empty_stake_vault() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let authority = Keypair::new();
    let operator = Keypair::new();
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let logs = Env::ok(
        env.send(
            &[m.register_ix(&authority.pubkey(), &operator.pubkey(), &payout, gpu("L4", "eu-west"), 7)],
            &[&authority],
        )
        .await,
    );
    let key = provider_pda(&m.key, &authority.pubkey());
    let p: Provider = env.account(&key).await;
    assert_eq!(
        (p.authority, p.operator, p.payout, p.price_per_second),
        (authority.pubkey(), operator.pubkey(), payout, 7)
    );
    assert_eq!((p.capabilities.gpu_model.as_str(), p.staked, p.open_leases), ("L4", 0, 0));
    assert_eq!(p.status, ProviderStatus::Active);
    assert_eq!(env.balance(&stake_vault_pda(&key)).await, 0);
    assert_eq!(env.account::<synkti_market::state::Market>(&m.key).await.provider_count, 1);
    assert_eq!(events::<ProviderRegistered>(&logs)[0].operator, operator.pubkey());
}

#[tokio::test]
async fn error_register_provider_empty_label() {
    let mut env = Env::new().await;
    let m = env.market().await;
    expect_err(try_register(&mut env, &m, |c, _| c.gpu_model.clear()).await, E::InvalidLabel);
}

#[tokio::test]
async fn error_register_provider_label_over_32_bytes() {
    let mut env = Env::new().await;
    let m = env.market().await;
    expect_err(try_register(&mut env, &m, |c, _| c.region = "x".repeat(33)).await, E::InvalidLabel);
}

#[tokio::test]
async fn error_register_provider_without_gpus() {
    let mut env = Env::new().await;
    let m = env.market().await;
    expect_err(try_register(&mut env, &m, |c, _| c.gpu_count = 0).await, E::InvalidCapabilities);
}

#[tokio::test]
async fn error_register_provider_free_of_charge() {
    let mut env = Env::new().await;
    let m = env.market().await;
    expect_err(try_register(&mut env, &m, |_, p| *p = 0).await, E::ZeroPrice);
}

#[tokio::test]
async fn error_register_provider_payout_in_another_mint() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let authority = Keypair::new();
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.stake_mint, &authority.pubkey(), 0).await;
    let ix = m.register_ix(&authority.pubkey(), &authority.pubkey(), &payout, gpu("L4", "eu"), 1);
    expect_err(env.send(&[ix], &[&authority]).await, E::WrongMint);
}

#[tokio::test]
async fn update_provider_changes_price_operator_and_capabilities() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let new_op = Keypair::new().pubkey();
    let args = UpdateProviderArgs {
        operator: Some(new_op),
        capabilities: Some(gpu("H200", "ap-south")),
        price_per_second: Some(12),
    };
    Env::ok(env.send(&[m.update_ix(&p, &p.authority.pubkey(), args)], &[&p.authority]).await);
    let stored: Provider = env.account(&p.key).await;
    assert_eq!((stored.operator, stored.price_per_second), (new_op, 12));
    assert_eq!(stored.capabilities.gpu_model, "H200");
}

#[tokio::test]
async fn error_update_provider_by_the_operator() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let args = UpdateProviderArgs { operator: None, capabilities: None, price_per_second: Some(1) };
    expect_err(env.send(&[m.update_ix(&p, &p.operator.pubkey(), args)], &[&p.operator]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_update_provider_to_zero_price() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let args = UpdateProviderArgs { operator: None, capabilities: None, price_per_second: Some(0) };
    expect_err(env.send(&[m.update_ix(&p, &p.authority.pubkey(), args)], &[&p.authority]).await, E::ZeroPrice);
}

#[tokio::test]
async fn pause_by_operator_and_resume_by_authority() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    Env::ok(env.send(&[m.pause_ix(&p, &p.operator.pubkey())], &[&p.operator]).await);
    assert_eq!(env.account::<Provider>(&p.key).await.status, ProviderStatus::Paused);
    Env::ok(env.send(&[m.resume_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    assert_eq!(env.account::<Provider>(&p.key).await.status, ProviderStatus::Active);
}

#[tokio::test]
async fn error_pause_twice() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    Env::ok(env.send(&[m.pause_ix(&p, &p.operator.pubkey())], &[&p.operator]).await);
    expect_err(env.send(&[m.pause_ix(&p, &p.authority.pubkey())], &[&p.authority]).await, E::AlreadyPaused);
}

#[tokio::test]
async fn error_resume_when_not_paused() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    expect_err(env.send(&[m.resume_ix(&p, &p.operator.pubkey())], &[&p.operator]).await, E::NotPaused);
}

#[tokio::test]
async fn error_pause_by_a_stranger() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let stranger = Keypair::new();
    expect_err(env.send(&[m.pause_ix(&p, &stranger.pubkey())], &[&stranger]).await, E::Unauthorized);
}

#[tokio::test]
async fn deposit_stake_moves_tokens_into_the_vault() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    Env::ok(
        env.send(&[m.deposit_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 2_500_000)], &[&p.authority]).await,
    );
    assert_eq!(env.balance(&p.stake_vault).await, 2_500_000);
    assert_eq!(env.balance(&p.stake_wallet).await, 1_000_000_000 - 2_500_000);
    assert_eq!(env.account::<Provider>(&p.key).await.staked, 2_500_000);
}

#[tokio::test]
async fn error_deposit_zero_stake() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    expect_err(
        env.send(&[m.deposit_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 0)], &[&p.authority]).await,
        E::ZeroAmount,
    );
}

#[tokio::test]
async fn error_deposit_stake_in_the_payment_mint() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let wrong = env.token_account(&m.mint, &p.authority.pubkey(), 1_000).await;
    expect_err(
        env.send(&[m.deposit_stake_ix(&p, &p.authority.pubkey(), &wrong, 10)], &[&p.authority]).await,
        E::WrongMint,
    );
}

#[tokio::test]
async fn error_deposit_stake_by_someone_else() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let other = Keypair::new();
    let wallet = env.token_account(&m.stake_mint, &other.pubkey(), 1_000).await;
    expect_err(env.send(&[m.deposit_stake_ix(&p, &other.pubkey(), &wallet, 10)], &[&other]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_deposit_stake_into_a_foreign_vault() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let q = env.provider(&m, 10, 0).await;
    let mut ix = m.deposit_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 10);
    ix.accounts[3].pubkey = q.stake_vault;
    expect_err(env.send(&[ix], &[&p.authority]).await, E::WrongTokenAccount);
}

#[tokio::test]
async fn exit_then_withdraw_after_cooldown_returns_the_stake() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    let logs = Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    let unlock_at = events::<ExitBegun>(&logs)[0].unlock_at;
    assert_eq!(unlock_at, env.now().await + 86_400);
    env.warp(86_400).await;
    let before = env.balance(&p.stake_wallet).await;
    let logs = Env::ok(
        env.send(&[m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 3_000_000)], &[&p.authority]).await,
    );
    assert_eq!(env.balance(&p.stake_wallet).await, before + 3_000_000);
    assert_eq!(env.balance(&p.stake_vault).await, 0);
    assert_eq!(events::<StakeWithdrawn>(&logs)[0].staked, 0);
}

#[tokio::test]
async fn error_withdraw_stake_without_exiting() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 1);
    expect_err(env.send(&[ix], &[&p.authority]).await, E::NotExiting);
}

#[tokio::test]
async fn error_withdraw_stake_before_the_cooldown() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_399).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 1);
    expect_err(env.send(&[ix], &[&p.authority]).await, E::CooldownNotElapsed);
}

#[tokio::test]
async fn error_withdraw_stake_with_an_open_lease() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    let c = env.consumer(&m, 10_000).await;
    env.active_lease(&m, &c, &p, 1, 10_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_400).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 1);
    expect_err(env.send(&[ix], &[&p.authority]).await, E::OpenLeasesRemain);
}

#[tokio::test]
async fn error_withdraw_more_than_staked() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_400).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 3_000_001);
    expect_err(env.send(&[ix], &[&p.authority]).await, E::WithdrawExceedsStake);
}

#[tokio::test]
async fn error_withdraw_stake_by_the_operator() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_400).await;
    let dest = env.token_account(&m.stake_mint, &p.operator.pubkey(), 0).await;
    let ix = m.withdraw_stake_ix(&p, &p.operator.pubkey(), &dest, 1);
    expect_err(env.send(&[ix], &[&p.operator]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_begin_exit_twice_and_pause_while_exiting() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    expect_err(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await, E::AlreadyExiting);
    expect_err(env.send(&[m.pause_ix(&p, &p.operator.pubkey())], &[&p.operator]).await, E::AlreadyExiting);
}
