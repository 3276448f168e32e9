use anchor_lang::prelude::*;

use crate::constants::OPERATOR_SEED;
use crate::create::create_account;
use crate::error::SynktiError;
use crate::events::{emit_event, OperatorRotated};
use crate::state::{Market, OperatorIndex, Provider};

/// A new node key for a provider: the authority and the new operator sign, the old key's index
/// entry is closed (its rent back to the authority) and the new one created, so the new key
/// cannot already serve another provider.
#[derive(Accounts)]
pub struct RotateOperator<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    pub new_operator: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(
        mut,
        close = authority,
        seeds = [OPERATOR_SEED, market.key().as_ref(), provider.operator.as_ref()],
        bump = old_index.bump,
    )]
    pub old_index: Box<Account<'info, OperatorIndex>>,
    /// CHECK: created here; an existing one means the new operator is taken.
    #[account(mut, seeds = [OPERATOR_SEED, market.key().as_ref(), new_operator.key().as_ref()], bump)]
    pub new_index: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
}

pub fn handler(ctx: Context<RotateOperator>) -> Result<()> {
    let a = &ctx.accounts;
    require!(a.new_index.data_is_empty(), SynktiError::OperatorTaken);
    let (market_key, new_operator) = (a.market.key(), a.new_operator.key());
    let entry = OperatorIndex {
        market: market_key,
        operator: new_operator,
        provider: a.provider.key(),
        bump: ctx.bumps.new_index,
    };
    let seeds: &[&[u8]] = &[OPERATOR_SEED, market_key.as_ref(), new_operator.as_ref(), &[entry.bump]];
    let payer = a.authority.to_account_info();
    create_account(&payer, &a.new_index, &a.system_program, 8 + OperatorIndex::INIT_SPACE, seeds, &entry)?;
    let provider = &mut ctx.accounts.provider;
    let old_operator = provider.operator;
    provider.operator = new_operator;
    emit_event(OperatorRotated { provider: provider.key(), old_operator, new_operator });
    Ok(())
}
