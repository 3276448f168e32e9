//! Parties of a market (creator, providers, consumers) and one builder per instruction, so each
//! suite states only what differs from the ordinary case.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use anchor_spl::token::spl_token;
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::constants::*;
use synkti_market::instructions::{
    AttestUsageArgs, MarketUpdate, OpenLeaseArgs, RegisterProviderArgs, UpdateProviderArgs, Verdict,
};
use synkti_market::receipt::Receipt;
use synkti_market::state::{Capabilities, Cloud, Market, MarketParams, MigrationPolicy};
use synkti_market::{accounts as acc, instruction as ix, ID};

use crate::env::{Env, TxResult};

pub const SOL: u64 = 1_000_000_000;
pub const INSTRUCTIONS_SYSVAR: Pubkey = solana_instructions_sysvar::ID;

pub fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &ID).0
}

pub fn market_pda(creator: &Pubkey, mint: &Pubkey) -> Pubkey {
    pda(&[MARKET_SEED, creator.as_ref(), mint.as_ref()])
}
pub fn fee_vault_pda(market: &Pubkey) -> Pubkey {
    pda(&[FEE_VAULT_SEED, market.as_ref()])
}
pub fn slash_vault_pda(market: &Pubkey) -> Pubkey {
    pda(&[SLASH_VAULT_SEED, market.as_ref()])
}
pub fn provider_pda(market: &Pubkey, authority: &Pubkey, index: u16) -> Pubkey {
    pda(&[PROVIDER_SEED, market.as_ref(), authority.as_ref(), &index.to_le_bytes()])
}
pub fn operator_pda(market: &Pubkey, operator: &Pubkey) -> Pubkey {
    pda(&[OPERATOR_SEED, market.as_ref(), operator.as_ref()])
}
pub fn stake_vault_pda(provider: &Pubkey) -> Pubkey {
    pda(&[STAKE_VAULT_SEED, provider.as_ref()])
}
pub fn earnings_vault_pda(provider: &Pubkey) -> Pubkey {
    pda(&[EARNINGS_VAULT_SEED, provider.as_ref()])
}
pub fn lease_pda(market: &Pubkey, id: u64) -> Pubkey {
    pda(&[LEASE_SEED, market.as_ref(), &id.to_le_bytes()])
}
pub fn escrow_pda(lease: &Pubkey) -> Pubkey {
    pda(&[ESCROW_SEED, lease.as_ref()])
}

fn build(accounts: impl ToAccountMetas, data: impl InstructionData) -> Instruction {
    Instruction { program_id: ID, accounts: accounts.to_account_metas(None), data: data.data() }
}

pub fn default_params(arbiter: Pubkey, treasury: Pubkey) -> MarketParams {
    MarketParams {
        min_stake: 1_000_000,
        fee_bps: 250,
        slash_multiple_bps: 20_000,
        dispute_bond: 100_000,
        min_completion_payment: 1,
        dispute_window_secs: 3_600,
        max_attestation_gap_secs: 600,
        exit_cooldown_secs: 86_400,
        governance_delay_secs: 3_600,
        arbiter,
        treasury,
    }
}

/// A policy that lets providers hand the lease over among themselves, up to 100 times.
pub fn open_policy() -> MigrationPolicy {
    MigrationPolicy { max_price_per_second: u64::MAX, max_migrations: 100, providers_may_migrate: true }
}

pub fn gpu(model: &str, region: &str) -> Capabilities {
    Capabilities {
        gpu_model: model.into(),
        gpu_count: 1,
        vram_gb: 80,
        cloud: Cloud::Aws,
        region: region.into(),
        zone: format!("{region}-1a"),
        spot: true,
    }
}

pub struct MarketFx {
    pub creator: Keypair,
    pub arbiter: Keypair,
    pub treasury: Keypair,
    pub key: Pubkey,
    pub mint: Pubkey,
    pub stake_mint: Pubkey,
    pub fee_vault: Pubkey,
    pub slash_vault: Pubkey,
    pub params: MarketParams,
}

pub struct ProviderFx {
    pub authority: Keypair,
    pub operator: Keypair,
    pub index: u16,
    pub key: Pubkey,
    pub stake_vault: Pubkey,
    pub earnings_vault: Pubkey,
    pub payout: Pubkey,
    /// The authority's stake-mint wallet.
    pub stake_wallet: Pubkey,
}

pub struct ConsumerFx {
    pub kp: Keypair,
    pub token: Pubkey,
    pub stake_token: Pubkey,
}

#[derive(Clone, Copy)]
pub struct LeaseFx {
    pub key: Pubkey,
    pub escrow: Pubkey,
    pub id: u64,
}

impl LeaseFx {
    pub fn new(market: &Pubkey, id: u64) -> Self {
        let key = lease_pda(market, id);
        Self { key, escrow: escrow_pda(&key), id }
    }
}

/// A receipt for `lease` served by `provider`, and the Ed25519 instruction that proves it.
pub fn receipt_ix(signer: &Keypair, lease: &Pubkey, provider: &Pubkey, r: &Receipt) -> Instruction {
    let message = r.message(lease, provider);
    let signature = signer.sign_message(&message);
    solana_ed25519_program::new_ed25519_instruction_with_signature(
        &message,
        signature.as_array(),
        &signer.pubkey().to_bytes(),
    )
}

impl MarketFx {
    pub fn create_ix(&self, creator: &Pubkey, mint: &Pubkey, stake_mint: &Pubkey, params: MarketParams) -> Instruction {
        let market = market_pda(creator, mint);
        build(
            acc::CreateMarket {
                creator: *creator,
                mint: *mint,
                stake_mint: *stake_mint,
                market,
                fee_vault: fee_vault_pda(&market),
                slash_vault: slash_vault_pda(&market),
                token_program: spl_token::ID,
                system_program: system_program::ID,
            },
            ix::CreateMarket { params },
        )
    }

    pub fn update_market_ix(&self, authority: &Pubkey, update: MarketUpdate) -> Instruction {
        build(acc::UpdateMarket { authority: *authority, market: self.key }, ix::UpdateMarket { update })
    }

    pub fn apply_update_ix(&self) -> Instruction {
        build(acc::ApplyMarketUpdate { market: self.key }, ix::ApplyMarketUpdate {})
    }

    pub fn withdraw_fees_ix(&self, treasury: &Pubkey, destination: &Pubkey, amount: u64) -> Instruction {
        self.withdraw_from_ix(treasury, &self.fee_vault, &self.mint, destination, amount)
    }

    pub fn withdraw_from_ix(
        &self,
        treasury: &Pubkey,
        vault: &Pubkey,
        mint: &Pubkey,
        destination: &Pubkey,
        amount: u64,
    ) -> Instruction {
        build(
            acc::WithdrawFees {
                treasury: *treasury,
                market: self.key,
                vault: *vault,
                mint: *mint,
                destination: *destination,
                token_program: spl_token::ID,
            },
            ix::WithdrawFees { amount },
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn register_ix(
        &self,
        authority: &Pubkey,
        operator: &Pubkey,
        index: u16,
        payout: &Pubkey,
        caps: Capabilities,
        price: u64,
    ) -> Instruction {
        let provider = provider_pda(&self.key, authority, index);
        build(
            acc::RegisterProvider {
                authority: *authority,
                operator: *operator,
                market: self.key,
                provider,
                operator_index: operator_pda(&self.key, operator),
                stake_mint: self.stake_mint,
                stake_vault: stake_vault_pda(&provider),
                mint: self.mint,
                earnings_vault: earnings_vault_pda(&provider),
                payout: *payout,
                token_program: spl_token::ID,
                system_program: system_program::ID,
            },
            ix::RegisterProvider { args: RegisterProviderArgs { index, capabilities: caps, price_per_second: price } },
        )
    }

    pub fn update_ix(&self, p: &ProviderFx, authority: &Pubkey, args: UpdateProviderArgs) -> Instruction {
        self.update_with_payout_ix(p, authority, args, None)
    }

    pub fn update_with_payout_ix(
        &self,
        p: &ProviderFx,
        authority: &Pubkey,
        args: UpdateProviderArgs,
        new_payout: Option<Pubkey>,
    ) -> Instruction {
        build(
            acc::UpdateProvider { authority: *authority, market: self.key, provider: p.key, new_payout },
            ix::UpdateProvider { args },
        )
    }

    pub fn rotate_ix(&self, p: &ProviderFx, old_operator: &Pubkey, new_operator: &Pubkey) -> Instruction {
        build(
            acc::RotateOperator {
                authority: p.authority.pubkey(),
                new_operator: *new_operator,
                market: self.key,
                provider: p.key,
                old_index: operator_pda(&self.key, old_operator),
                new_index: operator_pda(&self.key, new_operator),
                system_program: system_program::ID,
            },
            ix::RotateOperator {},
        )
    }

    pub fn claim_ix(&self, p: &ProviderFx, destination: &Pubkey, amount: Option<u64>) -> Instruction {
        build(
            acc::ClaimEarnings {
                authority: p.authority.pubkey(),
                market: self.key,
                provider: p.key,
                earnings_vault: p.earnings_vault,
                fee_vault: self.fee_vault,
                mint: self.mint,
                destination: *destination,
                token_program: spl_token::ID,
            },
            ix::ClaimEarnings { amount },
        )
    }

    pub fn pause_ix(&self, p: &ProviderFx, signer: &Pubkey) -> Instruction {
        build(acc::SetProviderPaused { signer: *signer, provider: p.key }, ix::PauseProvider {})
    }

    pub fn resume_ix(&self, p: &ProviderFx, signer: &Pubkey) -> Instruction {
        build(acc::SetProviderPaused { signer: *signer, provider: p.key }, ix::ResumeProvider {})
    }

    fn stake_transfer(&self, p: &ProviderFx, authority: &Pubkey, wallet: &Pubkey) -> acc::StakeTransfer {
        acc::StakeTransfer {
            authority: *authority,
            market: self.key,
            provider: p.key,
            stake_vault: p.stake_vault,
            stake_mint: self.stake_mint,
            wallet: *wallet,
            token_program: spl_token::ID,
        }
    }

    pub fn deposit_stake_ix(&self, p: &ProviderFx, authority: &Pubkey, from: &Pubkey, amount: u64) -> Instruction {
        build(self.stake_transfer(p, authority, from), ix::DepositStake { amount })
    }

    pub fn begin_exit_ix(&self, p: &ProviderFx, authority: &Pubkey) -> Instruction {
        build(acc::BeginExit { authority: *authority, market: self.key, provider: p.key }, ix::BeginExit {})
    }

    pub fn withdraw_stake_ix(
        &self,
        p: &ProviderFx,
        authority: &Pubkey,
        destination: &Pubkey,
        amount: u64,
    ) -> Instruction {
        build(self.stake_transfer(p, authority, destination), ix::WithdrawStake { amount })
    }

    pub fn open_lease_ix(
        &self,
        c: &ConsumerFx,
        provider: &Pubkey,
        lease: &LeaseFx,
        args: OpenLeaseArgs,
    ) -> Instruction {
        build(
            acc::OpenLease {
                consumer: c.kp.pubkey(),
                market: self.key,
                provider: *provider,
                lease: lease.key,
                mint: self.mint,
                escrow: lease.escrow,
                consumer_token: c.token,
                token_program: spl_token::ID,
                system_program: system_program::ID,
            },
            ix::OpenLease { args },
        )
    }

    pub fn accept_ix(&self, p: &ProviderFx, lease: &LeaseFx, operator: &Pubkey) -> Instruction {
        build(
            acc::AcceptLease { operator: *operator, market: self.key, provider: p.key, lease: lease.key },
            ix::AcceptLease {},
        )
    }

    pub fn attest_with(
        &self,
        p: &ProviderFx,
        lease: &LeaseFx,
        operator: &Pubkey,
        args: AttestUsageArgs,
    ) -> Instruction {
        build(
            acc::AttestUsage {
                operator: *operator,
                market: self.key,
                provider: p.key,
                lease: lease.key,
                escrow: lease.escrow,
                payout: p.payout,
                earnings_vault: p.earnings_vault,
                fee_vault: self.fee_vault,
                mint: self.mint,
                instructions: INSTRUCTIONS_SYSVAR,
                token_program: spl_token::ID,
            },
            ix::AttestUsage { args },
        )
    }

    /// A self-attestation (no receipt): held until it vests.
    pub fn attest_ix(&self, p: &ProviderFx, lease: &LeaseFx, operator: &Pubkey, until: i64) -> Instruction {
        self.attest_with(p, lease, operator, AttestUsageArgs { until, receipt: None })
    }

    /// The consumer's receipt for `from..until` and the attestation carrying it.
    pub fn attest_receipt_ixs(
        &self,
        c: &ConsumerFx,
        p: &ProviderFx,
        lease: &LeaseFx,
        from: i64,
        until: i64,
    ) -> [Instruction; 2] {
        let r = Receipt { from, until, requests: 42, digest: [3; 32] };
        [
            receipt_ix(&c.kp, &lease.key, &p.key, &r),
            self.attest_with(p, lease, &p.operator.pubkey(), AttestUsageArgs { until, receipt: Some(r) }),
        ]
    }

    pub fn top_up_ix(&self, c: &ConsumerFx, lease: &LeaseFx, from: &Pubkey, amount: u64) -> Instruction {
        build(
            acc::TopUpLease {
                consumer: c.kp.pubkey(),
                lease: lease.key,
                escrow: lease.escrow,
                mint: self.mint,
                consumer_token: *from,
                token_program: spl_token::ID,
            },
            ix::TopUpLease { amount },
        )
    }

    pub fn migrate_ix(&self, old: &ProviderFx, new: &ProviderFx, lease: &LeaseFx, handoff_at: i64) -> Instruction {
        self.migrate_signed_ix(old, new, lease, handoff_at, None)
    }

    pub fn migrate_signed_ix(
        &self,
        old: &ProviderFx,
        new: &ProviderFx,
        lease: &LeaseFx,
        handoff_at: i64,
        consumer: Option<Pubkey>,
    ) -> Instruction {
        build(
            acc::MigrateLease {
                old_operator: old.operator.pubkey(),
                new_operator: new.operator.pubkey(),
                consumer,
                market: self.key,
                old_provider: old.key,
                new_provider: new.key,
                lease: lease.key,
                escrow: lease.escrow,
                old_earnings_vault: old.earnings_vault,
                fee_vault: self.fee_vault,
                mint: self.mint,
                token_program: spl_token::ID,
            },
            ix::MigrateLease { handoff_at },
        )
    }

    /// The accounts every ending of a lease touches.
    fn ending(&self, c: &ConsumerFx, p: &ProviderFx, lease: &LeaseFx) -> acc::EndingLease {
        acc::EndingLease {
            market: self.key,
            provider: p.key,
            lease: lease.key,
            escrow: lease.escrow,
            consumer_token: c.token,
            payout: p.payout,
            earnings_vault: p.earnings_vault,
            fee_vault: self.fee_vault,
            mint: self.mint,
            token_program: spl_token::ID,
        }
    }

    pub fn close_ix(&self, c: &ConsumerFx, p: &ProviderFx, lease: &LeaseFx, signer: &Pubkey) -> Instruction {
        build(acc::CloseLease { signer: *signer, ending: self.ending(c, p, lease) }, ix::CloseLease {})
    }

    pub fn reclaim_ix(&self, c: &ConsumerFx, p: &ProviderFx, lease: &LeaseFx) -> Instruction {
        build(
            acc::ReclaimStalledLease {
                consumer: c.kp.pubkey(),
                market: self.key,
                provider: p.key,
                lease: lease.key,
                escrow: lease.escrow,
                consumer_token: c.token,
                mint: self.mint,
                token_program: spl_token::ID,
            },
            ix::ReclaimStalledLease {},
        )
    }

    pub fn dispute_ix(&self, c: &ConsumerFx, lease: &LeaseFx) -> Instruction {
        build(
            acc::OpenDispute {
                consumer: c.kp.pubkey(),
                market: self.key,
                lease: lease.key,
                escrow: lease.escrow,
                consumer_token: c.token,
                mint: self.mint,
                token_program: spl_token::ID,
            },
            ix::OpenDispute { evidence_hash: [7; 32] },
        )
    }

    pub fn evidence_ix(&self, signer: &Pubkey, p: &ProviderFx, lease: &LeaseFx, hash: [u8; 32]) -> Instruction {
        build(
            acc::AddEvidence { signer: *signer, provider: p.key, lease: lease.key },
            ix::AddEvidence { evidence_hash: hash },
        )
    }

    pub fn resolve_ix(
        &self,
        arbiter: &Pubkey,
        c: &ConsumerFx,
        p: &ProviderFx,
        lease: &LeaseFx,
        verdict: Verdict,
    ) -> Instruction {
        build(
            acc::ResolveDispute {
                arbiter: *arbiter,
                ending: self.ending(c, p, lease),
                consumer_stake_token: c.stake_token,
                stake_vault: p.stake_vault,
                slash_vault: self.slash_vault,
                stake_mint: self.stake_mint,
            },
            ix::ResolveDispute { verdict },
        )
    }

    pub fn expire_ix(&self, caller: &Pubkey, c: &ConsumerFx, p: &ProviderFx, lease: &LeaseFx) -> Instruction {
        build(acc::ExpireDispute { caller: *caller, ending: self.ending(c, p, lease) }, ix::ExpireDispute {})
    }

    pub fn finalize_ix(&self, caller: &Pubkey, c: &ConsumerFx, p: &ProviderFx, lease: &LeaseFx) -> Instruction {
        build(
            acc::FinalizeLease {
                caller: *caller,
                consumer: c.kp.pubkey(),
                market: self.key,
                provider: p.key,
                lease: lease.key,
                escrow: lease.escrow,
                consumer_token: c.token,
                mint: self.mint,
                token_program: spl_token::ID,
            },
            ix::FinalizeLease {},
        )
    }
}

/// Sets up parties with real mints and funded accounts.
impl Env {
    pub async fn market_with(&mut self, params: impl FnOnce(&mut MarketParams)) -> MarketFx {
        let (creator, arbiter, treasury) = (Keypair::new(), Keypair::new(), Keypair::new());
        self.fund(&creator.pubkey(), 10 * SOL).await;
        let mint = self.create_mint().await;
        let stake_mint = self.create_mint().await;
        let mut p = default_params(arbiter.pubkey(), treasury.pubkey());
        params(&mut p);
        let key = market_pda(&creator.pubkey(), &mint);
        let mut m = MarketFx {
            creator,
            arbiter,
            treasury,
            key,
            mint,
            stake_mint,
            fee_vault: fee_vault_pda(&key),
            slash_vault: slash_vault_pda(&key),
            params: p.clone(),
        };
        let ix = m.create_ix(&m.creator.pubkey(), &mint, &stake_mint, p);
        let creator = m.creator.insecure_clone();
        Env::ok(self.send(&[ix], &[&creator]).await);
        m.params = self.account::<Market>(&key).await.params();
        m
    }

    pub async fn market(&mut self) -> MarketFx {
        self.market_with(|_| {}).await
    }

    /// A registered provider with `stake` staked, selling at `price` per second.
    pub async fn provider(&mut self, m: &MarketFx, price: u64, stake: u64) -> ProviderFx {
        let authority = Keypair::new();
        self.fund(&authority.pubkey(), 10 * SOL).await;
        self.fleet_provider(m, &authority, 0, price, stake).await
    }

    /// Provider number `index` of `authority`'s fleet, with its own operator key.
    pub async fn fleet_provider(
        &mut self,
        m: &MarketFx,
        authority: &Keypair,
        index: u16,
        price: u64,
        stake: u64,
    ) -> ProviderFx {
        let operator = Keypair::new();
        self.fund(&operator.pubkey(), SOL).await;
        let payout = self.token_account(&m.mint, &authority.pubkey(), 0).await;
        let stake_wallet = self.token_account(&m.stake_mint, &authority.pubkey(), 1_000_000_000).await;
        let key = provider_pda(&m.key, &authority.pubkey(), index);
        let p = ProviderFx {
            key,
            index,
            stake_vault: stake_vault_pda(&key),
            earnings_vault: earnings_vault_pda(&key),
            payout,
            stake_wallet,
            authority: authority.insecure_clone(),
            operator,
        };
        let mut ixs = vec![m.register_ix(
            &p.authority.pubkey(),
            &p.operator.pubkey(),
            index,
            &payout,
            gpu("H100", "eu-central"),
            price,
        )];
        if stake > 0 {
            ixs.push(m.deposit_stake_ix(&p, &p.authority.pubkey(), &stake_wallet, stake));
        }
        Env::ok(self.send(&ixs, &[&p.authority, &p.operator]).await);
        p
    }

    pub async fn consumer(&mut self, m: &MarketFx, funds: u64) -> ConsumerFx {
        let kp = Keypair::new();
        self.fund(&kp.pubkey(), 10 * SOL).await;
        let token = self.token_account(&m.mint, &kp.pubkey(), funds).await;
        let stake_token = self.token_account(&m.stake_mint, &kp.pubkey(), 0).await;
        ConsumerFx { kp, token, stake_token }
    }

    /// The lease the market will open next.
    pub async fn next_lease(&mut self, m: &MarketFx) -> LeaseFx {
        let id = self.account::<Market>(&m.key).await.lease_count;
        LeaseFx::new(&m.key, id)
    }

    pub fn lease_args(deposit: u64) -> OpenLeaseArgs {
        OpenLeaseArgs { job_spec_hash: [9; 32], deposit, policy: open_policy(), receipt_signer: None }
    }

    pub async fn try_open_lease(
        &mut self,
        m: &MarketFx,
        c: &ConsumerFx,
        provider: &Pubkey,
        args: OpenLeaseArgs,
    ) -> TxResult {
        let lease = self.next_lease(m).await;
        let ix = m.open_lease_ix(c, provider, &lease, args);
        self.send(&[ix], &[&c.kp]).await
    }

    pub async fn open_lease_with(
        &mut self,
        m: &MarketFx,
        c: &ConsumerFx,
        p: &ProviderFx,
        args: OpenLeaseArgs,
    ) -> LeaseFx {
        let lease = self.next_lease(m).await;
        Env::ok(self.send(&[m.open_lease_ix(c, &p.key, &lease, args)], &[&c.kp]).await);
        lease
    }

    pub async fn open_lease(&mut self, m: &MarketFx, c: &ConsumerFx, p: &ProviderFx, deposit: u64) -> LeaseFx {
        self.open_lease_with(m, c, p, Env::lease_args(deposit)).await
    }

    /// Opened and accepted: billing runs from now.
    pub async fn active_lease(&mut self, m: &MarketFx, c: &ConsumerFx, p: &ProviderFx, deposit: u64) -> LeaseFx {
        let lease = self.open_lease(m, c, p, deposit).await;
        let ix = m.accept_ix(p, &lease, &p.operator.pubkey());
        Env::ok(self.send(&[ix], &[&p.operator]).await);
        lease
    }
}

/// Reading the market back gives the params it actually stored.
trait StoredParams {
    fn params(&self) -> MarketParams;
}

impl StoredParams for Market {
    fn params(&self) -> MarketParams {
        MarketParams {
            min_stake: self.min_stake,
            fee_bps: self.fee_bps,
            slash_multiple_bps: self.slash_multiple_bps,
            dispute_bond: self.dispute_bond,
            min_completion_payment: self.min_completion_payment,
            dispute_window_secs: self.dispute_window_secs,
            max_attestation_gap_secs: self.max_attestation_gap_secs,
            exit_cooldown_secs: self.exit_cooldown_secs,
            governance_delay_secs: self.governance_delay_secs,
            arbiter: self.arbiter,
            treasury: self.treasury,
        }
    }
}
