//! Money: integer amounts in minor units with an ISO 4217 currency.
//!
//! There are no floats anywhere near an amount. A [`Money`] is `minor` units
//! (cents, fen, yen...) of a [`Currency`]; decimal strings are parsed and
//! formatted exactly, arithmetic is checked (overflow and currency mismatch
//! are errors, never wrap-around), and fees follow one rounding rule, written
//! down in [`fee`].
//!
//! On the wire every amount is `{"amount": "12.34", "currency": "CNY"}`: the
//! amount is a decimal *string* so no JSON parser turns it into a float, and
//! it may not carry more decimals than the currency has.
//!
//! ```
//! use imwallet_protocol::money::{Currency, Money};
//! let price = Money::parse("12.30", Currency::Cny)?;
//! assert_eq!(price.minor, 1230);
//! assert_eq!(price.to_string(), "12.30 CNY");
//! assert!(Money::parse("12.345", Currency::Cny).is_err());
//! # Ok::<(), imwallet_protocol::money::MoneyError>(())
//! ```

mod currency;
pub mod fee;

pub use currency::Currency;
pub use fee::{FeeRule, FeeSplit};

use std::fmt;

/// What can go wrong with an amount. Each variant has a stable
/// machine-readable [`code`](MoneyError::code) the API reuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The currency code is not one the wallet supports.
    #[error("unsupported currency {0:?}")]
    UnknownCurrency(String),
    /// Two amounts of different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: Currency,
        /// Currency of the right operand.
        right: Currency,
    },
    /// The result does not fit in 64-bit minor units.
    #[error("amount out of range")]
    Overflow,
    /// The decimal string has more fraction digits than the currency allows.
    #[error("{currency} amounts have at most {max} decimals")]
    TooManyDecimals {
        /// The currency the amount was parsed for.
        currency: Currency,
        /// Its number of minor-unit digits.
        max: u8,
    },
    /// The string is not a plain decimal number (`-12.34`).
    #[error("not a decimal amount: {0}")]
    InvalidAmount(&'static str),
    /// The amount must be greater than zero here.
    #[error("amount must be greater than zero")]
    NonPositive,
    /// The fee would be larger than the amount it is charged on.
    #[error("fee exceeds the amount")]
    FeeExceedsAmount,
    /// A fee rule with a rate above 100 % or a negative minimum fee.
    #[error("invalid fee rule")]
    InvalidFeeRule,
}

impl MoneyError {
    /// Stable snake_case code, used as the API problem `code`.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::UnknownCurrency(_) => "unsupported_currency",
            MoneyError::CurrencyMismatch { .. } => "currency_mismatch",
            MoneyError::Overflow => "amount_overflow",
            MoneyError::TooManyDecimals { .. } => "too_many_decimals",
            MoneyError::InvalidAmount(_) => "invalid_amount",
            MoneyError::NonPositive => "non_positive_amount",
            MoneyError::FeeExceedsAmount => "fee_exceeds_amount",
            MoneyError::InvalidFeeRule => "invalid_fee_rule",
        }
    }
}

/// An amount of money: `minor` units of `currency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// Amount in minor units (e.g. fen for CNY, yen for JPY, fils for KWD).
    pub minor: i64,
    /// The currency the amount is in.
    pub currency: Currency,
}

impl Money {
    /// An amount of `minor` units of `currency`.
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Zero in `currency`.
    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Parses a plain decimal string (`"12.34"`, `"-0.5"`, `"1200"`) for `currency`.
    ///
    /// Accepted: an optional leading `-`, at least one digit, then optionally
    /// `.` and one or more digits, no more than the currency's exponent.
    /// Rejected: `+`, spaces, exponents, separators, a bare or trailing `.`,
    /// extra decimals (even zeros: `"1.500"` is not a CNY amount) and values
    /// beyond 64-bit minor units.
    pub fn parse(decimal: &str, currency: Currency) -> Result<Money, MoneyError> {
        let (negative, unsigned) = match decimal.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, decimal),
        };
        let (whole, fraction) = match unsigned.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (unsigned, None),
        };
        if whole.is_empty() {
            return Err(MoneyError::InvalidAmount("missing integer digits"));
        }
        if !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::InvalidAmount("unexpected character"));
        }
        let exponent = currency.exponent();
        let fraction = fraction.unwrap_or("");
        if unsigned.contains('.') && fraction.is_empty() {
            return Err(MoneyError::InvalidAmount("missing fraction digits"));
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::InvalidAmount("unexpected character"));
        }
        if fraction.len() > usize::from(exponent) {
            return Err(MoneyError::TooManyDecimals {
                currency,
                max: exponent,
            });
        }
        // Accumulate as a negative number so i64::MIN itself parses.
        let mut minor: i64 = 0;
        let padding = usize::from(exponent) - fraction.len();
        let digits = whole
            .bytes()
            .chain(fraction.bytes())
            .chain(std::iter::repeat_n(b'0', padding));
        for digit in digits {
            minor = minor
                .checked_mul(10)
                .and_then(|m| m.checked_sub(i64::from(digit - b'0')))
                .ok_or(MoneyError::Overflow)?;
        }
        let minor = if negative {
            minor
        } else {
            minor.checked_neg().ok_or(MoneyError::Overflow)?
        };
        Ok(Money { minor, currency })
    }

    /// The amount as a decimal string with exactly the currency's number of
    /// decimals: `"12.30"`, `"-0.05"`, `"1200"` (JPY), `"1.500"` (KWD).
    pub fn to_decimal_string(&self) -> String {
        let exponent = u32::from(self.currency.exponent());
        let magnitude = self.minor.unsigned_abs();
        let sign = if self.minor < 0 { "-" } else { "" };
        if exponent == 0 {
            return format!("{sign}{magnitude}");
        }
        let scale = 10u64.pow(exponent);
        let width = exponent as usize;
        format!("{sign}{}.{:0width$}", magnitude / scale, magnitude % scale,)
    }

    /// `self + other`; an error on different currencies or overflow.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// `self - other`; an error on different currencies or overflow.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// `-self`; an error only for the most negative amount.
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        let minor = self.minor.checked_neg().ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    /// Sum of `amounts`, all in `currency` (zero for none).
    pub fn checked_sum(
        currency: Currency,
        amounts: impl IntoIterator<Item = Money>,
    ) -> Result<Money, MoneyError> {
        amounts
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    /// True when the amount is greater than zero.
    pub const fn is_positive(&self) -> bool {
        self.minor > 0
    }

    /// True when the amount is zero.
    pub const fn is_zero(&self) -> bool {
        self.minor == 0
    }

    /// True when the amount is below zero.
    pub const fn is_negative(&self) -> bool {
        self.minor < 0
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            })
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_decimal_string(), self.currency)
    }
}

/// The wire form of an amount before validation: both fields as strings.
///
/// Servers deserialize this first and then call [`Money::try_from`] so that
/// each way an amount can be wrong gets its own [`MoneyError::code`], instead
/// of one generic "bad JSON" error.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyWire {
    /// Decimal string, e.g. `"12.34"`.
    pub amount: String,
    /// ISO 4217 alphabetic code, e.g. `"CNY"`.
    pub currency: String,
}

impl TryFrom<&MoneyWire> for Money {
    type Error = MoneyError;

    fn try_from(wire: &MoneyWire) -> Result<Money, MoneyError> {
        let currency = Currency::from_code(&wire.currency)?;
        Money::parse(&wire.amount, currency)
    }
}

impl From<Money> for MoneyWire {
    fn from(money: Money) -> MoneyWire {
        MoneyWire {
            amount: money.to_decimal_string(),
            currency: money.currency.code().to_string(),
        }
    }
}

impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        MoneyWire::from(*self).serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = MoneyWire::deserialize(deserializer)?;
        Money::try_from(&wire).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
