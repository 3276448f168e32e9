use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::settle_up_to;
// A glob: the Accounts derive needs the composite's generated bumps type and client module too.
use crate::events::{emit_event, LeaseEnded};
use crate::instructions::ending_lease::*;
use crate::settlement::{self, Settlement};
use crate::signer_seeds::PdaSigner;
use crate::state::{LeaseOutcome, LeaseStatus};
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
    #[account(address = ending.market.arbiter @ SynktiError::Unauthorized)]
    pub arbiter: Signer<'info>,
    pub ending: EndingLease<'info>,
    /// Receives the slashed stake (stake mint), owned by the consumer.
    #[account(
        mut,
        constraint = consumer_stake_token.mint == ending.market.stake_mint @ SynktiError::WrongMint,
        constraint = consumer_stake_token.owner == ending.lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_stake_token: Account<'info, TokenAccount>,
    #[account(mut, address = ending.provider.stake_vault @ SynktiError::WrongTokenAccount)]
    pub stake_vault: Account<'info, TokenAccount>,
    #[account(address = ending.market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Account<'info, Mint>,
}

pub fn handler(ctx: Context<ResolveDispute>, verdict: Verdict) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let accounts = &ctx.accounts;
    let a = &accounts.ending;
    let LeaseStatus::Disputed { opened_at } = a.lease.status else {
        return err!(SynktiError::LeaseNotDisputed);
    };
    let (s, slashed) = match verdict {
        Verdict::Refund => (Settlement::default(), settlement::slash_of(a.provider.staked, a.market.slash_bps)?),
        Verdict::Release => (settle_up_to(&a.lease, &a.market, opened_at)?, 0),
    };
    pay_out(
        &a.token_program,
        &accounts.stake_vault,
        accounts.consumer_stake_token.to_account_info(),
        &accounts.stake_mint,
        a.provider.to_account_info(),
        &PdaSigner::provider(&a.provider),
        slashed,
    )?;
    let refund = a.finish(&s)?;
    let (lease_key, arbiter) = (a.lease.key(), accounts.arbiter.key());
    let provider = &mut ctx.accounts.ending.provider;
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
