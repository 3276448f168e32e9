use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{EARNINGS_VAULT_SEED, OPERATOR_SEED, PROVIDER_SEED, STAKE_VAULT_SEED};
use crate::create::{create_account, create_token_vault};
use crate::error::SynktiError;
use crate::events::{emit_event, ProviderRegistered};
use crate::state::{Capabilities, Market, OperatorIndex, Provider, ProviderStatus, Reputation, Tranche, TRANCHES};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RegisterProviderArgs {
    /// The provider's number under its authority: one per machine of a fleet.
    pub index: u16,
    pub capabilities: Capabilities,
    pub price_per_second: u64,
}

/// The authority (cold wallet, pays) and the operator (hot node key) both sign: nobody can
/// register someone else's node identity, and the operator index makes it unique per market.
#[derive(Accounts)]
#[instruction(args: RegisterProviderArgs)]
pub struct RegisterProvider<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    pub operator: Signer<'info>,
    #[account(mut)]
    pub market: Box<Account<'info, Market>>,
    /// CHECK: created here; seeds checked.
    #[account(
        mut,
        seeds = [PROVIDER_SEED, market.key().as_ref(), authority.key().as_ref(), &args.index.to_le_bytes()],
        bump,
    )]
    pub provider: UncheckedAccount<'info>,
    /// CHECK: created here; an existing one means the operator is taken.
    #[account(mut, seeds = [OPERATOR_SEED, market.key().as_ref(), operator.key().as_ref()], bump)]
    pub operator_index: UncheckedAccount<'info>,
    #[account(address = market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Box<Account<'info, Mint>>,
    /// CHECK: created here; seeds checked.
    #[account(mut, seeds = [STAKE_VAULT_SEED, provider.key().as_ref()], bump)]
    pub stake_vault: UncheckedAccount<'info>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    /// CHECK: created here; seeds checked.
    #[account(mut, seeds = [EARNINGS_VAULT_SEED, provider.key().as_ref()], bump)]
    pub earnings_vault: UncheckedAccount<'info>,
    #[account(constraint = payout.mint == market.mint @ SynktiError::WrongMint)]
    pub payout: Box<Account<'info, TokenAccount>>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

/// A payout account must be the provider's own: not a vault whose authority is the market or
/// this provider (paying into one would make settlement collide with itself).
pub fn check_payout(payout: &Account<TokenAccount>, market: &Account<Market>, provider: &Pubkey) -> Result<()> {
    let key = payout.key();
    let is_vault = key == market.fee_vault
        || key == market.slash_vault
        || payout.owner == *provider
        || payout.owner == market.key();
    require!(!is_vault, SynktiError::PayoutIsProgramVault);
    Ok(())
}

pub fn handler(ctx: Context<RegisterProvider>, args: RegisterProviderArgs) -> Result<()> {
    args.capabilities.validate()?;
    require!(args.price_per_second > 0, SynktiError::ZeroPrice);
    let a = &ctx.accounts;
    require!(a.operator_index.data_is_empty(), SynktiError::OperatorTaken);
    let (market_key, provider_key) = (a.market.key(), a.provider.key());
    check_payout(&a.payout, &a.market, &provider_key)?;
    let now = Clock::get()?.unix_timestamp;
    let (authority, operator) = (a.authority.key(), a.operator.key());
    let provider = Provider {
        market: market_key,
        authority,
        index: args.index,
        operator,
        payout: a.payout.key(),
        stake_vault: a.stake_vault.key(),
        earnings_vault: a.earnings_vault.key(),
        capabilities: args.capabilities,
        price_per_second: args.price_per_second,
        staked: 0,
        status: ProviderStatus::Active,
        open_leases: 0,
        lease_records: 0,
        held: [Tranche::default(); TRANCHES],
        unclaimed: 0,
        exposure_ended_at: 0,
        reputation: Reputation::default(),
        registered_at: now,
        bump: ctx.bumps.provider,
        stake_vault_bump: ctx.bumps.stake_vault,
        earnings_vault_bump: ctx.bumps.earnings_vault,
    };
    let payer = a.authority.to_account_info();
    let index = args.index.to_le_bytes();
    let seeds: &[&[u8]] = &[PROVIDER_SEED, market_key.as_ref(), authority.as_ref(), &index, &[provider.bump]];
    create_account(&payer, &a.provider, &a.system_program, 8 + Provider::INIT_SPACE, seeds, &provider)?;
    let entry = OperatorIndex { market: market_key, operator, provider: provider_key, bump: ctx.bumps.operator_index };
    let seeds: &[&[u8]] = &[OPERATOR_SEED, market_key.as_ref(), operator.as_ref(), &[entry.bump]];
    create_account(&payer, &a.operator_index, &a.system_program, 8 + OperatorIndex::INIT_SPACE, seeds, &entry)?;
    let owner = a.provider.to_account_info();
    for (vault, seed, bump, mint) in [
        (&a.stake_vault, STAKE_VAULT_SEED, provider.stake_vault_bump, a.stake_mint.to_account_info()),
        (&a.earnings_vault, EARNINGS_VAULT_SEED, provider.earnings_vault_bump, a.mint.to_account_info()),
    ] {
        let seeds: &[&[u8]] = &[seed, provider_key.as_ref(), &[bump]];
        create_token_vault(&payer, vault, &mint, &owner, &a.system_program, &a.token_program, seeds)?;
    }
    let market = &mut ctx.accounts.market;
    market.provider_count = market.provider_count.saturating_add(1);
    emit_event(ProviderRegistered {
        market: market_key,
        provider: provider_key,
        authority,
        operator,
        index: args.index,
        price_per_second: provider.price_per_second,
    });
    Ok(())
}
