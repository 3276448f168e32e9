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

/// The protocol's share of `gross`, rounded up: splitting a lease into many tiny attestations
/// must not shave the fee to zero (it never exceeds `gross`, since `fee_bps` ≤ 10,000).
pub fn fee_of(gross: u64, fee_bps: u16) -> Result<u64, SettlementError> {
    let den = BPS_DENOMINATOR as u128;
    let fee = ((gross as u128) * (fee_bps as u128)).div_ceil(den);
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

/// The latest time a self-attestation may bill up to: never past now, never past the last
/// activity plus the attestation gap (a provider cannot bill a silence).
pub fn attestable_until(last_activity_at: i64, gap: i64, now: i64) -> i64 {
    now.min(last_activity_at.saturating_add(gap))
}

/// When self-attested pay earned at `now` vests: the end of the next dispute-window bucket, so
/// between one and two windows later. Bucketing keeps at most two unvested tranches alive.
pub fn vests_at(now: i64, window: i64) -> i64 {
    let bucket = now.div_euclid(window.max(1));
    bucket.saturating_add(2).saturating_mul(window.max(1))
}

/// The slash of a refund verdict: a bounded multiple of the disputed value, never more than
/// the stake. A dispute over nothing (nothing paid) slashes nothing.
pub fn slash_of(disputed_value: u64, multiple_bps: u16, staked: u64) -> Result<u64, SettlementError> {
    let slash = (disputed_value as u128) * (multiple_bps as u128) / (BPS_DENOMINATOR as u128);
    Ok(u64::try_from(slash).unwrap_or(u64::MAX).min(staked))
}

/// How a slash is split: the consumer is made whole for what it lost and could not get back
/// (`lost`), the rest goes to the treasury, so a claimant never profits from a verdict.
pub fn split_slash(slash: u64, lost: u64) -> (u64, u64) {
    let to_consumer = slash.min(lost);
    (to_consumer, slash - to_consumer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_rounds_up_so_tiny_attestations_still_pay_it() {
        assert_eq!(fee_of(999, 100).unwrap(), 10);
        assert_eq!(fee_of(1_000, 100).unwrap(), 10);
        assert_eq!(fee_of(1, 250).unwrap(), 1);
        assert_eq!(fee_of(0, 250).unwrap(), 0);
        // u64::MAX is a multiple of 5: a fifth of it is exact, nothing to round.
        assert_eq!(fee_of(u64::MAX, 2_000).unwrap(), u64::MAX / 5);
        assert_eq!(fee_of(u64::MAX - 1, 2_000).unwrap(), u64::MAX / 5);
        assert_eq!(fee_of(u64::MAX, 10_000).unwrap(), u64::MAX);
        assert_eq!(fee_of(12_345, 0).unwrap(), 0);
    }

    #[test]
    fn attestable_until_is_capped_by_now_and_the_gap() {
        assert_eq!(attestable_until(1_000, 600, 6_000), 1_600);
        assert_eq!(attestable_until(1_000, 600, 1_300), 1_300);
        assert_eq!(attestable_until(i64::MAX - 1, 600, i64::MAX), i64::MAX);
    }

    #[test]
    fn pay_vests_between_one_and_two_windows_later() {
        for now in [0i64, 1, 3_599, 3_600, 7_201, 1_700_000_123] {
            let v = vests_at(now, 3_600);
            assert!(v > now + 3_600 - 1 && v <= now + 7_200, "{now} -> {v}");
            assert_eq!(v % 3_600, 0);
        }
        assert_eq!(vests_at(i64::MAX, 3_600), i64::MAX);
    }

    #[test]
    fn slash_split_never_pays_the_claimant_more_than_it_lost() {
        assert_eq!(split_slash(300, 100), (100, 200));
        assert_eq!(split_slash(50, 100), (50, 0));
        assert_eq!(split_slash(0, 100), (0, 0));
    }

    #[test]
    fn charge_splits_gross_into_payout_and_fee() {
        let s = charge(60, 1_000, 250).unwrap();
        assert_eq!(s, Settlement { seconds: 60, gross: 60_000, payout: 58_500, fee: 1_500 });
        let s = charge(3, 7, 250).unwrap();
        assert_eq!((s.payout, s.fee), (20, 1));
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
    fn slash_is_a_bounded_multiple_of_the_disputed_value() {
        assert_eq!(slash_of(1_000, 20_000, 1_000_000).unwrap(), 2_000);
        assert_eq!(slash_of(1_000, 20_000, 1_500).unwrap(), 1_500);
        assert_eq!(slash_of(0, 30_000, 1_000_000).unwrap(), 0);
        assert_eq!(slash_of(u64::MAX, 30_000, u64::MAX).unwrap(), u64::MAX);
    }
}
