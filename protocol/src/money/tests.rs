#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

#[test]
fn parses_plain_decimals_for_each_exponent() {
    assert_eq!(Money::parse("12.34", Currency::Cny), Ok(cny(1234)));
    assert_eq!(Money::parse("12.3", Currency::Cny), Ok(cny(1230)));
    assert_eq!(Money::parse("12", Currency::Cny), Ok(cny(1200)));
    assert_eq!(Money::parse("-0.05", Currency::Cny), Ok(cny(-5)));
    assert_eq!(Money::parse("007.50", Currency::Cny), Ok(cny(750)));
    assert_eq!(
        Money::parse("1200", Currency::Jpy),
        Ok(Money::new(1200, Currency::Jpy))
    );
    assert_eq!(
        Money::parse("1.5", Currency::Kwd),
        Ok(Money::new(1500, Currency::Kwd))
    );
}

#[test]
fn rejects_too_many_decimals_even_zeros() {
    let too_many = MoneyError::TooManyDecimals {
        currency: Currency::Cny,
        max: 2,
    };
    assert_eq!(Money::parse("1.500", Currency::Cny), Err(too_many));
    assert!(matches!(
        Money::parse("1.0", Currency::Jpy),
        Err(MoneyError::TooManyDecimals { max: 0, .. })
    ));
}

#[test]
fn rejects_everything_that_is_not_a_plain_decimal() {
    for bad in [
        "", "-", ".5", "5.", "+5", " 5", "5 ", "1e3", "1,000", "1.2.3", "--1", "0x10", "١٢", "NaN",
    ] {
        assert!(
            matches!(
                Money::parse(bad, Currency::Usd),
                Err(MoneyError::InvalidAmount(_))
            ),
            "{bad:?} was accepted"
        );
    }
}

#[test]
fn overflow_is_an_error_and_extremes_round_trip() {
    assert_eq!(
        Money::parse("92233720368547758.08", Currency::Usd),
        Err(MoneyError::Overflow)
    );
    assert_eq!(
        Money::parse("99999999999999999999999", Currency::Jpy),
        Err(MoneyError::Overflow)
    );
    for minor in [i64::MAX, i64::MIN] {
        let money = Money::new(minor, Currency::Usd);
        assert_eq!(
            Money::parse(&money.to_decimal_string(), Currency::Usd),
            Ok(money)
        );
    }
    assert_eq!(cny(i64::MAX).checked_add(cny(1)), Err(MoneyError::Overflow));
    assert_eq!(cny(i64::MIN).checked_sub(cny(1)), Err(MoneyError::Overflow));
    assert_eq!(cny(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
}

#[test]
fn formats_with_exactly_the_currency_decimals() {
    assert_eq!(cny(1230).to_decimal_string(), "12.30");
    assert_eq!(cny(-5).to_decimal_string(), "-0.05");
    assert_eq!(Money::new(1200, Currency::Jpy).to_string(), "1200 JPY");
    assert_eq!(Money::new(1500, Currency::Kwd).to_string(), "1.500 KWD");
}

#[test]
fn mixing_currencies_is_an_error() {
    let err = cny(1).checked_add(Money::new(1, Currency::Usd));
    assert_eq!(
        err,
        Err(MoneyError::CurrencyMismatch {
            left: Currency::Cny,
            right: Currency::Usd
        })
    );
}

#[test]
fn wire_format_is_a_decimal_string_with_code() {
    let json = serde_json::to_string(&cny(1234)).unwrap();
    assert_eq!(json, r#"{"amount":"12.34","currency":"CNY"}"#);
    let back: Money = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cny(1234));
}

#[test]
fn wire_format_rejects_numbers_unknown_fields_and_bad_amounts() {
    for bad in [
        r#"{"amount":12.34,"currency":"CNY"}"#,
        r#"{"amount":"12.34","currency":"CNY","extra":1}"#,
        r#"{"amount":"12.345","currency":"CNY"}"#,
        r#"{"amount":"1","currency":"XXX"}"#,
        r#"{"amount":"1"}"#,
    ] {
        assert!(
            serde_json::from_str::<Money>(bad).is_err(),
            "{bad} accepted"
        );
    }
    let wire: MoneyWire = serde_json::from_str(r#"{"amount":"1.001","currency":"USD"}"#).unwrap();
    assert_eq!(
        Money::try_from(&wire).unwrap_err().code(),
        "too_many_decimals"
    );
}

#[test]
fn fee_rounds_half_up_once_with_a_minimum() {
    let rule = FeeRule::new(50, 0).unwrap(); // 0.5 %
    assert_eq!(rule.fee_for(cny(100)).unwrap().minor, 1); // 0.5 -> 1
    assert_eq!(rule.fee_for(cny(99)).unwrap().minor, 0); // 0.495 -> 0
    assert_eq!(rule.fee_for(cny(300)).unwrap().minor, 2); // 1.5 -> 2
    let with_min = FeeRule::new(10, 200).unwrap();
    assert_eq!(with_min.fee_for(cny(10_000)).unwrap().minor, 200);
    assert_eq!(
        with_min.fee_for(cny(150)),
        Err(MoneyError::FeeExceedsAmount)
    );
    assert_eq!(rule.fee_for(cny(0)), Err(MoneyError::NonPositive));
    assert_eq!(FeeRule::new(10_001, 0), Err(MoneyError::InvalidFeeRule));
    assert_eq!(FeeRule::new(1, -1), Err(MoneyError::InvalidFeeRule));
    assert_eq!(FeeRule::FREE.fee_for(cny(1)).unwrap().minor, 0);
}

fn any_currency() -> impl Strategy<Value = Currency> {
    proptest::sample::select(Currency::ALL.to_vec())
}

/// The fee computed with exact rationals: the oracle for [`FeeRule::fee_for`].
fn oracle_fee(gross: i64, rate_bps: u32, min_fee: i64) -> Option<i64> {
    let exact = BigRational::new(
        BigInt::from(gross) * BigInt::from(rate_bps),
        BigInt::from(10_000),
    );
    let half = BigRational::new(BigInt::from(1), BigInt::from(2));
    let rounded = (exact + half).floor().to_integer();
    let fee = rounded.max(BigInt::from(min_fee));
    if fee > BigInt::from(gross) {
        return None;
    }
    i64::try_from(fee).ok()
}

/// Gross amounts mixed so every branch of [`FeeRule::fee_for`] is drawn:
/// small amounts (where the minimum fee applies or exceeds the amount),
/// everyday amounts and the whole `i64` range (overflow of the product).
fn any_gross() -> impl Strategy<Value = i64> {
    prop_oneof![1i64..=2_000, 1i64..=100_000_000, 1..=i64::MAX]
}

/// Which rule decided a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeeBranch {
    /// The rate times the amount, rounded.
    Rate,
    /// The minimum fee, above the rounded rate.
    Minimum,
    /// Refused: the fee would exceed the amount.
    ExceedsAmount,
}

#[test]
fn fee_plus_net_is_gross_and_matches_the_rational_oracle_in_every_branch() {
    use proptest::test_runner::{Config, TestRunner};
    let hits = std::cell::RefCell::new([0u32; 3]);
    let mut runner = TestRunner::new(Config::with_cases(2_000));
    let strategy = (
        any_gross(),
        0u32..=10_000,
        prop_oneof![0i64..=1_000, 0i64..1_000_000],
        any_currency(),
    );
    runner
        .run(&strategy, |(gross, rate_bps, min_fee, currency)| {
            let rule = FeeRule::new(rate_bps, min_fee).unwrap();
            let gross_money = Money::new(gross, currency);
            let branch = match (
                rule.split(gross_money),
                oracle_fee(gross, rate_bps, min_fee),
            ) {
                (Ok(split), Some(expected)) => {
                    prop_assert_eq!(split.fee.minor, expected);
                    prop_assert_eq!(split.fee.checked_add(split.net), Ok(gross_money));
                    prop_assert!(split.net.minor >= 0);
                    let by_rate = (i128::from(gross) * i128::from(rate_bps) + 5_000) / 10_000;
                    if i128::from(min_fee) > by_rate {
                        FeeBranch::Minimum
                    } else {
                        FeeBranch::Rate
                    }
                }
                (Err(MoneyError::FeeExceedsAmount), None) => FeeBranch::ExceedsAmount,
                (got, expected) => {
                    prop_assert!(false, "got {:?}, oracle {:?}", got, expected);
                    unreachable!()
                }
            };
            hits.borrow_mut()[branch as usize] += 1;
            Ok(())
        })
        .unwrap();
    let [rate, minimum, exceeds] = hits.into_inner();
    assert!(
        rate > 0 && minimum > 0 && exceeds > 0,
        "every branch must be drawn: rate {rate}, minimum {minimum}, exceeds amount {exceeds}"
    );
}

proptest! {
    #[test]
    fn parse_of_format_is_identity(minor in any::<i64>(), currency in any_currency()) {
        let money = Money::new(minor, currency);
        prop_assert_eq!(Money::parse(&money.to_decimal_string(), currency), Ok(money));
    }

    #[test]
    fn checked_arithmetic_matches_i128(a in any::<i64>(), b in any::<i64>()) {
        let exact_sum = i128::from(a) + i128::from(b);
        match cny(a).checked_add(cny(b)) {
            Ok(sum) => prop_assert_eq!(i128::from(sum.minor), exact_sum),
            Err(e) => {
                prop_assert_eq!(e, MoneyError::Overflow);
                prop_assert!(i64::try_from(exact_sum).is_err());
            }
        }
        let exact_diff = i128::from(a) - i128::from(b);
        match cny(a).checked_sub(cny(b)) {
            Ok(diff) => prop_assert_eq!(i128::from(diff.minor), exact_diff),
            Err(e) => {
                prop_assert_eq!(e, MoneyError::Overflow);
                prop_assert!(i64::try_from(exact_diff).is_err());
            }
        }
    }

    #[test]
    fn parse_never_panics_and_accepts_only_what_it_formats(input in "-?[0-9]{0,22}(\\.[0-9]{0,4})?") {
        if let Ok(money) = Money::parse(&input, Currency::Usd) {
            // Canonical form may differ (padding), but it must parse to the same value.
            prop_assert_eq!(Money::parse(&money.to_decimal_string(), Currency::Usd), Ok(money));
        }
    }
}
