use anchor_lang::prelude::*;
use anchor_spl::token::TokenAccount;

use crate::error::SynktiError;
use crate::events::{emit_event, ProviderUpdated};
use crate::instructions::register_provider::check_payout;
use crate::state::{Capabilities, Market, Provider};

/// Fields left `None` stay as they are. A new price applies to leases opened afterwards;
/// open leases keep the price they were opened at. The operator changes by `rotate_operator`.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateProviderArgs {
    pub capabilities: Option<Capabilities>,
    pub price_per_second: Option<u64>,
}

#[derive(Accounts)]
pub struct UpdateProvider<'info> {
    pub authority: Signer<'info>,
    #[account(address = provider.market @ SynktiError::WrongMarket)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, has_one = authority @ SynktiError::Unauthorized)]
    pub provider: Box<Account<'info, Provider>>,
    /// A new payout account, when the authority moves its payouts.
    #[account(constraint = new_payout.mint == market.mint @ SynktiError::WrongMint)]
    pub new_payout: Option<Box<Account<'info, TokenAccount>>>,
}

pub fn handler(ctx: Context<UpdateProvider>, args: UpdateProviderArgs) -> Result<()> {
    let a = &ctx.accounts;
    if let Some(payout) = &a.new_payout {
        check_payout(payout, &a.market, &a.provider.key())?;
    }
    let new_payout = a.new_payout.as_ref().map(|p| p.key());
    let provider = &mut ctx.accounts.provider;
    let (old_price, old_payout) = (provider.price_per_second, provider.payout);
    if let Some(capabilities) = args.capabilities {
        capabilities.validate()?;
        provider.capabilities = capabilities;
    }
    if let Some(price) = args.price_per_second {
        require!(price > 0, SynktiError::ZeroPrice);
        provider.price_per_second = price;
    }
    if let Some(payout) = new_payout {
        provider.payout = payout;
    }
    emit_event(ProviderUpdated {
        provider: provider.key(),
        old_price_per_second: old_price,
        new_price_per_second: provider.price_per_second,
        old_payout,
        new_payout: provider.payout,
    });
    Ok(())
}
