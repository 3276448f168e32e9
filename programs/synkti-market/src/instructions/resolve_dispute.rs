use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::{release_settlement, Escrow};
use crate::events::{emit_event, LeaseEnded};
use crate::settlement::{self, Settlement};
use crate::signer_seeds::PdaSigner;
use crate::state::{Lease, LeaseOutcome, LeaseStatus, Market, Provider};
use crate::token_moves::pay_out;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// For the consumer: all escrow back, and a share of the provider's stake.
    Refund,
    /// For the provider: paid up to the dispute, the rest back to the consumer.
    Release,
}

#[derive(Accounts)]
pub struct ResolveDispute<'info> {
    #[account(address = market.arbiter @ SynktiError::Unauthorized)]
    pub arbiter: Signer<'info>,
    /// CHECK: receives the lease's and the escrow's rent; must be the lease's consumer.
    #[account(mut, address = lease.consumer @ SynktiError::Unauthorized)]
    pub consumer: UncheckedAccount<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Account<'info, Market>,
    #[account(mut, address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Account<'info, Provider>,
    #[account(mut, close = consumer)]
    pub lease: Account<'info, Lease>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Account<'info, TokenAccount>,
    #[account(
        mut,
        constraint = consumer_token.mint == market.mint @ SynktiError::WrongMint,
        constraint = consumer_token.owner == lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_token: Account<'info, TokenAccount>,
    /// Receives the slashed stake (stake mint), owned by the consumer.
    #[account(
        mut,
        constraint = consumer_stake_token.mint == market.stake_mint @ SynktiError::WrongMint,
        constraint = consumer_stake_token.owner == lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_stake_token: Account<'info, TokenAccount>,
    #[account(mut, address = provider.payout @ SynktiError::WrongTokenAccount)]
    pub payout: Account<'info, TokenAccount>,
    #[account(mut, address = provider.stake_vault @ SynktiError::WrongTokenAccount)]
    pub stake_vault: Account<'info, TokenAccount>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Account<'info, TokenAccount>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Account<'info, Mint>,
    #[account(address = market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Account<'info, Mint>,
    pub token_program: Program<'info, Token>,
}

pub fn handler(ctx: Context<ResolveDispute>, verdict: Verdict) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &ctx.accounts;
    let LeaseStatus::Disputed { opened_at } = a.lease.status else {
        return err!(SynktiError::LeaseNotDisputed);
    };
    let (s, slashed) = match verdict {
        Verdict::Refund => (Settlement::default(), settlement::slash_of(a.provider.staked, a.market.slash_bps)?),
        Verdict::Release => (release_settlement(&a.lease, &a.market, opened_at)?, 0),
    };
    pay_out(
        &a.token_program,
        &a.stake_vault,
        a.consumer_stake_token.to_account_info(),
        &a.stake_mint,
        a.provider.to_account_info(),
        &PdaSigner::provider(&a.provider),
        slashed,
    )?;
    let refund = Escrow::of(&a.lease, &a.escrow, &a.mint, &a.token_program).finish(
        &s,
        a.payout.to_account_info(),
        a.fee_vault.to_account_info(),
        a.consumer_token.to_account_info(),
        a.consumer.to_account_info(),
    )?;
    let (lease_key, arbiter) = (a.lease.key(), a.arbiter.key());
    let provider = &mut ctx.accounts.provider;
    let outcome = match verdict {
        Verdict::Refund => {
            provider.lost_dispute(slashed)?;
            LeaseOutcome::Refunded
        }
        Verdict::Release => {
            provider.won_dispute(s.seconds, s.payout)?;
            LeaseOutcome::Released
        }
    };
    emit_event(LeaseEnded {
        lease: lease_key,
        provider: provider.key(),
        by: arbiter,
        outcome,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
        refund,
        slashed,
        at: now,
    });
    Ok(())
}
