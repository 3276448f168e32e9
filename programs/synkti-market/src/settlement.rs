//! Settlement arithmetic: pure functions over integers, no accounts, no I/O.
//!
//! Every amount is in token base units (u64), every time a unix timestamp (i64). Products are
//! taken in u128 and narrowed with a check, so no input can overflow silently or panic.
use crate::constants::BPS_DENOMINATOR;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettlementError {
    Overflow,
    InFuture,
    NotAfterLast,
    ExceedsDeposit,
}

/// One payment out of escrow: `gross = seconds × price`, of which `fee` goes to the market
/// and `payout` to the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settlement {
    pub seconds: u64,
    pub gross: u64,
    pub payout: u64,
    pub fee: u64,
}

/// The protocol's share of `gross`, rounded down so the provider never loses a unit to rounding.
pub fn fee_of(gross: u64, fee_bps: u16) -> Result<u64, SettlementError> {
    let fee = (gross as u128) * (fee_bps as u128) / (BPS_DENOMINATOR as u128);
    u64::try_from(fee).map_err(|_| SettlementError::Overflow)
}

/// What `seconds` of service at `price_per_second` cost, split into payout and fee.
pub fn charge(seconds: u64, price_per_second: u64, fee_bps: u16) -> Result<Settlement, SettlementError> {
    let gross = seconds.checked_mul(price_per_second).ok_or(SettlementError::Overflow)?;
    let fee = fee_of(gross, fee_bps)?;
    Ok(Settlement { seconds, gross, payout: gross - fee, fee })
}

fn elapsed(from: i64, until: i64) -> Result<u64, SettlementError> {
    let seconds = until.checked_sub(from).ok_or(SettlementError::Overflow)?;
    u64::try_from(seconds).map_err(|_| SettlementError::NotAfterLast)
}

/// A provider's attestation that it served from `settled_until` to `until`. Strict: the time
/// must be after the last settlement and not in the future, and escrow must cover all of it.
pub fn attest(
    settled_until: i64,
    until: i64,
    now: i64,
    price_per_second: u64,
    available: u64,
    fee_bps: u16,
) -> Result<Settlement, SettlementError> {
    if until > now {
        return Err(SettlementError::InFuture);
    }
    if until <= settled_until {
        return Err(SettlementError::NotAfterLast);
    }
    let settlement = charge(elapsed(settled_until, until)?, price_per_second, fee_bps)?;
    if settlement.gross > available {
        return Err(SettlementError::ExceedsDeposit);
    }
    Ok(settlement)
}

/// Final settlement when a lease ends or changes hands: pays for the seconds from
/// `settled_until` to `until` that escrow can still cover, whole seconds only. Never fails for
/// lack of funds: the provider simply gets what is left.
pub fn settle_capped(
    settled_until: i64,
    until: i64,
    price_per_second: u64,
    available: u64,
    fee_bps: u16,
) -> Result<Settlement, SettlementError> {
    if until <= settled_until || price_per_second == 0 {
        return Ok(Settlement::default());
    }
    let affordable = available / price_per_second;
    let seconds = elapsed(settled_until, until)?.min(affordable);
    charge(seconds, price_per_second, fee_bps)
}

/// The share of a provider's stake taken when a dispute goes against it.
pub fn slash_of(staked: u64, slash_bps: u16) -> Result<u64, SettlementError> {
    let slash = (staked as u128) * (slash_bps as u128) / (BPS_DENOMINATOR as u128);
    u64::try_from(slash).map_err(|_| SettlementError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_rounds_down_in_the_providers_favour() {
        assert_eq!(fee_of(999, 100).unwrap(), 9);
        assert_eq!(fee_of(1_000, 100).unwrap(), 10);
        assert_eq!(fee_of(u64::MAX, 2_000).unwrap(), u64::MAX / 5);
        assert_eq!(fee_of(12_345, 0).unwrap(), 0);
    }

    #[test]
    fn charge_splits_gross_into_payout_and_fee() {
        let s = charge(60, 1_000, 250).unwrap();
        assert_eq!(s, Settlement { seconds: 60, gross: 60_000, payout: 58_500, fee: 1_500 });
        assert_eq!(s.payout + s.fee, s.gross);
    }

    #[test]
    fn charge_overflow_is_an_error_not_a_wrap() {
        assert_eq!(charge(u64::MAX, 2, 0), Err(SettlementError::Overflow));
    }

    #[test]
    fn attest_accepts_a_covered_period_up_to_now() {
        let s = attest(100, 160, 160, 10, 600, 1_000).unwrap();
        assert_eq!((s.seconds, s.gross, s.payout, s.fee), (60, 600, 540, 60));
    }

    #[test]
    fn attest_rejects_the_future_the_past_and_the_unfunded() {
        assert_eq!(attest(100, 161, 160, 10, 10_000, 0), Err(SettlementError::InFuture));
        assert_eq!(attest(100, 100, 160, 10, 10_000, 0), Err(SettlementError::NotAfterLast));
        assert_eq!(attest(100, 90, 160, 10, 10_000, 0), Err(SettlementError::NotAfterLast));
        assert_eq!(attest(100, 160, 160, 10, 599, 0), Err(SettlementError::ExceedsDeposit));
    }

    #[test]
    fn attest_handles_extreme_timestamps_without_panicking() {
        assert_eq!(attest(i64::MIN, i64::MAX, i64::MAX, 1, u64::MAX, 0), Err(SettlementError::Overflow));
        assert!(attest(i64::MAX - 1, i64::MAX, i64::MAX, u64::MAX, u64::MAX, 2_000).is_ok());
    }

    #[test]
    fn settle_capped_pays_only_what_escrow_covers_in_whole_seconds() {
        let s = settle_capped(0, 100, 7, 50, 0).unwrap();
        assert_eq!((s.seconds, s.gross), (7, 49));
        let s = settle_capped(0, 5, 7, 50, 0).unwrap();
        assert_eq!((s.seconds, s.gross), (5, 35));
        assert_eq!(settle_capped(10, 10, 7, 50, 0).unwrap(), Settlement::default());
        assert_eq!(settle_capped(10, 3, 7, 50, 0).unwrap(), Settlement::default());
    }

    #[test]
    fn slash_takes_the_ratio_of_stake() {
        assert_eq!(slash_of(1_000, 5_000).unwrap(), 500);
        assert_eq!(slash_of(1_000, 10_000).unwrap(), 1_000);
        assert_eq!(slash_of(u64::MAX, 10_000).unwrap(), u64::MAX);
    }
}
