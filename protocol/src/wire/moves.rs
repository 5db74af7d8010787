//! Money movement: quotes, top-ups, payments, transfers, withdrawals, FX.

use serde::{Deserialize, Serialize};

use super::SecretText;
use crate::money::{Currency, Money};

/// The kinds of money movement a quote can price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Card to wallet.
    TopUp,
    /// Wallet to merchant.
    Payment,
    /// Wallet to another user.
    Transfer,
    /// Wallet to card.
    Withdrawal,
}

/// `POST /v1/quotes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    /// What to price.
    pub operation: Operation,
    /// The amount.
    pub amount: Money,
    /// A coupon (payments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_id: Option<String>,
    /// Points to redeem (payments only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
}

/// Who pays a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeePayer {
    /// The wallet user.
    User,
    /// The merchant.
    Merchant,
}

/// The exact amounts an operation will post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// What was priced.
    pub operation: Operation,
    /// The requested amount.
    pub amount: Money,
    /// The fee.
    pub fee: Money,
    /// Who pays the fee.
    pub fee_payer: FeePayer,
    /// What leaves the card (top-up) or the wallet.
    pub debit: Money,
    /// What arrives at the wallet, merchant, recipient or card.
    pub credit: Money,
    /// Coupon and points discount.
    pub discount: Money,
    /// Points spent.
    pub points_redeemed: i64,
    /// Points earned.
    pub points_earned: i64,
}

/// `POST /v1/top-ups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopUpRequest {
    /// The card token.
    pub card_id: String,
    /// Amount charged to the card.
    pub amount: Money,
}

/// `POST /v1/payments`: exactly one of `merchant_id` and `payload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// The merchant, when paying by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// The scanned QR payload, when paying by code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// The amount (optional when a dynamic payload carries it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// A coupon to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_id: Option<String>,
    /// Points to redeem (1 point = 1 minor unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// Who receives a transfer: exactly one field.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// E.164 phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Server user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// A scanned receive code of the recipient.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receive_code: Option<String>,
}

/// `POST /v1/transfers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The recipient.
    pub to: Recipient,
    /// Amount sent.
    pub amount: Money,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// `POST /v1/withdrawals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    /// The card token.
    pub card_id: String,
    /// Amount withdrawn.
    pub amount: Money,
    /// The `withdraw` code.
    pub code: SecretText,
}

/// `POST /v1/fx/quotes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FxQuoteRequest {
    /// What to sell.
    pub sell: Money,
    /// What to buy.
    pub buy_currency: Currency,
}

/// A firm FX quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FxQuote {
    /// Use it to convert.
    pub quote_id: String,
    /// Sold amount.
    pub sell: Money,
    /// Bought amount.
    pub buy: Money,
    /// Units bought per unit sold, six decimals (display only; amounts are exact).
    pub rate: String,
    /// When the quote lapses (ms).
    pub expires_at: i64,
}

/// `POST /v1/fx/conversions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FxConvertRequest {
    /// From [`FxQuote`].
    pub quote_id: String,
}

/// `GET /v1/balances`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    /// One entry per currency held.
    pub balances: Vec<Money>,
}
