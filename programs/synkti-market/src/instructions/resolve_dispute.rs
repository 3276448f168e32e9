use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::{claw_back, pay_provider, ProviderAccounts};
// A glob: the Accounts derive needs the composite's generated bumps type and client module too.
use crate::events::{emit_event, LeaseEnded};
use crate::instructions::ending_lease::*;
use crate::settlement;
use crate::signer_seeds::PdaSigner;
use crate::state::{LeaseOutcome, LeaseStatus};
use crate::token_moves::pay_out;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// For the consumer: unvested pay clawed back, escrow and bond back, and a bounded slash.
    Refund,
    /// For the provider: paid up to the dispute, the bond forfeited to it, the rest refunded.
    Release,
}

/// Only the arbiter the lease snapshotted when it opened may rule.
#[derive(Accounts)]
pub struct ResolveDispute<'info> {
    #[account(address = ending.lease.arbiter @ SynktiError::Unauthorized)]
    pub arbiter: Signer<'info>,
    pub ending: EndingLease<'info>,
    /// Receives the consumer's share of a slash (stake mint), owned by the consumer.
    #[account(
        mut,
        constraint = consumer_stake_token.mint == ending.market.stake_mint @ SynktiError::WrongMint,
        constraint = consumer_stake_token.owner == ending.lease.consumer @ SynktiError::WrongTokenAccount,
    )]
    pub consumer_stake_token: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = ending.provider.stake_vault @ SynktiError::WrongTokenAccount)]
    pub stake_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = ending.market.slash_vault @ SynktiError::WrongTokenAccount)]
    pub slash_vault: Box<Account<'info, TokenAccount>>,
    #[account(address = ending.market.stake_mint @ SynktiError::WrongMint)]
    pub stake_mint: Box<Account<'info, Mint>>,
}

/// The dispute's timing: when it opened, and whether the lease was still being served.
pub fn disputed(status: LeaseStatus) -> Result<(i64, Option<i64>)> {
    match status {
        LeaseStatus::Disputed { opened_at, ended_at } => Ok((opened_at, ended_at)),
        _ => err!(SynktiError::LeaseNotDisputed),
    }
}

/// For the provider (by verdict or expiry): its claim up to the dispute is held like any other,
/// the consumer's bond is paid to it, the rest of the escrow refunded.
pub fn release(e: &mut EndingLease, opened_at: i64, ended_at: Option<i64>, now: i64) -> Result<Ended> {
    let ended = match ended_at {
        None => e.settle_and_refund(opened_at, now)?,
        Some(_) => Ended::default(),
    };
    let bond = e.lease.bond;
    let escrow = crate::escrow::Escrow::of(&e.lease, &e.escrow, &e.mint, &e.token_program);
    let to = ProviderAccounts { payout: &e.payout.to_account_info(), earnings_vault: &e.earnings_vault };
    pay_provider(&escrow, &to, &mut e.provider, bond)?;
    e.lease.bond = 0;
    let r = &mut e.provider.reputation;
    r.disputes_won = r.disputes_won.saturating_add(1);
    if ended_at.is_none() {
        e.count_completion();
    }
    e.mark_ended(LeaseOutcome::Released, ended_at.is_none(), now)?;
    Ok(ended)
}

pub fn handler(mut ctx: Context<ResolveDispute>, verdict: Verdict) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let arbiter = ctx.accounts.arbiter.key();
    let (opened_at, ended_at) = disputed(ctx.accounts.ending.lease.status)?;
    let accounts = &mut ctx.accounts;
    let (mut ended, mut clawed_back, mut slashed, mut slash_to_consumer, bond) =
        (Ended::default(), 0u64, 0u64, 0u64, accounts.ending.lease.bond);
    let outcome = match verdict {
        Verdict::Release => {
            ended = release(&mut accounts.ending, opened_at, ended_at, now)?;
            LeaseOutcome::Released
        }
        Verdict::Refund => {
            let e = &mut accounts.ending;
            clawed_back = claw_back(&mut e.provider, &mut e.lease, now);
            let signer = PdaSigner::provider(&e.provider);
            let (vault, to) = (&e.earnings_vault, e.consumer_token.to_account_info());
            pay_out(&e.token_program, vault, to, &e.mint, e.provider.to_account_info(), &signer, clawed_back)?;
            e.lease.bond = 0;
            ended.refund = e.refund_rest()?;
            let disputed_value = e.lease.paid_to_current;
            slashed = settlement::slash_of(disputed_value, e.market.slash_multiple_bps, e.provider.staked)?;
            let to_treasury;
            (slash_to_consumer, to_treasury) =
                settlement::split_slash(slashed, disputed_value.saturating_sub(clawed_back));
            for (to, amount) in [
                (accounts.consumer_stake_token.to_account_info(), slash_to_consumer),
                (accounts.slash_vault.to_account_info(), to_treasury),
            ] {
                pay_out(
                    &e.token_program,
                    &accounts.stake_vault,
                    to,
                    &accounts.stake_mint,
                    e.provider.to_account_info(),
                    &signer,
                    amount,
                )?;
            }
            let p = &mut e.provider;
            p.staked = p.staked.checked_sub(slashed).ok_or(SynktiError::Overflow)?;
            p.reputation.disputes_lost = p.reputation.disputes_lost.saturating_add(1);
            p.reputation.leases_failed = p.reputation.leases_failed.saturating_add(1);
            e.mark_ended(LeaseOutcome::Refunded, ended_at.is_none(), now)?;
            LeaseOutcome::Refunded
        }
    };
    let e = &ctx.accounts.ending;
    emit_event(LeaseEnded {
        lease: e.lease.key(),
        provider: e.provider.key(),
        by: arbiter,
        outcome,
        seconds: ended.settlement.seconds,
        payout: ended.settlement.payout,
        fee: ended.settlement.fee,
        refund: ended.refund,
        clawed_back,
        slashed,
        slash_to_consumer,
        bond,
        at: now,
    });
    Ok(())
}
