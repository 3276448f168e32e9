//! SPL Token (and Token-2022) accounts as the RPC reports them: balances with decimals, owner
//! and mint, decoded with the token interface crates and `solana-account-decoder`.
use anchor_lang::prelude::Pubkey;
use serde_json::{json, Value};
use solana_account::Account;
use solana_account_decoder::parse_account_data::{AccountAdditionalDataV3, SplTokenAdditionalDataV2};
use solana_account_decoder::parse_token::{is_known_spl_token_id, token_amount_to_ui_amount_v3};
use spl_token_2022_interface::extension::StateWithExtensions;
use spl_token_2022_interface::state::{Account as TokenAccount, Mint};

/// The fields of a token account that the RPC filters and reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHolding {
    pub mint: Pubkey,
    pub owner: Pubkey,
    pub amount: u64,
    pub program: Pubkey,
}

pub fn holding(account: &Account) -> Option<TokenHolding> {
    if !is_known_spl_token_id(&account.owner) {
        return None;
    }
    let state = StateWithExtensions::<TokenAccount>::unpack(&account.data).ok()?;
    Some(TokenHolding {
        mint: state.base.mint,
        owner: state.base.owner,
        amount: state.base.amount,
        program: account.owner,
    })
}

pub fn mint_decimals(mint: &Account) -> Option<u8> {
    if !is_known_spl_token_id(&mint.owner) {
        return None;
    }
    StateWithExtensions::<Mint>::unpack(&mint.data).ok().map(|m| m.base.decimals)
}

pub fn additional_data(decimals: Option<u8>) -> Option<AccountAdditionalDataV3> {
    decimals.map(|d| AccountAdditionalDataV3 {
        spl_token_additional_data: Some(SplTokenAdditionalDataV2::with_decimals(d)),
    })
}

/// `{ amount, decimals, uiAmount, uiAmountString }`.
pub fn ui_amount(amount: u64, decimals: u8) -> Value {
    serde_json::to_value(token_amount_to_ui_amount_v3(amount, &SplTokenAdditionalDataV2::with_decimals(decimals)))
        .unwrap_or(Value::Null)
}

/// One entry of `preTokenBalances` / `postTokenBalances`.
pub fn balance_entry(index: usize, holding: &TokenHolding, decimals: u8) -> Value {
    json!({
        "accountIndex": index,
        "mint": holding.mint.to_string(),
        "owner": holding.owner.to_string(),
        "programId": holding.program.to_string(),
        "uiTokenAmount": ui_amount(holding.amount, decimals),
    })
}
