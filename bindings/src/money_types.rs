//! The records and enums of money movement: quotes, transactions, points,
//! coupons, and the outbox's operation status.

use imwallet_core::protocol::wire;
use imwallet_core::wallet as core;

use crate::types::{Money, mirror_enum};

mirror_enum! {
    /// What a quote prices.
    Operation <=> wire::Operation {
        /// Card to wallet.
        TopUp,
        /// Wallet to merchant.
        Payment,
        /// Wallet to another user.
        Transfer,
        /// Wallet to card.
        Withdrawal,
    }
}

mirror_enum! {
    /// Who pays a fee.
    FeePayer <=> wire::FeePayer {
        /// The wallet user.
        User,
        /// The merchant.
        Merchant,
    }
}

mirror_enum! {
    /// Transaction type.
    TransactionType <=> wire::TransactionType {
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
}

mirror_enum! {
    /// Transaction status.
    TransactionStatus <=> wire::TransactionStatus {
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
}

mirror_enum! {
    /// The sign of a transaction for the caller.
    Direction <=> wire::Direction {
        /// Money in.
        Credit,
        /// Money out.
        Debit,
        /// No balance change.
        None,
    }
}

mirror_enum! {
    /// Coupon state.
    CouponStatus <=> wire::CouponStatus {
        /// Can be used.
        Available,
        /// Spent.
        Used,
        /// Lapsed.
        Expired,
    }
}

/// The exact amounts an operation will post.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[allow(missing_docs)] // fields mirror `wire::Quote`
pub struct Quote {
    pub operation: Operation,
    pub amount: Money,
    pub fee: Money,
    pub fee_payer: FeePayer,
    pub debit: Money,
    pub credit: Money,
    pub discount: Money,
    pub points_redeemed: i64,
    pub points_earned: i64,
}

impl From<wire::Quote> for Quote {
    fn from(q: wire::Quote) -> Self {
        Self {
            operation: q.operation.into(),
            amount: q.amount.into(),
            fee: q.fee.into(),
            fee_payer: q.fee_payer.into(),
            debit: q.debit.into(),
            credit: q.credit.into(),
            discount: q.discount.into(),
            points_redeemed: q.points_redeemed,
            points_earned: q.points_earned,
        }
    }
}

/// A firm FX quote.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[allow(missing_docs)] // fields mirror `wire::FxQuote`
pub struct FxQuote {
    pub quote_id: String,
    pub sell: Money,
    pub buy: Money,
    /// Display only (six decimals); amounts are exact.
    pub rate: String,
    pub expires_at: i64,
}

impl From<wire::FxQuote> for FxQuote {
    fn from(q: wire::FxQuote) -> Self {
        Self {
            quote_id: q.quote_id,
            sell: q.sell.into(),
            buy: q.buy.into(),
            rate: q.rate,
            expires_at: q.expires_at,
        }
    }
}

/// The other side of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Counterparty {
    /// `user`, `merchant` or `card`.
    pub kind: String,
    /// Its id, if shown.
    pub id: Option<String>,
    /// Its name, if shown.
    pub name: Option<String>,
}

/// A transaction as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[allow(missing_docs)] // fields mirror `wire::Transaction`
pub struct Transaction {
    pub id: String,
    pub kind: TransactionType,
    pub status: TransactionStatus,
    pub direction: Direction,
    pub amount: Money,
    pub fee: Money,
    /// Net change of the caller's wallet (signed).
    pub balance_effect: Money,
    pub discount: Money,
    pub points_redeemed: i64,
    pub points_earned: i64,
    pub counterparty: Option<Counterparty>,
    pub coupon_id: Option<String>,
    pub memo: Option<String>,
    pub reversal_of: Option<String>,
    pub reversed_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<wire::Transaction> for Transaction {
    fn from(t: wire::Transaction) -> Self {
        Self {
            id: t.id,
            kind: t.kind.into(),
            status: t.status.into(),
            direction: t.direction.into(),
            amount: t.amount.into(),
            fee: t.fee.into(),
            balance_effect: t.balance_effect.into(),
            discount: t.discount.into(),
            points_redeemed: t.points_redeemed,
            points_earned: t.points_earned,
            counterparty: t.counterparty.map(|c| Counterparty {
                kind: c.kind,
                id: c.id,
                name: c.name,
            }),
            coupon_id: t.coupon_id,
            memo: t.memo,
            reversal_of: t.reversal_of,
            reversed_by: t.reversed_by,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

/// A change of the points balance.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[allow(missing_docs)] // fields mirror `wire::PointsEvent`
pub struct PointsEvent {
    pub transaction_id: String,
    pub delta: i64,
    pub at: i64,
}

/// Points balance and recent changes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Points {
    /// Current balance.
    pub balance: i64,
    /// Newest first.
    pub events: Vec<PointsEvent>,
}

impl From<wire::Points> for Points {
    fn from(p: wire::Points) -> Self {
        Self {
            balance: p.balance,
            events: p
                .events
                .into_iter()
                .map(|e| PointsEvent {
                    transaction_id: e.transaction_id,
                    delta: e.delta,
                    at: e.at,
                })
                .collect(),
        }
    }
}

/// A coupon.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[allow(missing_docs)] // fields mirror `wire::Coupon`
pub struct Coupon {
    pub coupon_id: String,
    /// `fixed` or `percent`.
    pub kind: String,
    pub amount_off: Option<Money>,
    pub percent_off_bps: Option<u32>,
    pub min_spend: Money,
    pub expires_at: i64,
    pub status: CouponStatus,
    pub created_at: i64,
}

impl From<wire::Coupon> for Coupon {
    fn from(c: wire::Coupon) -> Self {
        Self {
            coupon_id: c.coupon_id,
            kind: c.kind,
            amount_off: c.amount_off.map(Into::into),
            percent_off_bps: c.percent_off_bps,
            min_spend: c.min_spend.into(),
            expires_at: c.expires_at,
            status: c.status.into(),
            created_at: c.created_at,
        }
    }
}

/// Where a money operation stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OperationStatus {
    /// Local operation id.
    pub operation_id: String,
    /// `top_up`, `payment`, `transfer`, `withdrawal`, `fx_conversion`.
    pub kind: String,
    /// `pending`, `sending`, `unknown`, `completed` or `failed`.
    pub state: String,
    /// The server's transaction, once completed.
    pub transaction_id: Option<String>,
    /// Times it was sent.
    pub attempts: u32,
}

impl From<core::OperationStatus> for OperationStatus {
    fn from(o: core::OperationStatus) -> Self {
        Self {
            operation_id: o.operation_id,
            kind: o.kind,
            state: o.state,
            transaction_id: o.transaction_id,
            attempts: o.attempts,
        }
    }
}

/// The result of a reconciliation pass.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReconcileReport {
    /// Operations found applied (or applied now).
    pub completed: u32,
    /// Operations the server definitively refused.
    pub failed: u32,
    /// Operations still open.
    pub unresolved: u32,
}

impl From<core::ReconcileReport> for ReconcileReport {
    fn from(r: core::ReconcileReport) -> Self {
        Self {
            completed: r.completed,
            failed: r.failed,
            unresolved: r.unresolved,
        }
    }
}
