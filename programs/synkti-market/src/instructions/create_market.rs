use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token};

use crate::constants::{FEE_VAULT_SEED, MARKET_SEED, SLASH_VAULT_SEED};
use crate::create::{create_account, create_token_vault};
use crate::events::{emit_event, MarketCreated};
use crate::state::{Market, MarketParams};

#[derive(Accounts)]
pub struct CreateMarket<'info> {
    #[account(mut)]
    pub creator: Signer<'info>,
    pub mint: Box<Account<'info, Mint>>,
    pub stake_mint: Box<Account<'info, Mint>>,
    /// CHECK: created here (pre-funding tolerated, see create.rs); seeds checked.
    #[account(mut, seeds = [MARKET_SEED, creator.key().as_ref(), mint.key().as_ref()], bump)]
    pub market: UncheckedAccount<'info>,
    /// CHECK: the fee vault (payment mint), created here; seeds checked.
    #[account(mut, seeds = [FEE_VAULT_SEED, market.key().as_ref()], bump)]
    pub fee_vault: UncheckedAccount<'info>,
    /// CHECK: the slash vault (stake mint), created here; seeds checked.
    #[account(mut, seeds = [SLASH_VAULT_SEED, market.key().as_ref()], bump)]
    pub slash_vault: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<CreateMarket>, params: MarketParams) -> Result<()> {
    params.validate()?;
    let a = &ctx.accounts;
    let (creator, mint, market_key) = (a.creator.key(), a.mint.key(), a.market.key());
    let market = Market {
        creator,
        mint,
        stake_mint: a.stake_mint.key(),
        fee_vault: a.fee_vault.key(),
        slash_vault: a.slash_vault.key(),
        authority: creator,
        arbiter: params.arbiter,
        treasury: params.treasury,
        pending_update: None,
        min_stake: params.min_stake,
        fee_bps: params.fee_bps,
        slash_multiple_bps: params.slash_multiple_bps,
        dispute_bond: params.dispute_bond,
        min_completion_payment: params.min_completion_payment,
        dispute_window_secs: params.dispute_window_secs,
        max_attestation_gap_secs: params.max_attestation_gap_secs,
        exit_cooldown_secs: params.exit_cooldown_secs,
        governance_delay_secs: params.governance_delay_secs,
        provider_count: 0,
        lease_count: 0,
        bump: ctx.bumps.market,
        fee_vault_bump: ctx.bumps.fee_vault,
        slash_vault_bump: ctx.bumps.slash_vault,
    };
    let payer = a.creator.to_account_info();
    let market_seeds: &[&[u8]] = &[MARKET_SEED, creator.as_ref(), mint.as_ref(), &[market.bump]];
    create_account(&payer, &a.market, &a.system_program, 8 + Market::INIT_SPACE, market_seeds, &market)?;
    let authority = a.market.to_account_info();
    for (vault, seed, bump, vault_mint) in [
        (&a.fee_vault, FEE_VAULT_SEED, market.fee_vault_bump, a.mint.to_account_info()),
        (&a.slash_vault, SLASH_VAULT_SEED, market.slash_vault_bump, a.stake_mint.to_account_info()),
    ] {
        let seeds: &[&[u8]] = &[seed, market_key.as_ref(), &[bump]];
        create_token_vault(&payer, vault, &vault_mint, &authority, &a.system_program, &a.token_program, seeds)?;
    }
    emit_event(MarketCreated { market: market_key, creator, mint, stake_mint: market.stake_mint, params });
    Ok(())
}
