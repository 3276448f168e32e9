//! Property: over random sequences of every lease operation — including hostile ones and ones
//! the program must refuse — tokens are conserved and every account stays in a state its type
//! allows.
//!
//! After every operation, read back from the bank:
//! - payment mint: consumer + payout + claim destinations + escrows + earnings vaults + fee vault
//!   + treasury = what was minted, to the base unit; stake mint: stake wallets + stake vaults +
//!   the consumer's slash account + slash vault + treasury = what was minted;
//! - the consumer's balance equals its event trail (deposits, top-ups and bonds out; refunds,
//!   claw-backs and finalize strays in), its slash account the slashes the events gave it;
//! - every lease: escrow = available + bond while live, = bond when disputed after its end,
//!   = 0 once ended; bond set exactly while disputed; settled ≤ now; price ≤ its cap; hand-offs
//!   ≤ its limit; its unvested tranches covered by its provider's;
//! - every provider: staked = stake vault; earnings vault = unclaimed + held; open leases and
//!   lease records = what the leases say; never exiting.
//!
//! Hostile actors among the operations: a provider that self-attests the most it may without
//! serving, a consumer that opens a minimal lease and disputes it at once, a squatter that
//! registers a taken operator key, and a provider (index 1) whose payout account is closed, so
//! everything final it earns is credited as unclaimed.
//!
//! The test prints how many operations of each kind went through (the rest were refused);
//! `SYNKTI_DEBUG_OPS=1` prints every refusal.
//!
//! One bank serves all cases of a worker; each case gets fresh mints and a fresh market, so
//! cases cannot see each other's money.
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use anchor_lang::prelude::Pubkey;
use anchor_spl::token::spl_token;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::events::{DisputeOpened, LeaseEnded, LeaseFinalized, LeaseOpened, LeaseToppedUp};
use synkti_market::instructions::{OpenLeaseArgs, Verdict};
use synkti_market::state::{Lease, LeaseStatus, Market, MigrationPolicy, Provider, ProviderStatus};

use crate::env::{events, Env, TxResult};
use crate::fixtures::*;

const CONSUMER_FUNDS: u64 = 10_000_000;
const STAKE_WALLET: u64 = 3_000_000;
const STAKE: u64 = 2_000_000;
const PRICES: [u64; 2] = [10, 13];
const MAX_LEASES: usize = 5;
const ANY_LEASE: usize = 3 * MAX_LEASES;

#[derive(Debug, Clone)]
enum Op {
    /// Opens a lease (the consumer's policy: a price cap, and whether hand-offs need its
    /// consent), which the provider accepts at once when `accept`.
    Open {
        provider: usize,
        deposit: u64,
        cap_ok: bool,
        consent: bool,
        accept: bool,
    },
    Accept {
        lease: usize,
    },
    /// Self-attests up to `back` seconds before now.
    Attest {
        lease: usize,
        back: i64,
    },
    /// A provider bills the most it may on its own word, serving or not.
    AttestMax {
        lease: usize,
    },
    /// Attests on the consumer's receipt from the last settlement up to `back` seconds before now.
    AttestReceipt {
        lease: usize,
        back: i64,
    },
    TopUp {
        lease: usize,
        amount: u64,
    },
    Migrate {
        lease: usize,
        back: i64,
        consent: bool,
    },
    Close {
        lease: usize,
        by_consumer: bool,
    },
    Reclaim {
        lease: usize,
    },
    Dispute {
        lease: usize,
    },
    /// A consumer opens a minimal lease, and disputes it as soon as it is accepted.
    Sybil {
        provider: usize,
    },
    Resolve {
        lease: usize,
        refund: bool,
    },
    Expire {
        lease: usize,
    },
    Finalize {
        lease: usize,
    },
    Claim {
        provider: usize,
        all: bool,
    },
    WithdrawFees {
        slashes: bool,
    },
    /// A squatter registers a provider under an operator key that is taken.
    Squat {
        provider: usize,
    },
    Pause {
        provider: usize,
        pause: bool,
    },
    Warp {
        seconds: i64,
    },
}

/// How many operations of each kind went through and were refused, over all workers: the
/// property means little if the interesting operations never succeed.
static TRIED: [AtomicU64; KINDS] = [const { AtomicU64::new(0) }; KINDS];
static PASSED: [AtomicU64; KINDS] = [const { AtomicU64::new(0) }; KINDS];
const KINDS: usize = 19;
const NAMES: [&str; KINDS] = [
    "open",
    "accept",
    "attest",
    "attest-max",
    "receipt",
    "top-up",
    "migrate",
    "close",
    "reclaim",
    "dispute",
    "sybil",
    "resolve",
    "expire",
    "finalize",
    "claim",
    "withdraw",
    "squat",
    "pause",
    "warp",
];

impl Op {
    fn kind(&self) -> usize {
        match self {
            Op::Open { .. } => 0,
            Op::Accept { .. } => 1,
            Op::Attest { .. } => 2,
            Op::AttestMax { .. } => 3,
            Op::AttestReceipt { .. } => 4,
            Op::TopUp { .. } => 5,
            Op::Migrate { .. } => 6,
            Op::Close { .. } => 7,
            Op::Reclaim { .. } => 8,
            Op::Dispute { .. } => 9,
            Op::Sybil { .. } => 10,
            Op::Resolve { .. } => 11,
            Op::Expire { .. } => 12,
            Op::Finalize { .. } => 13,
            Op::Claim { .. } => 14,
            Op::WithdrawFees { .. } => 15,
            Op::Squat { .. } => 16,
            Op::Pause { .. } => 17,
            Op::Warp { .. } => 18,
        }
    }
}

fn op() -> impl Strategy<Value = Op> {
    // A lease selector: below ANY_LEASE it picks among leases not yet ended, above among all.
    let lease = 0..ANY_LEASE + MAX_LEASES;
    prop_oneof![
        4 => (0..2usize, 0..120_000u64, prop::bool::weighted(0.9), any::<bool>(), prop::bool::weighted(0.8))
            .prop_map(|(provider, deposit, cap_ok, consent, accept)| Op::Open { provider, deposit, cap_ok, consent, accept }),
        4 => lease.clone().prop_map(|lease| Op::Accept { lease }),
        3 => (lease.clone(), prop_oneof![0..60i64, -5..900i64]).prop_map(|(lease, back)| Op::Attest { lease, back }),
        2 => lease.clone().prop_map(|lease| Op::AttestMax { lease }),
        3 => (lease.clone(), prop_oneof![0..60i64, -5..900i64]).prop_map(|(lease, back)| Op::AttestReceipt { lease, back }),
        1 => (lease.clone(), 0..50_000u64).prop_map(|(lease, amount)| Op::TopUp { lease, amount }),
        2 => (lease.clone(), 0..120i64, any::<bool>()).prop_map(|(lease, back, consent)| Op::Migrate { lease, back, consent }),
        2 => (lease.clone(), any::<bool>()).prop_map(|(lease, by_consumer)| Op::Close { lease, by_consumer }),
        1 => lease.clone().prop_map(|lease| Op::Reclaim { lease }),
        1 => lease.clone().prop_map(|lease| Op::Dispute { lease }),
        1 => (0..2usize).prop_map(|provider| Op::Sybil { provider }),
        3 => (lease.clone(), any::<bool>()).prop_map(|(lease, refund)| Op::Resolve { lease, refund }),
        1 => lease.clone().prop_map(|lease| Op::Expire { lease }),
        // Among all leases: only ended ones can be finalized.
        2 => (0..MAX_LEASES).prop_map(|lease| Op::Finalize { lease: lease + ANY_LEASE }),
        1 => (0..2usize, any::<bool>()).prop_map(|(provider, all)| Op::Claim { provider, all }),
        1 => any::<bool>().prop_map(|slashes| Op::WithdrawFees { slashes }),
        1 => (0..2usize).prop_map(|provider| Op::Squat { provider }),
        1 => (0..2usize, any::<bool>()).prop_map(|(provider, pause)| Op::Pause { provider, pause }),
        10 => prop_oneof![3 => 1..120i64, 2 => 500..4_000i64].prop_map(|seconds| Op::Warp { seconds }),
    ]
}

/// Long-lived keys, funded once; each case builds a new market around them.
struct Cast {
    creator: Keypair,
    arbiter: Keypair,
    treasury: Keypair,
    authorities: [Keypair; 2],
    operators: [Keypair; 2],
    consumer: Keypair,
    squatter: Keypair,
}

struct Case {
    m: MarketFx,
    providers: [ProviderFx; 2],
    consumer: ConsumerFx,
    /// Where each provider claims its earnings to.
    claim_to: [Pubkey; 2],
    treasury_token: Pubkey,
    treasury_stake: Pubkey,
    squatter: Keypair,
    squatter_payout: Pubkey,
    /// Leases whose record exists (opened, not finalized), in opening order.
    leases: Vec<LeaseFx>,
    opened: u64,
    /// The consumer's balance as its event trail says.
    consumer_trail: u64,
    slashed_to_consumer: u64,
}

impl Cast {
    async fn new(env: &mut Env) -> Self {
        let cast = Self {
            creator: Keypair::new(),
            arbiter: Keypair::new(),
            treasury: Keypair::new(),
            authorities: [Keypair::new(), Keypair::new()],
            operators: [Keypair::new(), Keypair::new()],
            consumer: Keypair::new(),
            squatter: Keypair::new(),
        };
        for k in [&cast.creator, &cast.authorities[0], &cast.authorities[1], &cast.consumer, &cast.squatter] {
            env.fund(&k.pubkey(), 10_000 * SOL).await;
        }
        cast
    }

    /// A fresh market, two staked providers (the second with its payout account closed) and a
    /// funded consumer.
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
            slash_vault: slash_vault_pda(&key),
            params: params.clone(),
        };
        let [a0, a1] = [self.authorities[0].pubkey(), self.authorities[1].pubkey()];
        let (c, t) = (self.consumer.pubkey(), self.treasury.pubkey());
        let mut wallets = env
            .token_accounts(&[
                (mint, a0, 0),
                (stake_mint, a0, STAKE_WALLET),
                (mint, a1, 0),
                (stake_mint, a1, STAKE_WALLET),
            ])
            .await;
        wallets.extend(
            env.token_accounts(&[(mint, c, CONSUMER_FUNDS), (stake_mint, c, 0), (mint, a0, 0), (mint, a1, 0)]).await,
        );
        wallets
            .extend(env.token_accounts(&[(mint, t, 0), (stake_mint, t, 0), (mint, self.squatter.pubkey(), 0)]).await);
        let providers: [ProviderFx; 2] = std::array::from_fn(|i| {
            let key = provider_pda(&m.key, &self.authorities[i].pubkey(), 0);
            ProviderFx {
                authority: self.authorities[i].insecure_clone(),
                operator: self.operators[i].insecure_clone(),
                index: 0,
                key,
                stake_vault: stake_vault_pda(&key),
                earnings_vault: earnings_vault_pda(&key),
                payout: wallets[2 * i],
                stake_wallet: wallets[2 * i + 1],
            }
        });
        Env::ok(env.send(&[m.create_ix(&self.creator.pubkey(), &mint, &stake_mint, params)], &[&self.creator]).await);
        for (i, p) in providers.iter().enumerate() {
            let authority = p.authority.pubkey();
            let mut ixs = vec![
                m.register_ix(&authority, &p.operator.pubkey(), 0, &p.payout, gpu("H100", "eu"), PRICES[i]),
                m.deposit_stake_ix(p, &authority, &p.stake_wallet, STAKE),
            ];
            if i == 1 {
                let close =
                    spl_token::instruction::close_account(&spl_token::ID, &p.payout, &authority, &authority, &[]);
                ixs.push(close.unwrap());
            }
            Env::ok(env.send(&ixs, &[&p.authority, &p.operator]).await);
        }
        let consumer = ConsumerFx { kp: self.consumer.insecure_clone(), token: wallets[4], stake_token: wallets[5] };
        Case {
            m,
            providers,
            consumer,
            claim_to: [wallets[6], wallets[7]],
            treasury_token: wallets[8],
            treasury_stake: wallets[9],
            squatter: self.squatter.insecure_clone(),
            squatter_payout: wallets[10],
            leases: vec![],
            opened: 0,
            consumer_trail: CONSUMER_FUNDS,
            slashed_to_consumer: 0,
        }
    }
}

impl Case {
    async fn lease(&self, env: &mut Env, n: usize) -> Option<(LeaseFx, Lease, usize)> {
        let mut live = vec![];
        for fx in &self.leases {
            if !env.account::<Lease>(&fx.key).await.is_ended() {
                live.push(*fx);
            }
        }
        let from = if n < ANY_LEASE && !live.is_empty() { &live } else { &self.leases };
        let fx = *from.get(n % from.len().max(1))?;
        let l: Lease = env.account(&fx.key).await;
        let who = self.providers.iter().position(|p| p.key == l.provider).expect("lease points at a known provider");
        Some((fx, l, who))
    }

    async fn open(&mut self, env: &mut Env, provider: usize, args: OpenLeaseArgs) -> Option<(TxResult, LeaseFx)> {
        if self.leases.len() >= MAX_LEASES {
            return None;
        }
        let lease = env.next_lease(&self.m).await;
        let ix = self.m.open_lease_ix(&self.consumer, &self.providers[provider].key, &lease, args);
        let r = env.send(&[ix], &[&self.consumer.kp]).await;
        if r.is_ok() {
            self.leases.push(lease);
            self.opened += 1;
        }
        Some((r, lease))
    }

    /// Applies one operation; refusals are expected and must leave everything unchanged.
    async fn apply(&mut self, env: &mut Env, op: &Op) -> Result<(), TestCaseError> {
        let now = env.now().await;
        let results: Vec<TxResult> = match *op {
            Op::Open { provider, deposit, cap_ok, consent, accept } => {
                let price = PRICES[provider];
                let policy = MigrationPolicy {
                    max_price_per_second: if cap_ok { PRICES[1] } else { price - 1 },
                    max_migrations: 2,
                    providers_may_migrate: !consent,
                };
                let args = OpenLeaseArgs { job_spec_hash: [0; 32], deposit, policy, receipt_signer: None };
                match self.open(env, provider, args).await {
                    Some((r, lease)) if r.is_ok() && accept => {
                        let p = &self.providers[provider];
                        let ix = self.m.accept_ix(p, &lease, &p.operator.pubkey());
                        vec![r, env.send(&[ix], &[&p.operator]).await]
                    }
                    Some((r, _)) => vec![r],
                    None => vec![],
                }
            }
            Op::Sybil { provider } => {
                let args = Env::lease_args(PRICES[provider] * 600);
                let Some((r, lease)) = self.open(env, provider, args).await else {
                    return Ok(());
                };
                let mut results = vec![r];
                if results[0].is_ok() {
                    let p = &self.providers[provider];
                    results.push(env.send(&[self.m.accept_ix(p, &lease, &p.operator.pubkey())], &[&p.operator]).await);
                    results.push(env.send(&[self.m.dispute_ix(&self.consumer, &lease)], &[&self.consumer.kp]).await);
                }
                results
            }
            Op::Warp { seconds } => {
                env.warp(seconds).await;
                vec![]
            }
            Op::Pause { provider, pause } => {
                let (m, p) = (&self.m, &self.providers[provider]);
                let ix = if pause { m.pause_ix(p, &p.operator.pubkey()) } else { m.resume_ix(p, &p.operator.pubkey()) };
                vec![env.send(&[ix], &[&p.operator]).await]
            }
            Op::Claim { provider, all } => {
                let p = &self.providers[provider];
                let amount = if all { None } else { Some(1) };
                vec![env.send(&[self.m.claim_ix(p, &self.claim_to[provider], amount)], &[&p.authority]).await]
            }
            Op::WithdrawFees { slashes } => {
                let m = &self.m;
                let (vault, mint, to) = if slashes {
                    (m.slash_vault, m.stake_mint, self.treasury_stake)
                } else {
                    (m.fee_vault, m.mint, self.treasury_token)
                };
                let amount = env.balance(&vault).await.div_ceil(2).max(1);
                let ix = m.withdraw_from_ix(&m.treasury.pubkey(), &vault, &mint, &to, amount);
                vec![env.send(&[ix], &[&m.treasury]).await]
            }
            Op::Squat { provider } => {
                let p = &self.providers[provider];
                let squatter = self.squatter.pubkey();
                let caps = gpu("H100", "eu");
                let ix = self.m.register_ix(&squatter, &p.operator.pubkey(), 0, &self.squatter_payout, caps, 1);
                let r = env.send(&[ix], &[&self.squatter, &p.operator]).await;
                let taken = crate::env::code(synkti_market::error::SynktiError::OperatorTaken);
                prop_assert!(matches!(&r, Err(crate::env::Failure::Program(c)) if *c == taken), "squatter: {r:?}");
                vec![r]
            }
            ref lease_op => {
                let n = match *lease_op {
                    Op::Accept { lease }
                    | Op::Attest { lease, .. }
                    | Op::AttestMax { lease }
                    | Op::AttestReceipt { lease, .. }
                    | Op::TopUp { lease, .. }
                    | Op::Migrate { lease, .. }
                    | Op::Close { lease, .. }
                    | Op::Reclaim { lease }
                    | Op::Dispute { lease }
                    | Op::Resolve { lease, .. }
                    | Op::Expire { lease }
                    | Op::Finalize { lease } => lease,
                    _ => unreachable!(),
                };
                let Some((fx, l, who)) = self.lease(env, n).await else {
                    return Ok(());
                };
                let (m, c) = (&self.m, &self.consumer);
                let p = &self.providers[who];
                let other = &self.providers[1 - who];
                let op_key = p.operator.pubkey();
                let r = match *lease_op {
                    Op::Accept { .. } => env.send(&[m.accept_ix(p, &fx, &op_key)], &[&p.operator]).await,
                    Op::Attest { back, .. } => {
                        env.send(&[m.attest_ix(p, &fx, &op_key, now - back)], &[&p.operator]).await
                    }
                    Op::AttestMax { .. } => {
                        let until = now.min(l.last_activity_at + m.params.max_attestation_gap_secs);
                        env.send(&[m.attest_ix(p, &fx, &op_key, until)], &[&p.operator]).await
                    }
                    Op::AttestReceipt { back, .. } => {
                        let ixs = m.attest_receipt_ixs(c, p, &fx, l.settled_until, now - back);
                        env.send(&ixs, &[&p.operator]).await
                    }
                    Op::TopUp { amount, .. } => env.send(&[m.top_up_ix(c, &fx, &c.token, amount)], &[&c.kp]).await,
                    Op::Migrate { back, consent, .. } => {
                        let consumer = consent.then(|| c.kp.pubkey());
                        let ix = m.migrate_signed_ix(p, other, &fx, now - back, consumer);
                        if consent {
                            env.send(&[ix], &[&p.operator, &other.operator, &c.kp]).await
                        } else {
                            env.send(&[ix], &[&p.operator, &other.operator]).await
                        }
                    }
                    Op::Close { by_consumer, .. } => {
                        let (signer, kp) = if by_consumer { (c.kp.pubkey(), &c.kp) } else { (op_key, &p.operator) };
                        env.send(&[m.close_ix(c, p, &fx, &signer)], &[kp]).await
                    }
                    Op::Reclaim { .. } => env.send(&[m.reclaim_ix(c, p, &fx)], &[&c.kp]).await,
                    Op::Dispute { .. } => env.send(&[m.dispute_ix(c, &fx)], &[&c.kp]).await,
                    Op::Resolve { refund, .. } => {
                        let verdict = if refund { Verdict::Refund } else { Verdict::Release };
                        env.send(&[m.resolve_ix(&m.arbiter.pubkey(), c, p, &fx, verdict)], &[&m.arbiter]).await
                    }
                    Op::Expire { .. } => env.send(&[m.expire_ix(&c.kp.pubkey(), c, p, &fx)], &[&c.kp]).await,
                    Op::Finalize { .. } => {
                        let r = env.send(&[m.finalize_ix(&c.kp.pubkey(), c, p, &fx)], &[&c.kp]).await;
                        if r.is_ok() {
                            prop_assert!(
                                !env.exists(&fx.key).await && !env.exists(&fx.escrow).await,
                                "finalized lease remains"
                            );
                            self.leases.retain(|x| x.key != fx.key);
                        }
                        r
                    }
                    _ => unreachable!(),
                };
                vec![r]
            }
        };
        if let Some(last) = results.last() {
            TRIED[op.kind()].fetch_add(1, Ordering::Relaxed);
            if last.is_ok() {
                PASSED[op.kind()].fetch_add(1, Ordering::Relaxed);
            } else if std::env::var("SYNKTI_DEBUG_OPS").is_ok() {
                eprintln!("{op:?} -> {last:?}");
            }
        }
        for logs in results.iter().flatten() {
            for e in events::<LeaseOpened>(logs) {
                self.consumer_trail -= e.deposit;
            }
            for e in events::<LeaseToppedUp>(logs) {
                self.consumer_trail -= e.amount;
            }
            for e in events::<DisputeOpened>(logs) {
                self.consumer_trail -= e.bond;
            }
            for e in events::<LeaseEnded>(logs) {
                self.consumer_trail += e.refund + e.clawed_back;
                self.slashed_to_consumer += e.slash_to_consumer;
                prop_assert!(e.slash_to_consumer <= e.slashed, "consumer's share above the slash");
            }
            for e in events::<LeaseFinalized>(logs) {
                self.consumer_trail += e.refund;
            }
        }
        Ok(())
    }

    /// The invariants, read back from the bank.
    async fn check(&mut self, env: &mut Env) -> Result<(), TestCaseError> {
        let now = env.now().await;
        let bond = self.m.params.dispute_bond;
        let mut escrows = 0;
        let mut open = [0u32; 2];
        let mut records = [0u32; 2];
        let mut stored: Vec<Provider> = vec![];
        for p in &self.providers {
            stored.push(env.account(&p.key).await);
        }
        for fx in self.leases.clone() {
            let l: Lease = env.account(&fx.key).await;
            let who = self.providers.iter().position(|p| p.key == l.provider).expect("known provider");
            let balance = env.balance(&fx.escrow).await;
            let available = l.available().map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            records[who] += 1;
            match l.status {
                LeaseStatus::Open | LeaseStatus::Active => {
                    open[who] += 1;
                    prop_assert_eq!(balance, available, "escrow of a live lease");
                    prop_assert_eq!(l.bond, 0);
                }
                LeaseStatus::Disputed { ended_at: None, .. } => {
                    open[who] += 1;
                    prop_assert_eq!(balance, available + bond, "escrow of a disputed lease");
                    prop_assert_eq!(l.bond, bond);
                }
                LeaseStatus::Disputed { ended_at: Some(_), .. } => {
                    prop_assert_eq!(balance, bond, "escrow of a lease disputed after its end");
                    prop_assert_eq!(l.bond, bond);
                }
                LeaseStatus::Ended { .. } => {
                    prop_assert_eq!(balance, 0, "escrow of an ended lease");
                    prop_assert_eq!(l.bond, 0);
                }
            }
            prop_assert!(l.settled_until <= now, "settled in the future");
            prop_assert!(l.price_per_second <= l.policy.max_price_per_second, "price above the consumer's cap");
            prop_assert!(l.migration_count <= l.policy.max_migrations, "more hand-offs than allowed");
            // What a refund may claw back from this lease is still held by its provider.
            for t in l.held.iter().filter(|t| t.vests_at > now && (t.payout > 0 || t.fee > 0)) {
                let covered =
                    stored[who].held.iter().any(|h| h.vests_at == t.vests_at && h.payout >= t.payout && h.fee >= t.fee);
                prop_assert!(covered, "lease tranche not covered by the provider's");
            }
            escrows += balance;
        }
        let market: Market = env.account(&self.m.key).await;
        prop_assert_eq!(market.lease_count, self.opened, "lease counter");
        prop_assert_eq!(market.provider_count, 2, "a squatter got in");

        let mut payment = escrows;
        let mut stake = 0;
        for (i, p) in self.providers.iter().enumerate() {
            let s = &stored[i];
            let vault = env.balance(&p.stake_vault).await;
            let earnings = env.balance(&p.earnings_vault).await;
            prop_assert_eq!(s.staked, vault, "stake record vs vault");
            prop_assert_eq!(earnings, s.unclaimed + s.held_total(), "earnings vault vs unclaimed + held");
            prop_assert_eq!(s.open_leases, open[i], "open lease count");
            prop_assert_eq!(s.lease_records, records[i], "lease record count");
            prop_assert!(!matches!(s.status, ProviderStatus::Exiting { .. }), "nothing here begins an exit");
            payment += earnings + env.balance(&self.claim_to[i]).await;
            stake += vault + env.balance(&p.stake_wallet).await;
        }
        prop_assert!(!env.exists(&self.providers[1].payout).await, "closed payout account came back");
        payment += env.balance(&self.providers[0].payout).await;
        let consumer = env.balance(&self.consumer.token).await;
        prop_assert_eq!(consumer, self.consumer_trail, "consumer balance vs its event trail");
        payment += consumer + env.balance(&self.m.fee_vault).await + env.balance(&self.treasury_token).await;
        payment += env.balance(&self.squatter_payout).await;
        prop_assert_eq!(payment, CONSUMER_FUNDS, "payment-mint conservation");

        let slashed = env.balance(&self.consumer.stake_token).await;
        prop_assert_eq!(slashed, self.slashed_to_consumer, "consumer's slashes vs events");
        stake += slashed + env.balance(&self.m.slash_vault).await + env.balance(&self.treasury_stake).await;
        prop_assert_eq!(stake, 2 * STAKE_WALLET, "stake-mint conservation");
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
        .run(&prop::collection::vec(op(), 1..30), |ops| {
            rt.block_on(async {
                let env = &mut env.borrow_mut();
                let mut case = cast.case(env).await;
                for op in &ops {
                    case.apply(env, op).await?;
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
    let counts: Vec<String> = (0..KINDS)
        .map(|k| format!("{} {}/{}", NAMES[k], PASSED[k].load(Ordering::Relaxed), TRIED[k].load(Ordering::Relaxed)))
        .collect();
    eprintln!("  went through / sent: {}", counts.join(", "));
}
