use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, ProviderUpdated};
use crate::state::{Capabilities, Provider};

/// Fields left `None` stay as they are. A new price applies to leases opened afterwards;
/// open leases keep the price they were opened at.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateProviderArgs {
    pub operator: Option<Pubkey>,
    pub capabilities: Option<Capabilities>,
    pub price_per_second: Option<u64>,
}

#[derive(Accounts)]
pub struct UpdateProvider<'info> {
    pub authority: Signer<'info>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Account<'info, Provider>,
}

pub fn handler(ctx: Context<UpdateProvider>, args: UpdateProviderArgs) -> Result<()> {
    let provider = &mut ctx.accounts.provider;
    let (old_operator, old_price) = (provider.operator, provider.price_per_second);
    if let Some(capabilities) = args.capabilities {
        capabilities.validate()?;
        provider.capabilities = capabilities;
    }
    if let Some(price) = args.price_per_second {
        require!(price > 0, SynktiError::ZeroPrice);
        provider.price_per_second = price;
    }
    if let Some(operator) = args.operator {
        provider.operator = operator;
    }
    emit_event(ProviderUpdated {
        provider: provider.key(),
        old_operator,
        new_operator: provider.operator,
        old_price_per_second: old_price,
        new_price_per_second: provider.price_per_second,
    });
    Ok(())
}
