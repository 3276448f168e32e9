use anchor_lang::prelude::*;
use anchor_spl::token::{Mint, Token, TokenAccount};

use crate::error::SynktiError;
use crate::escrow::{hold_for_provider, pay_provider, vest, Escrow, ProviderAccounts};
use crate::events::{emit_event, UsageAttested};
use crate::receipt::{self, Receipt};
use crate::settlement;
use crate::state::{Lease, Market, Provider};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct AttestUsageArgs {
    pub until: i64,
    /// The consumer's signed receipt; its signature is verified by the Ed25519 program
    /// instruction placed just before this one.
    pub receipt: Option<Receipt>,
}

#[derive(Accounts)]
pub struct AttestUsage<'info> {
    pub operator: Signer<'info>,
    #[account(address = lease.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = operator @ SynktiError::Unauthorized)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut, constraint = lease.provider == provider.key() @ SynktiError::WrongProvider)]
    pub lease: Box<Account<'info, Lease>>,
    #[account(mut, address = lease.escrow @ SynktiError::WrongTokenAccount)]
    pub escrow: Box<Account<'info, TokenAccount>>,
    /// CHECK: the provider's payout account; used only if it can take the payment (escrow.rs).
    #[account(mut)]
    pub payout: UncheckedAccount<'info>,
    #[account(mut, address = provider.earnings_vault @ SynktiError::WrongTokenAccount)]
    pub earnings_vault: Box<Account<'info, TokenAccount>>,
    #[account(mut, address = market.fee_vault @ SynktiError::WrongTokenAccount)]
    pub fee_vault: Box<Account<'info, TokenAccount>>,
    #[account(address = market.mint @ SynktiError::WrongMint)]
    pub mint: Box<Account<'info, Mint>>,
    /// CHECK: the instructions sysvar (address checked), read to find the receipt's signature.
    #[account(address = solana_instructions_sysvar::ID)]
    pub instructions: UncheckedAccount<'info>,
    pub token_program: Program<'info, Token>,
}

/// Pays for service from the last settlement up to `until`. With the consumer's receipt the
/// payment is final at once; on the provider's word alone, `until` may not pass the last
/// activity plus the gap, and the payment is held until the dispute window has passed.
pub fn handler(mut ctx: Context<AttestUsage>, args: AttestUsageArgs) -> Result<()> {
    let now = Clock::get()?.unix_timestamp;
    let a = &mut ctx.accounts;
    a.lease.require_active()?;
    let (market, from, until) = (&a.market, a.lease.settled_until, args.until);
    if let Some(r) = &args.receipt {
        receipt::verify(&a.instructions, r, &a.lease.receipt_signer, &a.lease.key(), &a.provider.key())?;
        require!(r.from <= from && until <= r.until, SynktiError::ReceiptDoesNotCover);
    } else {
        require!(!market.stalled(a.lease.last_activity_at, now), SynktiError::LeaseStalled);
        let cap = settlement::attestable_until(a.lease.last_activity_at, market.max_attestation_gap_secs, now);
        require!(until <= now, SynktiError::AttestationInFuture);
        require!(until <= cap, SynktiError::AttestationPastGap);
    }
    let s = settlement::attest(from, until, now, a.lease.price_per_second, a.lease.available()?, market.fee_bps)?;
    vest(&mut a.provider, &a.earnings_vault, a.fee_vault.to_account_info(), &a.mint, &a.token_program, now)?;
    let lease_info = a.lease.to_account_info();
    let escrow = Escrow {
        token_program: &a.token_program,
        escrow: &a.escrow,
        mint: &a.mint,
        lease: lease_info,
        signer: crate::signer_seeds::PdaSigner::lease(&a.lease),
    };
    let vests_at = match args.receipt {
        Some(_) => {
            let to = ProviderAccounts { payout: &a.payout.to_account_info(), earnings_vault: &a.earnings_vault };
            pay_provider(&escrow, &to, &mut a.provider, s.payout)?;
            escrow.pay(a.fee_vault.to_account_info(), s.fee)?;
            a.lease.record_settlement(s.payout, s.fee)?;
            a.provider.record_payout(s.seconds, s.payout, true);
            0
        }
        None => {
            let vests_at = settlement::vests_at(now, market.dispute_window_secs);
            hold_for_provider(&escrow, &a.earnings_vault, &mut a.provider, &mut a.lease, &s, vests_at)?;
            vests_at
        }
    };
    let lease = &mut a.lease;
    lease.settled_until = until;
    lease.last_activity_at = now;
    emit_event(UsageAttested {
        lease: lease.key(),
        provider: lease.provider,
        from,
        until,
        seconds: s.seconds,
        payout: s.payout,
        fee: s.fee,
        verified: args.receipt.is_some(),
        vests_at,
    });
    Ok(())
}
