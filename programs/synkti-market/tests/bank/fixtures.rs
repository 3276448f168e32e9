//! Parties of a market (creator, providers, consumers) and one builder per instruction, so each
//! suite states only what differs from the ordinary case.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{system_program, InstructionData, ToAccountMetas};
use anchor_spl::token::spl_token;
use solana_keypair::Keypair;
use solana_signer::Signer;
use synkti_market::constants::*;
use synkti_market::instructions::{OpenLeaseArgs, RegisterProviderArgs, UpdateProviderArgs, Verdict};
use synkti_market::state::{Capabilities, Cloud, MarketParams};
use synkti_market::{accounts as acc, instruction as ix, ID};

use crate::env::{Env, TxResult};

pub const SOL: u64 = 1_000_000_000;

pub fn pda(seeds: &[&[u8]]) -> Pubkey {
    Pubkey::find_program_address(seeds, &ID).0
}

pub fn market_pda(creator: &Pubkey, mint: &Pubkey) -> Pubkey {
    pda(&[MARKET_SEED, creator.as_ref(), mint.as_ref()])
}
pub fn fee_vault_pda(market: &Pubkey) -> Pubkey {
    pda(&[FEE_VAULT_SEED, market.as_ref()])
}
pub fn provider_pda(market: &Pubkey, authority: &Pubkey) -> Pubkey {
    pda(&[PROVIDER_SEED, market.as_ref(), authority.as_ref()])
}
pub fn stake_vault_pda(provider: &Pubkey) -> Pubkey {
    pda(&[STAKE_VAULT_SEED, provider.as_ref()])
}
pub fn lease_pda(consumer: &Pubkey, nonce: u64) -> Pubkey {
    pda(&[LEASE_SEED, consumer.as_ref(), &nonce.to_le_bytes()])
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
        slash_bps: 5_000,
        dispute_window_secs: 3_600,
        max_attestation_gap_secs: 600,
        exit_cooldown_secs: 86_400,
        arbiter,
        treasury,
    }
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
    pub params: MarketParams,
}

pub struct ProviderFx {
    pub authority: Keypair,
    pub operator: Keypair,
    pub key: Pubkey,
    pub stake_vault: Pubkey,
    pub payout: Pubkey,
    /// The authority's stake-mint wallet.
    pub stake_wallet: Pubkey,
}

pub struct ConsumerFx {
    pub kp: Keypair,
    pub token: Pubkey,
    pub stake_token: Pubkey,
}

pub struct LeaseFx {
    pub key: Pubkey,
    pub escrow: Pubkey,
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
                token_program: spl_token::ID,
                system_program: system_program::ID,
            },
            ix::CreateMarket { params },
        )
    }

    pub fn withdraw_fees_ix(&self, treasury: &Pubkey, destination: &Pubkey, amount: u64) -> Instruction {
        build(
            acc::WithdrawFees {
                treasury: *treasury,
                market: self.key,
                fee_vault: self.fee_vault,
                mint: self.mint,
                destination: *destination,
                token_program: spl_token::ID,
            },
            ix::WithdrawFees { amount },
        )
    }

    pub fn register_ix(
        &self,
        authority: &Pubkey,
        operator: &Pubkey,
        payout: &Pubkey,
        caps: Capabilities,
        price: u64,
    ) -> Instruction {
        let provider = provider_pda(&self.key, authority);
        build(
            acc::RegisterProvider {
                authority: *authority,
                market: self.key,
                provider,
                stake_mint: self.stake_mint,
                stake_vault: stake_vault_pda(&provider),
                payout: *payout,
                token_program: spl_token::ID,
                system_program: system_program::ID,
            },
            ix::RegisterProvider {
                args: RegisterProviderArgs { operator: *operator, capabilities: caps, price_per_second: price },
            },
        )
    }

    pub fn update_ix(&self, p: &ProviderFx, authority: &Pubkey, args: UpdateProviderArgs) -> Instruction {
        build(acc::UpdateProvider { authority: *authority, provider: p.key }, ix::UpdateProvider { args })
    }

    pub fn pause_ix(&self, p: &ProviderFx, signer: &Pubkey) -> Instruction {
        build(acc::SetProviderPaused { signer: *signer, provider: p.key }, ix::PauseProvider {})
    }

    pub fn resume_ix(&self, p: &ProviderFx, signer: &Pubkey) -> Instruction {
        build(acc::SetProviderPaused { signer: *signer, provider: p.key }, ix::ResumeProvider {})
    }

    pub fn deposit_stake_ix(&self, p: &ProviderFx, authority: &Pubkey, from: &Pubkey, amount: u64) -> Instruction {
        build(
            acc::StakeTransfer {
                authority: *authority,
                market: self.key,
                provider: p.key,
                stake_vault: p.stake_vault,
                stake_mint: self.stake_mint,
                wallet: *from,
                token_program: spl_token::ID,
            },
            ix::DepositStake { amount },
        )
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
        build(
            acc::StakeTransfer {
                authority: *authority,
                market: self.key,
                provider: p.key,
                stake_vault: p.stake_vault,
                stake_mint: self.stake_mint,
                wallet: *destination,
                token_program: spl_token::ID,
            },
            ix::WithdrawStake { amount },
        )
    }

    pub fn open_lease_ix(&self, c: &ConsumerFx, provider: &Pubkey, args: OpenLeaseArgs) -> Instruction {
        let lease = lease_pda(&c.kp.pubkey(), args.nonce);
        build(
            acc::OpenLease {
                consumer: c.kp.pubkey(),
                market: self.key,
                provider: *provider,
                lease,
                mint: self.mint,
                escrow: escrow_pda(&lease),
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

    pub fn attest_ix(&self, p: &ProviderFx, lease: &LeaseFx, operator: &Pubkey, until: i64) -> Instruction {
        build(
            acc::AttestUsage {
                operator: *operator,
                market: self.key,
                provider: p.key,
                lease: lease.key,
                escrow: lease.escrow,
                payout: p.payout,
                fee_vault: self.fee_vault,
                mint: self.mint,
                token_program: spl_token::ID,
            },
            ix::AttestUsage { until },
        )
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
        build(
            acc::MigrateLease {
                old_operator: old.operator.pubkey(),
                new_operator: new.operator.pubkey(),
                market: self.key,
                old_provider: old.key,
                new_provider: new.key,
                lease: lease.key,
                escrow: lease.escrow,
                old_payout: old.payout,
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
            consumer: c.kp.pubkey(),
            market: self.key,
            provider: p.key,
            lease: lease.key,
            escrow: lease.escrow,
            consumer_token: c.token,
            payout: p.payout,
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
            acc::OpenDispute { consumer: c.kp.pubkey(), market: self.key, lease: lease.key },
            ix::OpenDispute { reason_hash: [7; 32] },
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
                stake_mint: self.stake_mint,
            },
            ix::ResolveDispute { verdict },
        )
    }

    pub fn expire_ix(&self, caller: &Pubkey, c: &ConsumerFx, p: &ProviderFx, lease: &LeaseFx) -> Instruction {
        build(acc::ExpireDispute { caller: *caller, ending: self.ending(c, p, lease) }, ix::ExpireDispute {})
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
            params: p.clone(),
        };
        let ix = m.create_ix(&m.creator.pubkey(), &mint, &stake_mint, p);
        let creator = m.creator.insecure_clone();
        Env::ok(self.send(&[ix], &[&creator]).await);
        m.params = self.account::<synkti_market::state::Market>(&key).await.params();
        m
    }

    pub async fn market(&mut self) -> MarketFx {
        self.market_with(|_| {}).await
    }

    /// A registered provider with `stake` staked, selling at `price` per second.
    pub async fn provider(&mut self, m: &MarketFx, price: u64, stake: u64) -> ProviderFx {
        let (authority, operator) = (Keypair::new(), Keypair::new());
        self.fund(&authority.pubkey(), 10 * SOL).await;
        self.fund(&operator.pubkey(), SOL).await;
        let payout = self.token_account(&m.mint, &authority.pubkey(), 0).await;
        let stake_wallet = self.token_account(&m.stake_mint, &authority.pubkey(), 1_000_000_000).await;
        let key = provider_pda(&m.key, &authority.pubkey());
        let p = ProviderFx { key, stake_vault: stake_vault_pda(&key), payout, stake_wallet, authority, operator };
        let mut ixs =
            vec![m.register_ix(&p.authority.pubkey(), &p.operator.pubkey(), &payout, gpu("H100", "eu-central"), price)];
        if stake > 0 {
            ixs.push(m.deposit_stake_ix(&p, &p.authority.pubkey(), &stake_wallet, stake));
        }
        Env::ok(self.send(&ixs, &[&p.authority]).await);
        p
    }

    pub async fn consumer(&mut self, m: &MarketFx, funds: u64) -> ConsumerFx {
        let kp = Keypair::new();
        self.fund(&kp.pubkey(), 10 * SOL).await;
        let token = self.token_account(&m.mint, &kp.pubkey(), funds).await;
        let stake_token = self.token_account(&m.stake_mint, &kp.pubkey(), 0).await;
        ConsumerFx { kp, token, stake_token }
    }

    pub async fn try_open_lease(
        &mut self,
        m: &MarketFx,
        c: &ConsumerFx,
        provider: &Pubkey,
        args: OpenLeaseArgs,
    ) -> TxResult {
        let ix = m.open_lease_ix(c, provider, args);
        self.send(&[ix], &[&c.kp]).await
    }

    pub async fn open_lease(
        &mut self,
        m: &MarketFx,
        c: &ConsumerFx,
        p: &ProviderFx,
        nonce: u64,
        deposit: u64,
    ) -> LeaseFx {
        let args = OpenLeaseArgs { nonce, job_spec_hash: [9; 32], max_price_per_second: u64::MAX, deposit };
        Env::ok(self.try_open_lease(m, c, &p.key, args).await);
        let key = lease_pda(&c.kp.pubkey(), nonce);
        LeaseFx { key, escrow: escrow_pda(&key) }
    }

    /// Opened and accepted: billing runs from now.
    pub async fn active_lease(
        &mut self,
        m: &MarketFx,
        c: &ConsumerFx,
        p: &ProviderFx,
        nonce: u64,
        deposit: u64,
    ) -> LeaseFx {
        let lease = self.open_lease(m, c, p, nonce, deposit).await;
        let ix = m.accept_ix(p, &lease, &p.operator.pubkey());
        Env::ok(self.send(&[ix], &[&p.operator]).await);
        lease
    }
}

/// Reading the market back gives the params it actually stored.
trait StoredParams {
    fn params(&self) -> MarketParams;
}

impl StoredParams for synkti_market::state::Market {
    fn params(&self) -> MarketParams {
        MarketParams {
            min_stake: self.min_stake,
            fee_bps: self.fee_bps,
            slash_bps: self.slash_bps,
            dispute_window_secs: self.dispute_window_secs,
            max_attestation_gap_secs: self.max_attestation_gap_secs,
            exit_cooldown_secs: self.exit_cooldown_secs,
            arbiter: self.arbiter,
            treasury: self.treasury,
        }
    }
}
