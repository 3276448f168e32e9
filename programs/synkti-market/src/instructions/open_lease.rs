use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{ESCROW_SEED, LEASE_SEED};
use crate::error::SynktiError;
use crate::events::{emit_event, LeaseOpened};
use crate::state::{Lease, LeaseStatus, Market, Provider};
use crate::token_moves::deposit;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OpenLeaseArgs {
    /// Chosen by the consumer; the lease PDA is per (consumer, nonce).
    pub nonce: u64,
    pub job_spec_hash: [u8; 32],
    pub max_price_per_second: u64,
    pub deposit: u64,
}

#[derive(Accounts)]
#[instruction(args: OpenLeaseArgs)]
pub struct OpenLease<'info> {
    #[account(mut)]
    pub consumer: Signer<'info>,
    #[account(mut)]
    pub market: Account<'info, Market>,
    #[account(constraint = provider.market == market.key() @ SynktiError::WrongMarket)]
    pub provider: Account<'info, Provider>,
    #[account(
        init,
        payer = consumer,
        space = 8 + Lease::INIT_SPACE,
        seeds = [LEASE_SEED, consumer.key().as_ref(), &args.nonce.to_le_bytes()],
        bump,
    )]
    pub lease: Account<'info, Lease>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    #[account(
        init,
        payer = consumer,
        seeds = [ESCROW_SEED, lease.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = lease,
        token::token_program = token_program,
    )]
    pub escrow: Account<'info, TokenAccount>,
    #[account(mut, constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint)]
    pub consumer_token: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl OpenLease<'_> {
    /// Money goes into escrow only for a provider that could accept right now.
    fn validate(&self, args: &OpenLeaseArgs) -> Result<()> {
        require!(args.deposit > 0, SynktiError::ZeroAmount);
        require!(self.provider.is_active(), SynktiError::ProviderNotActive);
        require!(self.provider.staked >= self.market.min_stake, SynktiError::InsufficientStake);
        require!(self.provider.price_per_second <= args.max_price_per_second, SynktiError::PriceAboveCap);
        Ok(())
    }
}

pub fn handler(ctx: Context<OpenLease>, args: OpenLeaseArgs) -> Result<()> {
    ctx.accounts.validate(&args)?;
    let a = &ctx.accounts;
    deposit(&a.token_program, &a.consumer_token, &a.escrow, &a.mint, &a.consumer, args.deposit)?;
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    market.lease_count = market.lease_count.checked_add(1).ok_or(SynktiError::Overflow)?;
    let price = ctx.accounts.provider.price_per_second;
    let lease = &mut ctx.accounts.lease;
    lease.set_inner(Lease {
        market: market.key(),
        consumer: ctx.accounts.consumer.key(),
        provider: ctx.accounts.provider.key(),
        nonce: args.nonce,
        job_spec_hash: args.job_spec_hash,
        price_per_second: price,
        max_price_per_second: args.max_price_per_second,
        escrow: ctx.accounts.escrow.key(),
        deposited: args.deposit,
        paid_to_providers: 0,
        fees_paid: 0,
        opened_at: now,
        accepted_at: 0,
        settled_until: now,
        last_activity_at: now,
        status: LeaseStatus::Open,
        migration_count: 0,
        bump: ctx.bumps.lease,
        escrow_bump: ctx.bumps.escrow,
    });
    emit_event(LeaseOpened {
        lease: lease.key(),
        market: lease.market,
        consumer: lease.consumer,
        provider: lease.provider,
        nonce: lease.nonce,
        job_spec_hash: lease.job_spec_hash,
        price_per_second: lease.price_per_second,
        max_price_per_second: lease.max_price_per_second,
        deposit: lease.deposited,
    });
    Ok(())
}
