//! Transactions, points and coupons.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// Transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    /// Card to wallet.
    TopUp,
    /// Wallet to merchant.
    Payment,
    /// Between users.
    Transfer,
    /// Wallet to card.
    Withdrawal,
    /// Undoes another transaction.
    Reversal,
    /// Currency conversion.
    FxConversion,
}

impl TransactionType {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TopUp => "top_up",
            Self::Payment => "payment",
            Self::Transfer => "transfer",
            Self::Withdrawal => "withdrawal",
            Self::Reversal => "reversal",
            Self::FxConversion => "fx_conversion",
        }
    }
}

/// Transaction status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionStatus {
    /// Applied.
    Completed,
    /// In progress (withdrawals).
    Pending,
    /// Held by a risk rule.
    Held,
    /// Refused after a hold.
    Rejected,
    /// Undone.
    Reversed,
}

impl TransactionStatus {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Pending => "pending",
            Self::Held => "held",
            Self::Rejected => "rejected",
            Self::Reversed => "reversed",
        }
    }
}

/// The sign of a transaction for the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Money in.
    Credit,
    /// Money out.
    Debit,
    /// No balance change.
    None,
}

/// The other side of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterparty {
    /// `user`, `merchant` or `card`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its id, if shown.
    pub id: Option<String>,
    /// Its name, if shown.
    pub name: Option<String>,
}

/// A transaction as the caller sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// Server id.
    pub id: String,
    /// Type.
    #[serde(rename = "type")]
    pub kind: TransactionType,
    /// Status.
    pub status: TransactionStatus,
    /// Sign of `balance_effect`.
    pub direction: Direction,
    /// The operation's amount.
    pub amount: Money,
    /// The fee charged.
    pub fee: Money,
    /// Net change of the caller's wallet (signed).
    pub balance_effect: Money,
    /// Coupon and points discount.
    pub discount: Money,
    /// Points spent.
    pub points_redeemed: i64,
    /// Points earned.
    pub points_earned: i64,
    /// The other side.
    pub counterparty: Option<Counterparty>,
    /// Coupon used.
    pub coupon_id: Option<String>,
    /// Note.
    pub memo: Option<String>,
    /// For a reversal: what it reverses.
    pub reversal_of: Option<String>,
    /// Reversed by this transaction.
    pub reversed_by: Option<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

/// `GET /v1/transactions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionPage {
    /// This page.
    pub items: Vec<Transaction>,
    /// Pass as `cursor` for the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

/// `GET /v1/risk/holds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionList {
    /// The transactions.
    pub items: Vec<Transaction>,
}

/// A change of the points balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsEvent {
    /// The transaction that caused it.
    pub transaction_id: String,
    /// Signed change.
    pub delta: i64,
    /// When (ms).
    pub at: i64,
}

/// `GET /v1/points`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    /// Current balance.
    pub balance: i64,
    /// Newest first.
    pub events: Vec<PointsEvent>,
}

/// Coupon state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CouponStatus {
    /// Can be used.
    Available,
    /// Spent.
    Used,
    /// Lapsed.
    Expired,
}

/// A coupon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    /// Id to pass to a payment.
    pub coupon_id: String,
    /// `fixed` or `percent`.
    pub kind: String,
    /// Fixed discount.
    pub amount_off: Option<Money>,
    /// Percent discount in basis points.
    pub percent_off_bps: Option<u32>,
    /// Minimum spend.
    pub min_spend: Money,
    /// Expiry (ms).
    pub expires_at: i64,
    /// State.
    pub status: CouponStatus,
    /// Issued (ms).
    pub created_at: i64,
}

/// `GET /v1/coupons`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouponList {
    /// The user's coupons.
    pub items: Vec<Coupon>,
}
