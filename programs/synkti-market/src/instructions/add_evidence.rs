use anchor_lang::prelude::*;

use crate::error::SynktiError;
use crate::events::{emit_event, EvidenceAdded};
use crate::state::{Lease, LeaseStatus, Provider};

/// Either side of an open dispute records the hash of its evidence (logs, audit results,
/// receipts), which the arbiter reads off chain.
#[derive(Accounts)]
pub struct AddEvidence<'info> {
    pub signer: Signer<'info>,
    #[account(address = lease.provider @ SynktiError::WrongProvider)]
    pub provider: Box<Account<'info, Provider>>,
    #[account(mut)]
    pub lease: Box<Account<'info, Lease>>,
}

pub fn handler(ctx: Context<AddEvidence>, evidence_hash: [u8; 32]) -> Result<()> {
    let signer = ctx.accounts.signer.key();
    let by_provider = ctx.accounts.provider.is_controller(&signer);
    let lease = &mut ctx.accounts.lease;
    require!(matches!(lease.status, LeaseStatus::Disputed { .. }), SynktiError::LeaseNotDisputed);
    if by_provider {
        lease.provider_evidence = evidence_hash;
    } else {
        require_keys_eq!(signer, lease.consumer, SynktiError::Unauthorized);
        lease.consumer_evidence = evidence_hash;
    }
    emit_event(EvidenceAdded { lease: lease.key(), by: signer, evidence_hash });
    Ok(())
}
