//! Every way an instruction can be refused. Numbers start at Anchor's 6000; the client maps
//! each to a typed error with a remedy, so variants are only ever appended, never reordered.
use anchor_lang::prelude::*;

#[error_code]
pub enum SynktiError {
    /// 6000
    #[msg("The signer is not allowed to perform this action")]
    Unauthorized,
    /// 6001
    #[msg("Token account or mint does not match the market's mint")]
    WrongMint,
    /// 6002
    #[msg("Token account is not the one recorded for this account")]
    WrongTokenAccount,
    /// 6003
    #[msg("Protocol fee above the maximum (2000 bps)")]
    FeeTooHigh,
    /// 6004
    #[msg("Slash ratio above 10000 bps")]
    SlashTooHigh,
    /// 6005
    #[msg("Durations (dispute window, attestation gap, exit cooldown) must be positive")]
    InvalidDuration,
    /// 6006
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    /// 6007
    #[msg("Price per second must be greater than zero")]
    ZeroPrice,
    /// 6008
    #[msg("A label (GPU model, region, zone) is empty or longer than 32 bytes")]
    InvalidLabel,
    /// 6009
    #[msg("GPU count and VRAM must be greater than zero")]
    InvalidCapabilities,
    /// 6010
    #[msg("Arithmetic overflow")]
    Overflow,
    /// 6011
    #[msg("Provider is not active (paused or exiting)")]
    ProviderNotActive,
    /// 6012
    #[msg("Provider is already paused")]
    AlreadyPaused,
    /// 6013
    #[msg("Provider is not paused")]
    NotPaused,
    /// 6014
    #[msg("Provider is already exiting")]
    AlreadyExiting,
    /// 6015
    #[msg("Provider has not begun to exit")]
    NotExiting,
    /// 6016
    #[msg("Exit cooldown has not elapsed")]
    CooldownNotElapsed,
    /// 6017
    #[msg("Provider still has open leases")]
    OpenLeasesRemain,
    /// 6018
    #[msg("Provider stake is below the market minimum")]
    InsufficientStake,
    /// 6019
    #[msg("Withdrawal exceeds the staked amount")]
    WithdrawExceedsStake,
    /// 6020
    #[msg("Provider price is above the lease's price cap")]
    PriceAboveCap,
    /// 6021
    #[msg("Lease is not open (already accepted, disputed or settled)")]
    LeaseNotOpen,
    /// 6022
    #[msg("Lease is not active")]
    LeaseNotActive,
    /// 6023
    #[msg("Lease is disputed: settlement is frozen until the dispute is resolved")]
    LeaseDisputed,
    /// 6024
    #[msg("Lease is not disputed")]
    LeaseNotDisputed,
    /// 6025
    #[msg("Lease belongs to another provider")]
    WrongProvider,
    /// 6026
    #[msg("Account belongs to another market")]
    WrongMarket,
    /// 6027
    #[msg("Attested time is in the future")]
    AttestationInFuture,
    /// 6028
    #[msg("Attested time is not after the last settled time")]
    AttestationNotAfterLast,
    /// 6029
    #[msg("Attested usage exceeds what is left in escrow")]
    AttestationExceedsDeposit,
    /// 6030
    #[msg("Hand-off time must lie between the last settlement and now")]
    InvalidHandoffTime,
    /// 6031
    #[msg("A lease cannot migrate to the provider it is already on")]
    SameProvider,
    /// 6032
    #[msg("Attestations have not stalled: the market's gap has not elapsed")]
    LeaseNotStalled,
    /// 6033
    #[msg("The dispute window has closed")]
    DisputeWindowClosed,
    /// 6034
    #[msg("The dispute window is still open")]
    DisputeWindowOpen,
    /// 6035
    #[msg("Fee vault holds less than requested")]
    InsufficientFees,
}

impl From<crate::settlement::SettlementError> for anchor_lang::error::Error {
    fn from(e: crate::settlement::SettlementError) -> Self {
        use crate::settlement::SettlementError as S;
        match e {
            S::Overflow => SynktiError::Overflow.into(),
            S::InFuture => SynktiError::AttestationInFuture.into(),
            S::NotAfterLast => SynktiError::AttestationNotAfterLast.into(),
            S::ExceedsDeposit => SynktiError::AttestationExceedsDeposit.into(),
        }
    }
}
