//! Creating program addresses that someone may have pre-funded.
//!
//! Anyone can send lamports to an address before it exists. Anchor 1.2's `init` then uses the
//! system program's `CreateAccountAllowPrefund`, which runtimes before Agave 3.2 do not know:
//! the `init` would fail for good and the address (a market, a provider) could never be created.
//! Here every PDA is created the way that works on every runtime: top up to rent exemption,
//! allocate, assign, each signed by the PDA's seeds.
use anchor_lang::prelude::*;
use anchor_lang::system_program::{self, Allocate, Assign, CreateAccount, Transfer};
use anchor_spl::token::{self, InitializeAccount3, Token};

use crate::error::SynktiError;

/// Creates `target` (a PDA of `seeds`) with `space` bytes owned by `owner`; refuses an address
/// that already holds data or belongs to a program.
pub fn create_pda<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    system: &Program<'info, System>,
    space: usize,
    owner: &Pubkey,
    seeds: &[&[u8]],
) -> Result<()> {
    require!(target.owner == &system_program::ID && target.data_is_empty(), SynktiError::AccountAlreadyExists);
    let signer: &[&[&[u8]]] = &[seeds];
    let rent = Rent::get()?.minimum_balance(space);
    let held = target.lamports();
    let program = system.key();
    if held == 0 {
        let accounts = CreateAccount { from: payer.clone(), to: target.clone() };
        return system_program::create_account(
            CpiContext::new_with_signer(program, accounts, signer),
            rent,
            space as u64,
            owner,
        );
    }
    let shortfall = rent.saturating_sub(held);
    if shortfall > 0 {
        let accounts = Transfer { from: payer.clone(), to: target.clone() };
        system_program::transfer(CpiContext::new(program, accounts), shortfall)?;
    }
    system_program::allocate(
        CpiContext::new_with_signer(program, Allocate { account_to_allocate: target.clone() }, signer),
        space as u64,
    )?;
    system_program::assign(
        CpiContext::new_with_signer(program, Assign { account_to_assign: target.clone() }, signer),
        owner,
    )
}

/// Creates a program account holding `value` (discriminator and data).
pub fn create_account<'info, T: AccountSerialize + Owner>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    system: &Program<'info, System>,
    space: usize,
    seeds: &[&[u8]],
    value: &T,
) -> Result<()> {
    create_pda(payer, target, system, space, &T::owner(), seeds)?;
    let mut data = target.try_borrow_mut_data()?;
    let mut writer: &mut [u8] = &mut data[..];
    value.try_serialize(&mut writer)
}

/// Creates a token account (classic SPL Token) of `mint` at the PDA `target`, owned by `authority`.
pub fn create_token_vault<'info>(
    payer: &AccountInfo<'info>,
    target: &AccountInfo<'info>,
    mint: &AccountInfo<'info>,
    authority: &AccountInfo<'info>,
    system: &Program<'info, System>,
    token_program: &Program<'info, Token>,
    seeds: &[&[u8]],
) -> Result<()> {
    create_pda(payer, target, system, token::TokenAccount::LEN, &token::ID, seeds)?;
    let accounts = InitializeAccount3 { account: target.clone(), mint: mint.clone(), authority: authority.clone() };
    token::initialize_account3(CpiContext::new(token_program.key(), accounts))
}
