//! Token transfers the program makes. Every transfer is `transfer_checked`, so a wrong mint
//! is refused by the token program even if an account constraint were ever missed.
use anchor_lang::prelude::*;
use anchor_spl::token::{self, CloseAccount, Mint, Token, TokenAccount, TransferChecked};

use crate::signer_seeds::PdaSigner;

/// From a wallet the signer owns into a program vault.
pub fn deposit<'info>(
    token_program: &Program<'info, Token>,
    from: &Account<'info, TokenAccount>,
    to: &Account<'info, TokenAccount>,
    mint: &Account<'info, Mint>,
    owner: &Signer<'info>,
    amount: u64,
) -> Result<()> {
    let accounts = TransferChecked {
        from: from.to_account_info(),
        mint: mint.to_account_info(),
        to: to.to_account_info(),
        authority: owner.to_account_info(),
    };
    token::transfer_checked(CpiContext::new(token_program.key(), accounts), amount, mint.decimals)
}

/// Out of a program vault whose authority is the PDA `signer`. Zero amounts are skipped.
pub fn pay_out<'info>(
    token_program: &Program<'info, Token>,
    vault: &Account<'info, TokenAccount>,
    to: AccountInfo<'info>,
    mint: &Account<'info, Mint>,
    authority: AccountInfo<'info>,
    signer: &PdaSigner,
    amount: u64,
) -> Result<()> {
    if amount == 0 {
        return Ok(());
    }
    let seeds = signer.seeds();
    let signers: &[&[&[u8]]] = &[&seeds];
    let accounts = TransferChecked { from: vault.to_account_info(), mint: mint.to_account_info(), to, authority };
    token::transfer_checked(CpiContext::new_with_signer(token_program.key(), accounts, signers), amount, mint.decimals)
}

/// Close an emptied vault, its rent lamports going to `rent_to`.
pub fn close_vault<'info>(
    token_program: &Program<'info, Token>,
    vault: &Account<'info, TokenAccount>,
    rent_to: AccountInfo<'info>,
    authority: AccountInfo<'info>,
    signer: &PdaSigner,
) -> Result<()> {
    let seeds = signer.seeds();
    let signers: &[&[&[u8]]] = &[&seeds];
    let accounts = CloseAccount { account: vault.to_account_info(), destination: rent_to, authority };
    token::close_account(CpiContext::new_with_signer(token_program.key(), accounts, signers))
}
