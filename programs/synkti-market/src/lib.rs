use anchor_lang::prelude::*;
declare_id!("SYNKmkt111111111111111111111111111111111111");
#[program]
pub mod synkti_market {
    use super::*;
    pub fn ping(_ctx: Context<Ping>) -> Result<()> { Ok(()) }
}
#[derive(Accounts)]
pub struct Ping {}
