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
    #[msg("Slash multiple above 30000 bps (three times the disputed value)")]
    SlashTooHigh,
    /// 6005
    #[msg("Durations out of bounds: window 1 h..7 d, gap 10 s..window, cooldown window+gap..30 d, governance delay window..30 d")]
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
    /// 6036
    #[msg("The market's minimum stake must be greater than zero")]
    MinStakeZero,
    /// 6037
    #[msg("The market's dispute bond must be greater than zero")]
    DisputeBondZero,
    /// 6038
    #[msg("Lease has ended")]
    LeaseEnded,
    /// 6039
    #[msg("Self-attested time is past the last activity plus the attestation gap")]
    AttestationPastGap,
    /// 6040
    #[msg("Lease has stalled: nothing was settled within the attestation gap")]
    LeaseStalled,
    /// 6041
    #[msg("Escrow does not cover one attestation gap at the lease's price")]
    DepositBelowInterval,
    /// 6042
    #[msg("A provider's own authority or operator cannot lease from it")]
    SelfDealing,
    /// 6043
    #[msg("The lease's policy requires the consumer's signature for a hand-off")]
    ConsumerConsentRequired,
    /// 6044
    #[msg("The lease has used all the hand-offs its policy allows")]
    MigrationLimitReached,
    /// 6045
    #[msg("The current provider has not served for a second yet")]
    ZeroLengthHandoff,
    /// 6046
    #[msg("This operator key already serves a provider in this market")]
    OperatorTaken,
    /// 6047
    #[msg("The account to create already exists")]
    AccountAlreadyExists,
    /// 6048
    #[msg("The lease address is not the market's next lease id")]
    StaleLeaseId,
    /// 6049
    #[msg("The usage receipt is missing, malformed, or not signed by the lease's receipt signer")]
    InvalidReceipt,
    /// 6050
    #[msg("The usage receipt does not cover the attested period")]
    ReceiptDoesNotCover,
    /// 6051
    #[msg("Stake is still exposed: lease records, disputes or unvested pay remain")]
    ExposureRemains,
    /// 6052
    #[msg("Lease has not ended")]
    LeaseNotEnded,
    /// 6053
    #[msg("The market has no pending update")]
    NoPendingUpdate,
    /// 6054
    #[msg("The market update's delay has not elapsed")]
    UpdateNotDue,
    /// 6055
    #[msg("A payout account cannot be one of the market's or provider's vaults")]
    PayoutIsProgramVault,
    /// 6056
    #[msg("Claim exceeds the vested, unclaimed earnings")]
    InsufficientUnclaimed,
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
