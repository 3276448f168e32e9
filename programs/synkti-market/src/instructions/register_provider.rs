use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{PROVIDER_SEED, STAKE_VAULT_SEED};
use crate::error::SynktiError;
use crate::events::{emit_event, ProviderRegistered};
use crate::state::{Capabilities, Market, Provider, ProviderStatus, Reputation};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RegisterProviderArgs {
    pub operator: Pubkey,
    pub capabilities: Capabilities,
    pub price_per_second: u64,
}

#[derive(Accounts)]
pub struct RegisterProvider<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(mut)]
    pub market: Account<'info, Market>,
    #[account(
        init,
        payer = authority,
        space = 8 + Provider::INIT_SPACE,
        seeds = [PROVIDER_SEED, market.key().as_ref(), authority.key().as_ref()],
        bump,
    )]
    pub provider: Account<'info, Provider>,
    #[account(address = market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Account<'info, Mint>,
    #[account(
        init,
        payer = authority,
        seeds = [STAKE_VAULT_SEED, provider.key().as_ref()],
        bump,
        token::mint = stake_mint,
        token::authority = provider,
        token::token_program = token_program,
    )]
    pub stake_vault: Account<'info, TokenAccount>,
    #[account(constraint = payout.mint == market.mint @ SynktiError::WrongMint)]
    pub payout: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<RegisterProvider>, args: RegisterProviderArgs) -> Result<()> {
    args.capabilities.validate()?;
    require!(args.price_per_second > 0, SynktiError::ZeroPrice);
    let now = Clock::get()?.unix_timestamp;
    let market = &mut ctx.accounts.market;
    market.provider_count = market.provider_count.checked_add(1).ok_or(SynktiError::Overflow)?;
    let provider = &mut ctx.accounts.provider;
    provider.set_inner(Provider {
        market: market.key(),
        authority: ctx.accounts.authority.key(),
        operator: args.operator,
        payout: ctx.accounts.payout.key(),
        stake_vault: ctx.accounts.stake_vault.key(),
        capabilities: args.capabilities,
        price_per_second: args.price_per_second,
        staked: 0,
        status: ProviderStatus::Active,
        open_leases: 0,
        reputation: Reputation::default(),
        registered_at: now,
        bump: ctx.bumps.provider,
        stake_vault_bump: ctx.bumps.stake_vault,
    });
    emit_event(ProviderRegistered {
        market: market.key(),
        provider: provider.key(),
        authority: provider.authority,
        operator: provider.operator,
        price_per_second: provider.price_per_second,
    });
    Ok(())
}
