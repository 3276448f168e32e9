use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{ESCROW_SEED, LEASE_SEED};
use crate::create::{create_account, create_token_vault};
use crate::error::SynktiError;
use crate::events::{emit_event, LeaseOpened};
use crate::state::{Lease, LeaseStatus, Market, MigrationPolicy, Provider, Tranche, TRANCHES};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OpenLeaseArgs {
    pub job_spec_hash: [u8; 32],
    pub deposit: u64,
    pub policy: MigrationPolicy,
    /// Key that signs usage receipts (a gateway's); the consumer's own when `None`.
    pub receipt_signer: Option<Pubkey>,
}

/// The lease's address is the market's next lease id: it never repeats, so nobody off chain
/// can mistake a new lease for an old one at the same address.
#[derive(Accounts)]
pub struct OpenLease<'info> {
    #[account(mut)]
    pub consumer: Signer<'info>,
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, constraint = provider.market == market.key() @ SynktiError::WrongMarket)]
    pub provider: Box<Account<'info, Provider>>,
    /// CHECK: created here at the PDA of the market's next lease id (checked in the handler).
    #[account(mut)]
    pub lease: UncheckedAccount<'info>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    /// CHECK: created here; seeds checked.
    #[account(mut, seeds = [ESCROW_SEED, lease.key().as_ref()], bump)]
    pub escrow: UncheckedAccount<'info>,
    #[account(mut, constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint)]
    pub consumer_token: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

/// Escrow must cover one attestation gap at `price`: less could never be attested, and the
/// provider would be marked failed for the consumer's empty escrow.
pub fn require_funded(available: u64, price: u64, gap: i64) -> Result<()> {
    let interval = (price as u128) * (gap.max(0) as u128);
    require!(available as u128 >= interval, SynktiError::DepositBelowInterval);
    Ok(())
}

impl OpenLease<'_> {
    /// Money goes into escrow only for a provider that could accept right now.
    fn validate(&self, args: &OpenLeaseArgs) -> Result<()> {
        let (p, consumer) = (&self.provider, self.consumer.key());
        require!(consumer != p.authority && consumer != p.operator, SynktiError::SelfDealing);
        require!(p.is_active(), SynktiError::ProviderNotActive);
        require!(p.staked >= self.market.min_stake, SynktiError::InsufficientStake);
        require!(p.price_per_second <= args.policy.max_price_per_second, SynktiError::PriceAboveCap);
        require!(args.deposit > 0, SynktiError::ZeroAmount);
        require_funded(args.deposit, p.price_per_second, self.market.max_attestation_gap_secs)
    }
}

pub fn handler(ctx: Context<OpenLease>, args: OpenLeaseArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let a = &ctx.accounts;
    let (market_key, id) = (a.market.key(), a.market.lease_count);
    let id_bytes = id.to_le_bytes();
    let (expected, bump) = Pubkey::find_program_address(&[LEASE_SEED, market_key.as_ref(), &id_bytes], &crate::ID);
    require_keys_eq!(a.lease.key(), expected, SynktiError::StaleLeaseId);
    let now = Clock::get()?.unix_timestamp;
    let consumer = a.consumer.key();
    let lease = Lease {
        market: market_key,
        id,
        consumer,
        receipt_signer: args.receipt_signer.unwrap_or(consumer),
        provider: a.provider.key(),
        arbiter: a.market.arbiter,
        job_spec_hash: args.job_spec_hash,
        price_per_second: a.provider.price_per_second,
        policy: args.policy,
        escrow: a.escrow.key(),
        deposited: args.deposit,
        paid_to_providers: 0,
        fees_paid: 0,
        paid_to_current: 0,
        held: [Tranche::default(); TRANCHES],
        bond: 0,
        opened_at: now,
        accepted_at: 0,
        provider_since: now,
        settled_until: now,
        last_activity_at: now,
        status: LeaseStatus::Open,
        migration_count: 0,
        consumer_evidence: [0; 32],
        provider_evidence: [0; 32],
        bump,
        escrow_bump: ctx.bumps.escrow,
    };
    let payer = a.consumer.to_account_info();
    let seeds: &[&[u8]] = &[LEASE_SEED, market_key.as_ref(), &id_bytes, &[bump]];
    create_account(&payer, &a.lease, &a.system_program, 8 + Lease::INIT_SPACE, seeds, &lease)?;
    let lease_key = a.lease.key();
    let seeds: &[&[u8]] = &[ESCROW_SEED, lease_key.as_ref(), &[lease.escrow_bump]];
    let (escrow, mint) = (a.escrow.to_account_info(), a.mint.to_account_info());
    create_token_vault(&payer, &escrow, &mint, &a.lease, &a.system_program, &a.token_program, seeds)?;
    let accounts = anchor_spl::token::TransferChecked {
        from: a.consumer_token.to_account_info(),
        mint,
        to: escrow,
        authority: payer,
    };
    anchor_spl::token::transfer_checked(
        CpiContext::new(a.token_program.key(), accounts),
        args.deposit,
        a.mint.decimals,
    )?;
    let market = &mut ctx.accounts.market;
    market.lease_count = market.lease_count.checked_add(1).ok_or(SynktiError::Overflow)?;
    ctx.accounts.provider.lease_opened()?;
    emit_event(LeaseOpened {
        lease: lease_key,
        market: market_key,
        consumer,
        provider: lease.provider,
        id,
        job_spec_hash: lease.job_spec_hash,
        price_per_second: lease.price_per_second,
        policy: lease.policy,
        receipt_signer: lease.receipt_signer,
        deposit: lease.deposited,
    });
    Ok(())
}
