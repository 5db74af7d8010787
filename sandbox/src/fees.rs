//! Fee quotes: the exact amounts an operation will post, computed once here
//! and used both by `POST /v1/quotes` and by the operation itself.

use crate::config::Fees;
use crate::problem::{ErrorCode, Problem};
use imwallet_protocol::money::{FeeRule, Money};
use serde::{Deserialize, Serialize};

/// The quotable operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Card -> wallet; the fee is deducted from the credited amount.
    TopUp,
    /// Wallet -> merchant; the fee is charged to the merchant.
    Payment,
    /// Wallet -> wallet; the fee is deducted from the received amount.
    Transfer,
    /// Wallet -> card; the fee is deducted from the paid-out amount.
    Withdrawal,
}

/// Who bears a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeePayer {
    /// The wallet user.
    User,
    /// The merchant.
    Merchant,
}

/// Every amount an operation posts.
#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    /// The operation.
    pub operation: Operation,
    /// The requested amount.
    pub amount: Money,
    /// The fee.
    pub fee: Money,
    /// Who pays the fee.
    pub fee_payer: FeePayer,
    /// What leaves the payer (the card for a top-up, the wallet otherwise).
    pub debit: Money,
    /// What arrives at the destination.
    pub credit: Money,
    /// Coupon discount (payments).
    pub discount: Money,
    /// Points redeemed, 1 point = 1 minor unit (payments).
    pub points_redeemed: i64,
    /// Points the payment earns: 1 per 100 minor units paid.
    pub points_earned: i64,
}

fn rule_for(fees: &Fees, op: Operation) -> FeeRule {
    match op {
        Operation::TopUp => fees.top_up,
        Operation::Payment => fees.merchant,
        Operation::Transfer => fees.transfer,
        Operation::Withdrawal => fees.withdrawal,
    }
}

/// Quotes a top-up, transfer or withdrawal (no discount or points).
pub fn simple(fees: &Fees, op: Operation, amount: Money) -> Result<Quote, Problem> {
    if op == Operation::Payment {
        return payment(fees, amount, 0, 0);
    }
    let split = rule_for(fees, op).split(amount)?;
    Ok(Quote {
        operation: op,
        amount,
        fee: split.fee,
        fee_payer: FeePayer::User,
        debit: split.gross,
        credit: split.net,
        discount: Money::zero(amount.currency),
        points_redeemed: 0,
        points_earned: 0,
    })
}

/// Quotes a payment of `amount` with a coupon discount and redeemed points.
pub fn payment(
    fees: &Fees,
    amount: Money,
    discount_minor: i64,
    points: i64,
) -> Result<Quote, Problem> {
    let split = fees.merchant.split(amount)?;
    let discount = discount_minor.clamp(0, amount.minor);
    if points < 0 || points > amount.minor - discount {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "points to redeem exceed the amount left after the discount",
        ));
    }
    let user_pays = amount.minor - discount - points;
    Ok(Quote {
        operation: Operation::Payment,
        amount,
        fee: split.fee,
        fee_payer: FeePayer::Merchant,
        debit: Money::new(user_pays, amount.currency),
        credit: split.net,
        discount: Money::new(discount, amount.currency),
        points_redeemed: points,
        points_earned: user_pays / 100,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use imwallet_protocol::money::Currency;

    #[test]
    fn payment_quote_balances_user_platform_and_merchant() {
        let fees = Fees::default();
        let q = payment(&fees, Money::new(10_000, Currency::Cny), 500, 200).unwrap();
        assert_eq!(q.debit.minor, 9_300);
        assert_eq!(q.fee.minor + q.credit.minor, 10_000);
        assert_eq!(q.points_earned, 93);
        // user + coupon + points == merchant + fee
        assert_eq!(
            q.debit.minor + q.discount.minor + q.points_redeemed,
            q.credit.minor + q.fee.minor
        );
    }

    #[test]
    fn withdrawal_has_a_minimum_fee() {
        let fees = Fees::default();
        let q = simple(
            &fees,
            Operation::Withdrawal,
            Money::new(1_000, Currency::Cny),
        )
        .unwrap();
        assert_eq!(q.fee.minor, 100);
        assert_eq!(q.credit.minor, 900);
    }

    #[test]
    fn points_beyond_the_amount_are_refused() {
        let fees = Fees::default();
        assert!(payment(&fees, Money::new(100, Currency::Cny), 50, 51).is_err());
    }
}
