use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::constants::{FEE_VAULT_SEED, MARKET_SEED, MAX_FEE_BPS};
use crate::error::SynktiError;
use crate::events::{emit_event, MarketCreated};
use crate::state::{Market, MarketParams};

#[derive(Accounts)]
pub struct CreateMarket<'info> {
    #[account(mut)]
    pub creator: Signer<'info>,
    pub mint: Account<'info, Mint>,
    pub stake_mint: Account<'info, Mint>,
    #[account(
        init,
        payer = creator,
        space = 8 + Market::INIT_SPACE,
        seeds = [MARKET_SEED, creator.key().as_ref(), mint.key().as_ref()],
        bump,
    )]
    pub market: Account<'info, Market>,
    #[account(
        init,
        payer = creator,
        seeds = [FEE_VAULT_SEED, market.key().as_ref()],
        bump,
        token::mint = mint,
        token::authority = market,
        token::token_program = token_program,
    )]
    pub fee_vault: Account<'info, TokenAccount>,
    pub token_program: Program<'info, Token>,
    pub system_program: Program<'info, System>,
}

impl CreateMarket<'_> {
    fn validate(params: &MarketParams) -> Result<()> {
        require!(params.fee_bps <= MAX_FEE_BPS, SynktiError::FeeTooHigh);
        require!(params.slash_bps <= 10_000, SynktiError::SlashTooHigh);
        require!(
            params.dispute_window_secs > 0 && params.max_attestation_gap_secs > 0 && params.exit_cooldown_secs > 0,
            SynktiError::InvalidDuration
        );
        Ok(())
    }
}

pub fn handler(ctx: Context<CreateMarket>, params: MarketParams) -> Result<()> {
    CreateMarket::validate(&params)?;
    let market = &mut ctx.accounts.market;
    market.set_inner(Market {
        creator: ctx.accounts.creator.key(),
        mint: ctx.accounts.mint.key(),
        stake_mint: ctx.accounts.stake_mint.key(),
        fee_vault: ctx.accounts.fee_vault.key(),
        arbiter: params.arbiter,
        treasury: params.treasury,
        min_stake: params.min_stake,
        fee_bps: params.fee_bps,
        slash_bps: params.slash_bps,
        dispute_window_secs: params.dispute_window_secs,
        max_attestation_gap_secs: params.max_attestation_gap_secs,
        exit_cooldown_secs: params.exit_cooldown_secs,
        provider_count: 0,
        lease_count: 0,
        bump: ctx.bumps.market,
        fee_vault_bump: ctx.bumps.fee_vault,
    });
    emit_event(MarketCreated {
        market: market.key(),
        creator: market.creator,
        mint: market.mint,
        stake_mint: market.stake_mint,
        params,
    });
    Ok(())
}
