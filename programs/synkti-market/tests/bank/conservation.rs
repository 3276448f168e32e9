//! Property: over random sequences of every lease operation (including ones the program must
//! refuse), tokens are conserved and every account stays in a state its type allows.
//!
//! deposits = provider payouts + fees + refunds + escrow balances (payment mint), and
//! stake deposits = slashed transfers + stake vault balances (stake mint), where payouts, fees,
//! refunds and slashes are summed from the program's own events: the audit trail must add up
//! to the real balances, to the base unit, after every single operation.
//!
//! One bank serves all cases (starting a bank per case would cost more than the case); each
//! case gets fresh mints and a fresh market, so cases cannot see each other's money.
use std::cell::RefCell;

use anchor_lang::prelude::Pubkey;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::events::{LeaseEnded, LeaseMigrated, LeaseOpened, UsageAttested};
use synkti_market::instructions::{OpenLeaseArgs, Verdict};
use synkti_market::state::{Lease, LeaseStatus, Provider, ProviderStatus};

use crate::env::{events, Env};
use crate::fixtures::*;

const CONSUMER_FUNDS: u64 = 10_000_000;
const STAKE: u64 = 2_000_000;
const PRICES: [u64; 2] = [10, 13];
const MAX_LEASES: u64 = 3;

#[derive(Debug, Clone)]
enum Op {
    Open { provider: usize, deposit: u64, cap_ok: bool },
    Accept { lease: u64 },
    Attest { lease: u64, seconds: i64 },
    TopUp { lease: u64, amount: u64 },
    Migrate { lease: u64, to: usize, back: i64 },
    Close { lease: u64, by_consumer: bool },
    Reclaim { lease: u64 },
    Dispute { lease: u64 },
    Resolve { lease: u64, refund: bool },
    Expire { lease: u64 },
    Pause { provider: usize, pause: bool },
    Warp { seconds: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    let lease = 0..MAX_LEASES;
    prop_oneof![
        3 => (0..2usize, 0..200_000u64, prop::bool::weighted(0.9))
            .prop_map(|(provider, deposit, cap_ok)| Op::Open { provider, deposit, cap_ok }),
        3 => lease.clone().prop_map(|lease| Op::Accept { lease }),
        4 => (lease.clone(), 0..900i64).prop_map(|(lease, seconds)| Op::Attest { lease, seconds }),
        1 => (lease.clone(), 0..50_000u64).prop_map(|(lease, amount)| Op::TopUp { lease, amount }),
        2 => (lease.clone(), 0..2usize, 0..120i64).prop_map(|(lease, to, back)| Op::Migrate { lease, to, back }),
        2 => (lease.clone(), any::<bool>()).prop_map(|(lease, by_consumer)| Op::Close { lease, by_consumer }),
        1 => lease.clone().prop_map(|lease| Op::Reclaim { lease }),
        1 => lease.clone().prop_map(|lease| Op::Dispute { lease }),
        1 => (lease.clone(), any::<bool>()).prop_map(|(lease, refund)| Op::Resolve { lease, refund }),
        1 => lease.clone().prop_map(|lease| Op::Expire { lease }),
        1 => (0..2usize, any::<bool>()).prop_map(|(provider, pause)| Op::Pause { provider, pause }),
        3 => prop_oneof![1..120i64, 500..4_000i64].prop_map(|seconds| Op::Warp { seconds }),
    ]
}

/// Long-lived keys, funded once; each case builds a new market around them.
struct Cast {
    creator: Keypair,
    arbiter: Keypair,
    treasury: Keypair,
    authorities: [Keypair; 2],
    operators: [Keypair; 2],
}

struct Case {
    m: MarketFx,
    providers: [ProviderFx; 2],
    consumer: ConsumerFx,
    /// What the test knows from successful instructions and their events.
    deposits: u64,
    payouts: u64,
    fees: u64,
    refunds: u64,
    slashed: u64,
    /// Live lease nonces, from LeaseOpened / LeaseEnded events.
    live: Vec<u64>,
    /// Leases whose LeaseEnded event was just seen; `check` confirms they are gone.
    ended: Vec<Pubkey>,
}

impl Cast {
    async fn new(env: &mut Env) -> Self {
        let cast = Self {
            creator: Keypair::new(),
            arbiter: Keypair::new(),
            treasury: Keypair::new(),
            authorities: [Keypair::new(), Keypair::new()],
            operators: [Keypair::new(), Keypair::new()],
        };
        for k in [&cast.creator, &cast.authorities[0], &cast.authorities[1]] {
            env.fund(&k.pubkey(), 1_000 * SOL).await;
        }
        cast
    }

    /// A fresh market, two staked providers and a funded consumer, in seven transactions.
    async fn case(&self, env: &mut Env) -> Case {
        let mint = env.create_mint().await;
        let stake_mint = env.create_mint().await;
        let key = market_pda(&self.creator.pubkey(), &mint);
        let params = default_params(self.arbiter.pubkey(), self.treasury.pubkey());
        let m = MarketFx {
            creator: self.creator.insecure_clone(),
            arbiter: self.arbiter.insecure_clone(),
            treasury: self.treasury.insecure_clone(),
            key,
            mint,
            stake_mint,
            fee_vault: fee_vault_pda(&key),
            params: params.clone(),
        };
        // Lease addresses are per (consumer, nonce), so each case needs its own consumer.
        let consumer = Keypair::new();
        let [a0, a1] = [self.authorities[0].pubkey(), self.authorities[1].pubkey()];
        let wallets =
            env.token_accounts(&[(mint, a0, 0), (stake_mint, a0, STAKE), (mint, a1, 0), (stake_mint, a1, STAKE)]).await;
        let own =
            env.token_accounts(&[(mint, consumer.pubkey(), CONSUMER_FUNDS), (stake_mint, consumer.pubkey(), 0)]).await;
        let providers: [ProviderFx; 2] = std::array::from_fn(|i| {
            let key = provider_pda(&m.key, &self.authorities[i].pubkey());
            ProviderFx {
                authority: self.authorities[i].insecure_clone(),
                operator: self.operators[i].insecure_clone(),
                key,
                stake_vault: stake_vault_pda(&key),
                payout: wallets[2 * i],
                stake_wallet: wallets[2 * i + 1],
            }
        });
        let ixs = [
            m.create_ix(&self.creator.pubkey(), &mint, &stake_mint, params),
            anchor_lang::solana_program::system_instruction::transfer(&env.payer(), &consumer.pubkey(), 10 * SOL),
        ];
        Env::ok(env.send(&ixs, &[&self.creator]).await);
        let mut ixs = vec![];
        for (i, p) in providers.iter().enumerate() {
            let authority = p.authority.pubkey();
            ixs.push(m.register_ix(&authority, &p.operator.pubkey(), &p.payout, gpu("H100", "eu"), PRICES[i]));
            ixs.push(m.deposit_stake_ix(p, &authority, &p.stake_wallet, STAKE));
        }
        Env::ok(env.send(&ixs, &[&self.authorities[0], &self.authorities[1]]).await);
        let consumer = ConsumerFx { kp: consumer, token: own[0], stake_token: own[1] };
        Case {
            m,
            providers,
            consumer,
            deposits: 0,
            payouts: 0,
            fees: 0,
            refunds: 0,
            slashed: 0,
            live: vec![],
            ended: vec![],
        }
    }
}

fn lease_fx(consumer: &Pubkey, nonce: u64) -> LeaseFx {
    let key = lease_pda(consumer, nonce);
    LeaseFx { key, escrow: escrow_pda(&key) }
}

impl Case {
    async fn lease(&self, env: &mut Env, n: u64) -> Option<(LeaseFx, Lease, usize)> {
        let fx = lease_fx(&self.consumer.kp.pubkey(), n);
        if !self.live.contains(&n) {
            return None;
        }
        let l: Lease = env.account(&fx.key).await;
        let who = self.providers.iter().position(|p| p.key == l.provider).expect("lease points at a known provider");
        Some((fx, l, who))
    }

    /// Applies one operation; refusals are expected and simply leave everything unchanged.
    async fn apply(&mut self, env: &mut Env, op: &Op) {
        let now = env.now().await;
        let (m, c) = (&self.m, &self.consumer);
        let result = match *op {
            Op::Open { provider, deposit, cap_ok } => {
                let p = &self.providers[provider];
                // The lowest free nonce, as a consumer reusing closed ones would; with all
                // taken, nonce 0 is tried and must be refused.
                let nonce = (0..MAX_LEASES).find(|n| !self.live.contains(n)).unwrap_or(0);
                let cap = if cap_ok { PRICES[provider] } else { PRICES[provider] - 1 };
                let args = OpenLeaseArgs { nonce, job_spec_hash: [0; 32], max_price_per_second: cap, deposit };
                let r = env.try_open_lease(m, c, &p.key, args).await;
                if r.is_ok() {
                    self.deposits += deposit;
                }
                r
            }
            Op::Warp { seconds } => {
                env.warp(seconds).await;
                Ok(vec![])
            }
            Op::Pause { provider, pause } => {
                let p = &self.providers[provider];
                let ix = if pause { m.pause_ix(p, &p.operator.pubkey()) } else { m.resume_ix(p, &p.operator.pubkey()) };
                env.send(&[ix], &[&p.operator]).await
            }
            ref lease_op => {
                let n = match *lease_op {
                    Op::Accept { lease }
                    | Op::Attest { lease, .. }
                    | Op::TopUp { lease, .. }
                    | Op::Migrate { lease, .. }
                    | Op::Close { lease, .. }
                    | Op::Reclaim { lease }
                    | Op::Dispute { lease }
                    | Op::Resolve { lease, .. }
                    | Op::Expire { lease } => lease,
                    _ => unreachable!(),
                };
                let Some((fx, l, who)) = self.lease(env, n).await else {
                    return;
                };
                let p = &self.providers[who];
                let other = &self.providers[1 - who];
                match *lease_op {
                    Op::Accept { .. } => env.send(&[m.accept_ix(p, &fx, &p.operator.pubkey())], &[&p.operator]).await,
                    Op::Attest { seconds, .. } => {
                        let until = l.settled_until + seconds;
                        env.send(&[m.attest_ix(p, &fx, &p.operator.pubkey(), until)], &[&p.operator]).await
                    }
                    Op::TopUp { amount, .. } => {
                        let r = env.send(&[m.top_up_ix(c, &fx, &c.token, amount)], &[&c.kp]).await;
                        if r.is_ok() {
                            self.deposits += amount;
                        }
                        r
                    }
                    Op::Migrate { to, back, .. } => {
                        let target = if to == who { p } else { other };
                        env.send(&[m.migrate_ix(p, target, &fx, now - back)], &[&p.operator, &target.operator]).await
                    }
                    Op::Close { by_consumer, .. } => {
                        let (signer, kp) =
                            if by_consumer { (c.kp.pubkey(), &c.kp) } else { (p.operator.pubkey(), &p.operator) };
                        env.send(&[m.close_ix(c, p, &fx, &signer)], &[kp]).await
                    }
                    Op::Reclaim { .. } => env.send(&[m.reclaim_ix(c, p, &fx)], &[&c.kp]).await,
                    Op::Dispute { .. } => env.send(&[m.dispute_ix(c, &fx)], &[&c.kp]).await,
                    Op::Resolve { refund, .. } => {
                        let verdict = if refund { Verdict::Refund } else { Verdict::Release };
                        env.send(&[m.resolve_ix(&m.arbiter.pubkey(), c, p, &fx, verdict)], &[&m.arbiter]).await
                    }
                    Op::Expire { .. } => env.send(&[m.expire_ix(&c.kp.pubkey(), c, p, &fx)], &[&c.kp]).await,
                    _ => unreachable!(),
                }
            }
        };
        if let Ok(logs) = result {
            for e in events::<LeaseOpened>(&logs) {
                self.live.push(e.nonce);
            }
            for e in events::<UsageAttested>(&logs) {
                self.payouts += e.payout;
                self.fees += e.fee;
            }
            for e in events::<LeaseMigrated>(&logs) {
                self.payouts += e.payout;
                self.fees += e.fee;
            }
            for e in events::<LeaseEnded>(&logs) {
                self.payouts += e.payout;
                self.fees += e.fee;
                self.refunds += e.refund;
                self.slashed += e.slashed;
                self.live.retain(|&n| lease_fx(&self.consumer.kp.pubkey(), n).key != e.lease);
                self.ended.push(e.lease);
            }
        }
    }

    /// The invariants, read back from the bank.
    async fn check(&mut self, env: &mut Env) -> Result<(), TestCaseError> {
        for lease in std::mem::take(&mut self.ended) {
            // Events say it ended: the bank must agree (account closed, rent returned).
            prop_assert!(!env.exists(&lease).await, "ended lease still exists");
            prop_assert!(!env.exists(&escrow_pda(&lease)).await, "ended lease's escrow still exists");
        }
        let now = env.now().await;
        let mut escrows = 0;
        let mut open_per_provider = [0u32; 2];
        for n in 0..MAX_LEASES {
            let Some((fx, l, who)) = self.lease(env, n).await else {
                continue;
            };
            let balance = env.balance(&fx.escrow).await;
            let accounted = l.deposited.checked_sub(l.paid_to_providers + l.fees_paid);
            prop_assert_eq!(Some(balance), accounted, "escrow balance vs lease accounting");
            prop_assert!(l.settled_until <= now, "settled in the future");
            prop_assert!(l.price_per_second <= l.max_price_per_second, "price above the consumer's cap");
            if l.status != LeaseStatus::Open {
                open_per_provider[who] += 1;
            }
            escrows += balance;
        }
        let payouts = env.balance(&self.providers[0].payout).await + env.balance(&self.providers[1].payout).await;
        let fees = env.balance(&self.m.fee_vault).await;
        let consumer = env.balance(&self.consumer.token).await;
        prop_assert_eq!(payouts, self.payouts, "payout balances vs events");
        prop_assert_eq!(fees, self.fees, "fee vault vs events");
        prop_assert_eq!(
            consumer,
            CONSUMER_FUNDS - self.deposits + self.refunds,
            "consumer balance vs deposits and refunds"
        );
        prop_assert_eq!(self.deposits, self.payouts + self.fees + self.refunds + escrows, "payment-mint conservation");

        let mut vaults = 0;
        for (i, p) in self.providers.iter().enumerate() {
            let stored: Provider = env.account(&p.key).await;
            let vault = env.balance(&p.stake_vault).await;
            prop_assert_eq!(stored.staked, vault, "stake record vs vault");
            prop_assert_eq!(stored.open_leases, open_per_provider[i], "open lease count");
            prop_assert_eq!(stored.reputation.earned, env.balance(&p.payout).await, "earned vs payout balance");
            prop_assert!(!matches!(stored.status, ProviderStatus::Exiting { .. }), "nothing here begins an exit");
            vaults += vault;
        }
        let slashed = env.balance(&self.consumer.stake_token).await;
        prop_assert_eq!(slashed, self.slashed, "slashed transfers vs events");
        prop_assert_eq!(2 * STAKE, slashed + vaults, "stake-mint conservation");
        Ok(())
    }
}

/// Runs `cases` sequences on one bank of its own.
fn run_worker(cases: u32) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let env = RefCell::new(rt.block_on(Env::new()));
    let cast = rt.block_on(Cast::new(&mut env.borrow_mut()));
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    runner
        .run(&prop::collection::vec(op(), 1..14), |ops| {
            rt.block_on(async {
                let env = &mut env.borrow_mut();
                let mut case = cast.case(env).await;
                for op in &ops {
                    case.apply(env, op).await;
                    case.check(env).await?;
                }
                Ok(())
            })
        })
        .unwrap();
}

#[test]
fn tokens_are_conserved_over_random_operation_sequences() {
    let cases: u32 = std::env::var("SYNKTI_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4) as u32;
    let started = std::time::Instant::now();
    // Each worker has its own bank and its own random seed; together they run `cases`.
    std::thread::scope(|s| {
        for w in 0..workers {
            let share = cases / workers + u32::from(w < cases % workers);
            s.spawn(move || run_worker(share));
        }
    });
    eprintln!("conservation: {cases} sequences on {workers} banks in {:.1?}", started.elapsed());
}
