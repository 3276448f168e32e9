//! register (operator co-signs), update, rotate_operator, pause/resume, stake deposit, exit,
//! withdrawal, claim_earnings.
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::error::SynktiError as E;
use synkti_market::events::{
    EarningsClaimed, ExitBegun, OperatorRotated, ProviderRegistered, ProviderUpdated, StakeWithdrawn,
};
use synkti_market::instructions::{UpdateProviderArgs, Verdict};
use synkti_market::state::{Lease, LeaseOutcome, Market, OperatorIndex, Provider, ProviderStatus};

use crate::env::{anchor_errors, events, expect_anchor_err, expect_err, Env};
use crate::fixtures::*;

/// Registers a fresh authority with a fresh operator, both signing, after `tweak`.
async fn try_register(
    env: &mut Env,
    m: &MarketFx,
    tweak: impl FnOnce(&mut synkti_market::state::Capabilities, &mut u64),
) -> crate::env::TxResult {
    let (authority, operator) = (Keypair::new(), Keypair::new());
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let (mut caps, mut price) = (gpu("A100", "us-east"), 5);
    tweak(&mut caps, &mut price);
    let ix = m.register_ix(&authority.pubkey(), &operator.pubkey(), 0, &payout, caps, price);
    env.send(&[ix], &[&authority, &operator]).await
}

fn no_change() -> UpdateProviderArgs {
    UpdateProviderArgs { capabilities: None, price_per_second: None }
}

#[tokio::test]
async fn register_provider_records_operator_index_capabilities_price_and_empty_vaults() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let (authority, operator) = (Keypair::new(), Keypair::new());
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let ix = m.register_ix(&authority.pubkey(), &operator.pubkey(), 0, &payout, gpu("L4", "eu-west"), 7);
    let logs = Env::ok(env.send(&[ix], &[&authority, &operator]).await);
    let key = provider_pda(&m.key, &authority.pubkey(), 0);
    let p: Provider = env.account(&key).await;
    assert_eq!(
        (p.authority, p.operator, p.index, p.payout, p.price_per_second),
        (authority.pubkey(), operator.pubkey(), 0, payout, 7)
    );
    assert_eq!((p.capabilities.gpu_model.as_str(), p.staked, p.open_leases, p.lease_records), ("L4", 0, 0, 0));
    assert_eq!((p.status, p.unclaimed, p.held_total()), (ProviderStatus::Active, 0, 0));
    assert_eq!((p.stake_vault, p.earnings_vault), (stake_vault_pda(&key), earnings_vault_pda(&key)));
    assert_eq!(env.balance(&p.stake_vault).await, 0);
    assert_eq!(env.balance(&p.earnings_vault).await, 0);
    let index: OperatorIndex = env.account(&operator_pda(&m.key, &operator.pubkey())).await;
    assert_eq!((index.operator, index.provider, index.market), (operator.pubkey(), key, m.key));
    assert_eq!(env.account::<Market>(&m.key).await.provider_count, 1);
    let ev = &events::<ProviderRegistered>(&logs)[0];
    assert_eq!((ev.provider, ev.operator, ev.index, ev.price_per_second), (key, operator.pubkey(), 0, 7));
}

/// Attack "identity squatting" (the legitimate side): one authority runs a fleet, one provider
/// per machine, each with its own operator key.
#[tokio::test]
async fn one_authority_registers_a_fleet_with_distinct_operators() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let authority = Keypair::new();
    env.fund(&authority.pubkey(), 10 * SOL).await;
    let a = env.fleet_provider(&m, &authority, 0, 10, 1_000_000).await;
    let b = env.fleet_provider(&m, &authority, 1, 12, 1_000_000).await;
    assert_ne!(a.key, b.key);
    assert_eq!((a.index, b.index), (0, 1));
    let (pa, pb): (Provider, Provider) = (env.account(&a.key).await, env.account(&b.key).await);
    assert_eq!((pa.authority, pa.index, pb.authority, pb.index), (authority.pubkey(), 0, authority.pubkey(), 1));
    assert_ne!(pa.operator, pb.operator);
    // Both serve leases independently.
    let c = env.consumer(&m, 1_000_000).await;
    env.active_lease(&m, &c, &a, 100_000).await;
    env.active_lease(&m, &c, &b, 100_000).await;
    assert_eq!(env.account::<Market>(&m.key).await.provider_count, 2);
}

/// Attack "identity squatting": nobody registers a node key without that key's signature.
#[tokio::test]
async fn error_identity_squatting_without_the_operators_signature() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let victim = Keypair::new(); // a node's key, which the squatter does not hold
    let squatter = Keypair::new();
    env.fund(&squatter.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &squatter.pubkey(), 0).await;
    let ix = m.register_ix(&squatter.pubkey(), &victim.pubkey(), 0, &payout, gpu("H100", "eu"), 1);
    // As built, the transaction cannot even be signed without the operator's key.
    let mut tx = solana_transaction::Transaction::new_with_payer(std::slice::from_ref(&ix), Some(&env.payer()));
    let blockhash = env.ctx.banks_client.get_latest_blockhash().await.unwrap();
    assert!(tx.try_sign(&[&env.ctx.payer, &squatter], blockhash).is_err());
    // Claiming the operator is not a signer is refused by the program.
    let mut unsigned = ix.clone();
    unsigned.accounts[1].is_signer = false;
    expect_anchor_err(env.send(&[unsigned], &[&squatter]).await, anchor_errors::ACCOUNT_NOT_SIGNER);
    assert!(!env.exists(&operator_pda(&m.key, &victim.pubkey())).await);
}

/// Attack "identity squatting": an operator key serves one provider per market, so one key
/// cannot fill both signer slots of a hand-off either.
#[tokio::test]
async fn error_identity_squatting_an_operator_already_taken() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    // Another authority, or the same one under a new index, with the same operator key.
    let other = Keypair::new();
    env.fund(&other.pubkey(), SOL).await;
    for (authority, index) in [(&other, 0u16), (&p.authority, 1)] {
        let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
        let ix = m.register_ix(&authority.pubkey(), &p.operator.pubkey(), index, &payout, gpu("H100", "eu"), 1);
        expect_err(env.send(&[ix], &[authority, &p.operator]).await, E::OperatorTaken);
    }
    assert_eq!(env.account::<Market>(&m.key).await.provider_count, 1);
    // The same key may serve a provider in another market.
    let other_market = env.market().await;
    let payout = env.token_account(&other_market.mint, &p.authority.pubkey(), 0).await;
    let ix = other_market.register_ix(&p.authority.pubkey(), &p.operator.pubkey(), 0, &payout, gpu("H100", "eu"), 1);
    Env::ok(env.send(&[ix], &[&p.authority, &p.operator]).await);
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
    Env::ok(try_register(&mut env, &m, |c, _| c.region = "x".repeat(32)).await);
}

#[tokio::test]
async fn error_register_provider_without_gpus() {
    let mut env = Env::new().await;
    let m = env.market().await;
    expect_err(try_register(&mut env, &m, |c, _| c.gpu_count = 0).await, E::InvalidCapabilities);
    expect_err(try_register(&mut env, &m, |c, _| c.vram_gb = 0).await, E::InvalidCapabilities);
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
    let (authority, operator) = (Keypair::new(), Keypair::new());
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.stake_mint, &authority.pubkey(), 0).await;
    let ix = m.register_ix(&authority.pubkey(), &operator.pubkey(), 0, &payout, gpu("L4", "eu"), 1);
    expect_err(env.send(&[ix], &[&authority, &operator]).await, E::WrongMint);
}

/// Attack "endings held hostage": a program vault cannot be a payout account.
#[tokio::test]
async fn error_register_or_update_payout_to_a_program_vault() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let (authority, operator) = (Keypair::new(), Keypair::new());
    env.fund(&authority.pubkey(), SOL).await;
    let ix = m.register_ix(&authority.pubkey(), &operator.pubkey(), 0, &m.fee_vault, gpu("L4", "eu"), 1);
    expect_err(env.send(&[ix], &[&authority, &operator]).await, E::PayoutIsProgramVault);
    let p = env.provider(&m, 10, 0).await;
    // The market's fee vault and the provider's own earnings vault. (Another provider's vault is
    // not recognised: paying into it would only be the provider's own loss, see the README.)
    for vault in [m.fee_vault, p.earnings_vault] {
        let ix = m.update_with_payout_ix(&p, &p.authority.pubkey(), no_change(), Some(vault));
        expect_err(env.send(&[ix], &[&p.authority]).await, E::PayoutIsProgramVault);
    }
    assert_eq!(env.account::<Provider>(&p.key).await.payout, p.payout);
}

/// Attack "pre-funded PDAs": lamports sent to a provider's future addresses do not block it.
#[tokio::test]
async fn pre_funded_provider_addresses_still_register() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let (authority, operator) = (Keypair::new(), Keypair::new());
    env.fund(&authority.pubkey(), 10 * SOL).await;
    let key = provider_pda(&m.key, &authority.pubkey(), 0);
    for (address, lamports) in [
        // A system account must hold at least its own rent exemption (890_880 lamports).
        (key, 890_880),
        (operator_pda(&m.key, &operator.pubkey()), 10 * SOL),
        (stake_vault_pda(&key), 2_039_280),
        (earnings_vault_pda(&key), 1_000_000),
    ] {
        env.fund(&address, lamports).await;
    }
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let ix = m.register_ix(&authority.pubkey(), &operator.pubkey(), 0, &payout, gpu("L4", "eu"), 7);
    Env::ok(env.send(&[ix], &[&authority, &operator]).await);
    let p: Provider = env.account(&key).await;
    assert_eq!((p.operator, p.price_per_second), (operator.pubkey(), 7));
    assert_eq!(env.balance(&p.stake_vault).await + env.balance(&p.earnings_vault).await, 0);
    let wallet = env.token_account(&m.stake_mint, &authority.pubkey(), 5).await;
    let fx = ProviderFx {
        authority: authority.insecure_clone(),
        operator,
        index: 0,
        key,
        stake_vault: p.stake_vault,
        earnings_vault: p.earnings_vault,
        payout,
        stake_wallet: wallet,
    };
    Env::ok(env.send(&[m.deposit_stake_ix(&fx, &authority.pubkey(), &wallet, 5)], &[&authority]).await);
    assert_eq!(env.balance(&p.stake_vault).await, 5);
}

/// Attack "endings held hostage": the authority moves payouts to a new account.
#[tokio::test]
async fn update_provider_changes_price_capabilities_and_payout() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let new_payout = env.token_account(&m.mint, &p.authority.pubkey(), 0).await;
    let args = UpdateProviderArgs { capabilities: Some(gpu("H200", "ap-south")), price_per_second: Some(12) };
    let ix = m.update_with_payout_ix(&p, &p.authority.pubkey(), args, Some(new_payout));
    let logs = Env::ok(env.send(&[ix], &[&p.authority]).await);
    let stored: Provider = env.account(&p.key).await;
    assert_eq!((stored.price_per_second, stored.payout), (12, new_payout));
    assert_eq!(stored.capabilities.gpu_model, "H200");
    let ev = &events::<ProviderUpdated>(&logs)[0];
    assert_eq!((ev.old_price_per_second, ev.new_price_per_second), (10, 12));
    assert_eq!((ev.old_payout, ev.new_payout), (p.payout, new_payout));
}

#[tokio::test]
async fn error_update_provider_by_the_operator() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let args = UpdateProviderArgs { capabilities: None, price_per_second: Some(1) };
    expect_err(env.send(&[m.update_ix(&p, &p.operator.pubkey(), args)], &[&p.operator]).await, E::Unauthorized);
    let mine = env.token_account(&m.mint, &p.operator.pubkey(), 0).await;
    let ix = m.update_with_payout_ix(&p, &p.operator.pubkey(), no_change(), Some(mine));
    expect_err(env.send(&[ix], &[&p.operator]).await, E::Unauthorized);
}

#[tokio::test]
async fn error_update_provider_to_zero_price_or_a_payout_of_another_mint() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let args = UpdateProviderArgs { capabilities: None, price_per_second: Some(0) };
    expect_err(env.send(&[m.update_ix(&p, &p.authority.pubkey(), args)], &[&p.authority]).await, E::ZeroPrice);
    let wrong = env.token_account(&m.stake_mint, &p.authority.pubkey(), 0).await;
    let ix = m.update_with_payout_ix(&p, &p.authority.pubkey(), no_change(), Some(wrong));
    expect_err(env.send(&[ix], &[&p.authority]).await, E::WrongMint);
}

#[tokio::test]
async fn rotate_operator_moves_the_index_to_the_new_key() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 1_000_000).await;
    let new_op = Keypair::new();
    let old_index = operator_pda(&m.key, &p.operator.pubkey());
    let logs =
        Env::ok(env.send(&[m.rotate_ix(&p, &p.operator.pubkey(), &new_op.pubkey())], &[&p.authority, &new_op]).await);
    assert_eq!(env.account::<Provider>(&p.key).await.operator, new_op.pubkey());
    assert!(!env.exists(&old_index).await);
    let index: OperatorIndex = env.account(&operator_pda(&m.key, &new_op.pubkey())).await;
    assert_eq!(index.provider, p.key);
    let ev = &events::<OperatorRotated>(&logs)[0];
    assert_eq!((ev.old_operator, ev.new_operator), (p.operator.pubkey(), new_op.pubkey()));
    // The old key no longer accepts; the new one does. The freed key can be registered again.
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.open_lease(&m, &c, &p, 100_000).await;
    expect_err(env.send(&[m.accept_ix(&p, &lease, &p.operator.pubkey())], &[&p.operator]).await, E::Unauthorized);
    Env::ok(env.send(&[m.accept_ix(&p, &lease, &new_op.pubkey())], &[&new_op]).await);
    let authority = Keypair::new();
    env.fund(&authority.pubkey(), SOL).await;
    let payout = env.token_account(&m.mint, &authority.pubkey(), 0).await;
    let ix = m.register_ix(&authority.pubkey(), &p.operator.pubkey(), 0, &payout, gpu("L4", "eu"), 1);
    Env::ok(env.send(&[ix], &[&authority, &p.operator]).await);
}

/// Attack "identity squatting": rotating onto a key that already serves a provider is refused.
#[tokio::test]
async fn error_rotate_operator_to_a_taken_key_or_without_its_signature() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let q = env.provider(&m, 10, 0).await;
    let ix = m.rotate_ix(&p, &p.operator.pubkey(), &q.operator.pubkey());
    expect_err(env.send(&[ix], &[&p.authority, &q.operator]).await, E::OperatorTaken);
    let mut ix = m.rotate_ix(&p, &p.operator.pubkey(), &Keypair::new().pubkey());
    ix.accounts[1].is_signer = false;
    expect_anchor_err(env.send(&[ix], &[&p.authority]).await, anchor_errors::ACCOUNT_NOT_SIGNER);
    // The operator cannot rotate itself: the authority signs.
    let new_op = Keypair::new();
    let mut ix = m.rotate_ix(&p, &p.operator.pubkey(), &new_op.pubkey());
    ix.accounts[0].pubkey = p.operator.pubkey();
    expect_err(env.send(&[ix], &[&p.operator, &new_op]).await, E::Unauthorized);
    assert_eq!(env.account::<Provider>(&p.key).await.operator, p.operator.pubkey());
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
async fn error_pause_twice_resume_when_not_paused_or_by_a_stranger() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    expect_err(env.send(&[m.resume_ix(&p, &p.operator.pubkey())], &[&p.operator]).await, E::NotPaused);
    let stranger = Keypair::new();
    expect_err(env.send(&[m.pause_ix(&p, &stranger.pubkey())], &[&stranger]).await, E::Unauthorized);
    Env::ok(env.send(&[m.pause_ix(&p, &p.operator.pubkey())], &[&p.operator]).await);
    expect_err(env.send(&[m.pause_ix(&p, &p.authority.pubkey())], &[&p.authority]).await, E::AlreadyPaused);
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
async fn error_deposit_stake_zero_wrong_mint_someone_else_or_foreign_vault() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 0).await;
    let q = env.provider(&m, 10, 0).await;
    let auth = p.authority.pubkey();
    expect_err(env.send(&[m.deposit_stake_ix(&p, &auth, &p.stake_wallet, 0)], &[&p.authority]).await, E::ZeroAmount);
    let wrong = env.token_account(&m.mint, &auth, 1_000).await;
    expect_err(env.send(&[m.deposit_stake_ix(&p, &auth, &wrong, 10)], &[&p.authority]).await, E::WrongMint);
    let other = Keypair::new();
    let wallet = env.token_account(&m.stake_mint, &other.pubkey(), 1_000).await;
    expect_err(env.send(&[m.deposit_stake_ix(&p, &other.pubkey(), &wallet, 10)], &[&other]).await, E::Unauthorized);
    let mut ix = m.deposit_stake_ix(&p, &auth, &p.stake_wallet, 10);
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
async fn error_withdraw_stake_without_exiting_or_before_the_cooldown() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 1);
    expect_err(env.send(&[ix.clone()], &[&p.authority]).await, E::NotExiting);
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_399).await;
    expect_err(env.send(&[ix], &[&p.authority]).await, E::CooldownNotElapsed);
}

#[tokio::test]
async fn error_withdraw_stake_with_an_open_lease() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    let c = env.consumer(&m, 10_000).await;
    env.active_lease(&m, &c, &p, 10_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_400).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 1);
    expect_err(env.send(&[ix], &[&p.authority]).await, E::OpenLeasesRemain);
}

#[tokio::test]
async fn error_withdraw_more_than_staked_or_by_the_operator() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 10, 3_000_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    env.warp(86_400).await;
    let ix = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, 3_000_001);
    expect_err(env.send(&[ix], &[&p.authority]).await, E::WithdrawExceedsStake);
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

/// Attack "stake escapes every dispute": a provider begins to exit while serving, keeps
/// attesting through the cooldown, then in ONE transaction attests up to now, closes the lease
/// and withdraws all its stake. The exposure rule stops it: the ended lease keeps its record
/// (and its held pay) for the dispute window. The consumer then disputes the ended lease and a
/// Refund claws back the held pay and slashes.
#[tokio::test]
async fn error_stake_escapes_every_dispute() {
    const STAKE: u64 = 3_000_000;
    let mut env = Env::new().await;
    // The shortest cooldown the market allows: window + gap.
    let m = env.market_with(|p| p.exit_cooldown_secs = 3_600 + 600).await;
    let p = env.provider(&m, 100, STAKE).await;
    let c = env.consumer(&m, 2_000_000).await;
    let lease = env.active_lease(&m, &c, &p, 1_000_000).await;
    Env::ok(env.send(&[m.begin_exit_ix(&p, &p.authority.pubkey())], &[&p.authority]).await);
    for _ in 0..9 {
        env.warp(500).await;
        let now = env.now().await;
        Env::ok(env.send(&[m.attest_ix(&p, &lease, &p.operator.pubkey(), now)], &[&p.operator]).await);
    }
    env.warp(300).await; // 4_800 s after the exit began: the cooldown has passed
    let now = env.now().await;
    let escape = [
        m.attest_ix(&p, &lease, &p.operator.pubkey(), now),
        m.close_ix(&c, &p, &lease, &p.operator.pubkey()),
        m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, STAKE),
    ];
    expect_err(env.send(&escape, &[&p.operator, &p.authority]).await, E::ExposureRemains);
    assert_eq!(env.balance(&p.stake_vault).await, STAKE);
    // The same attestation and close go through on their own; the stake still cannot leave.
    Env::ok(env.send(&escape[..2], &[&p.operator]).await);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.open_leases, pr.lease_records), (0, 1));
    assert!(pr.held_total() > 0);
    expect_err(env.send(&escape[2..], &[&p.authority]).await, E::ExposureRemains);

    // Within the window the consumer contests the ended lease; the arbiter refunds.
    let paid = env.account::<Lease>(&lease.key).await.paid_to_current;
    assert_eq!(paid, 4_800 * 100);
    env.warp(1_000).await;
    Env::ok(env.send(&[m.dispute_ix(&c, &lease)], &[&c.kp]).await);
    let ix = m.resolve_ix(&m.arbiter.pubkey(), &c, &p, &lease, Verdict::Refund);
    let logs = Env::ok(env.send(&[ix], &[&m.arbiter]).await);
    let ev = &events::<synkti_market::events::LeaseEnded>(&logs)[0];
    // Pay earned in the last window's bucket is still held and comes back; the slash is twice
    // the disputed value, the consumer's share bounded by what it could not claw back.
    assert_eq!(ev.outcome, LeaseOutcome::Refunded);
    assert!(ev.clawed_back > 0);
    assert_eq!(ev.slashed, 2 * paid);
    assert_eq!(ev.slash_to_consumer, paid - ev.clawed_back);
    assert_eq!(env.balance(&c.stake_token).await, paid - ev.clawed_back);
    assert_eq!(env.balance(&m.slash_vault).await, 2 * paid - (paid - ev.clawed_back));
    assert_eq!(env.balance(&p.stake_vault).await, STAKE - 2 * paid);
    assert_eq!(env.balance(&c.token).await, 2_000_000 - paid + ev.clawed_back);
    let pr: Provider = env.account(&p.key).await;
    assert_eq!((pr.staked, pr.reputation.disputes_lost), (STAKE - 2 * paid, 1));
    assert_eq!(env.balance(&p.earnings_vault).await, pr.held_total() + pr.unclaimed);
    // After the window, finalize; the cooldown then runs from the end of the last exposure.
    let now = env.now().await;
    let vest = pr.held.iter().map(|t| t.vests_at).max().unwrap().max(now + 3_601);
    env.warp(vest - now).await;
    Env::ok(env.send(&[m.finalize_ix(&c.kp.pubkey(), &c, &p, &lease)], &[&c.kp]).await);
    Env::ok(env.send(&[m.claim_ix(&p, &p.payout, None)], &[&p.authority]).await);
    let left = STAKE - 2 * paid;
    let withdraw = m.withdraw_stake_ix(&p, &p.authority.pubkey(), &p.stake_wallet, left);
    expect_err(env.send(&[withdraw.clone()], &[&p.authority]).await, E::CooldownNotElapsed);
    env.warp(4_200).await;
    Env::ok(env.send(&[withdraw], &[&p.authority]).await);
}

#[tokio::test]
async fn claim_earnings_to_any_account_of_the_mint_by_the_authority_only() {
    let mut env = Env::new().await;
    let m = env.market().await;
    let p = env.provider(&m, 100, 1_000_000).await;
    let c = env.consumer(&m, 1_000_000).await;
    let lease = env.active_lease(&m, &c, &p, 100_000).await;
    env.warp(100).await;
    Env::ok(env.send(&[m.close_ix(&c, &p, &lease, &c.kp.pubkey())], &[&c.kp]).await);
    env.warp(2 * 3_600).await; // held pay has vested
    let cold = env.token_account(&m.mint, &Keypair::new().pubkey(), 0).await;
    let ix = m.claim_ix(&p, &cold, Some(1));
    let mut by_operator = ix.clone();
    by_operator.accounts[0].pubkey = p.operator.pubkey();
    expect_err(env.send(&[by_operator], &[&p.operator]).await, E::Unauthorized);
    let wrong = env.token_account(&m.stake_mint, &p.authority.pubkey(), 0).await;
    expect_err(env.send(&[m.claim_ix(&p, &wrong, None)], &[&p.authority]).await, E::WrongMint);
    Env::ok(env.send(&[m.claim_ix(&p, &cold, Some(4_000))], &[&p.authority]).await);
    // 100 s × 100 = 10_000: fee 250 to the market on vesting, 9_750 unclaimed.
    assert_eq!((env.balance(&cold).await, env.balance(&m.fee_vault).await), (4_000, 250));
    expect_err(env.send(&[m.claim_ix(&p, &cold, Some(5_751))], &[&p.authority]).await, E::InsufficientUnclaimed);
    let logs = Env::ok(env.send(&[m.claim_ix(&p, &cold, None)], &[&p.authority]).await);
    assert_eq!(events::<EarningsClaimed>(&logs)[0].amount, 5_750);
    assert_eq!((env.balance(&cold).await, env.balance(&p.earnings_vault).await), (9_750, 0));
}
