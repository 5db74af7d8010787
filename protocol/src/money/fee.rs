//! Fees in basis points, with the wallet's one rounding rule.
//!
//! **The rule.** A fee line on a gross amount `g` (minor units, `g > 0`) at
//! `r` basis points with a minimum fee `m` is
//!
//! ```text
//! fee = max( floor((g * r + 5_000) / 10_000), m )      // half-up on the minor unit
//! net = g - fee
//! ```
//!
//! computed in 128-bit integers, rounded once per fee line (never per
//! posting), half-up (0.5 of a minor unit rounds up). A fee larger than the
//! gross amount is an error ([`MoneyError::FeeExceedsAmount`]), so
//! `fee + net == gross` and `0 <= net` always hold. The same rule quotes a fee
//! and posts it, so a quote is exactly what the ledger later books.
//!
//! ```
//! use imwallet_protocol::money::{Currency, FeeRule, Money};
//! let rule = FeeRule { rate_bps: 60, min_fee_minor: 10 }; // 0.6 %, at least 0.10
//! let split = rule.split(Money::new(12_345, Currency::Cny))?;
//! assert_eq!(split.fee.minor, 74);  // 74.07 -> 74
//! assert_eq!(split.net.minor, 12_271);
//! # Ok::<(), imwallet_protocol::money::MoneyError>(())
//! ```

use super::{Money, MoneyError};

/// Basis points in one whole (100 %).
pub const BPS_PER_WHOLE: u32 = 10_000;

/// A fee: a rate in basis points (1 bp = 0.01 %) with a minimum in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeRule {
    /// Rate in basis points, `0..=10_000`.
    pub rate_bps: u32,
    /// Minimum fee in minor units of the charged currency, `>= 0`.
    pub min_fee_minor: i64,
}

/// A gross amount split into the fee and what is left: `fee + net == gross`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct FeeSplit {
    /// The amount the fee is charged on.
    pub gross: Money,
    /// The fee.
    pub fee: Money,
    /// `gross - fee`.
    pub net: Money,
}

impl FeeRule {
    /// No fee at all.
    pub const FREE: FeeRule = FeeRule {
        rate_bps: 0,
        min_fee_minor: 0,
    };

    /// A rule, validated: rate at most 100 %, minimum not negative.
    pub fn new(rate_bps: u32, min_fee_minor: i64) -> Result<FeeRule, MoneyError> {
        let rule = FeeRule {
            rate_bps,
            min_fee_minor,
        };
        rule.validate()?;
        Ok(rule)
    }

    /// Checks the rate is at most 100 % and the minimum is not negative.
    pub fn validate(&self) -> Result<(), MoneyError> {
        if self.rate_bps > BPS_PER_WHOLE || self.min_fee_minor < 0 {
            return Err(MoneyError::InvalidFeeRule);
        }
        Ok(())
    }

    /// The fee on `gross` under the module's rounding rule.
    pub fn fee_for(&self, gross: Money) -> Result<Money, MoneyError> {
        self.validate()?;
        if !gross.is_positive() {
            return Err(MoneyError::NonPositive);
        }
        let product = i128::from(gross.minor) * i128::from(self.rate_bps);
        let rounded = (product + i128::from(BPS_PER_WHOLE / 2)) / i128::from(BPS_PER_WHOLE);
        let fee = rounded.max(i128::from(self.min_fee_minor));
        if fee > i128::from(gross.minor) {
            return Err(MoneyError::FeeExceedsAmount);
        }
        // fee <= gross.minor <= i64::MAX, so the conversion cannot fail.
        let fee = i64::try_from(fee).map_err(|_| MoneyError::Overflow)?;
        Ok(Money::new(fee, gross.currency))
    }

    /// Splits `gross` into fee and net.
    pub fn split(&self, gross: Money) -> Result<FeeSplit, MoneyError> {
        let fee = self.fee_for(gross)?;
        let net = gross.checked_sub(fee)?;
        Ok(FeeSplit { gross, fee, net })
    }
}
