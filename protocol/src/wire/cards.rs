//! Bank cards.

use serde::{Deserialize, Serialize};

use super::SecretText;

/// `POST /v1/cards`. The full number passes through once and is never stored
/// by the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindCard {
    /// Full card number (12–19 digits, Luhn; spaces allowed).
    pub number: SecretText,
    /// 1–12.
    pub expiry_month: u8,
    /// Four-digit year.
    pub expiry_year: u16,
    /// Name on the card.
    pub holder_name: String,
}

/// Card verification state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    /// Waiting for the `bind_card` code.
    PendingVerification,
    /// Usable.
    Active,
}

/// A bound card as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// The card token (use it for top-ups and withdrawals).
    pub card_id: String,
    /// `visa`, `mastercard`, `amex`, `unionpay`, `jcb` or `unknown`.
    pub brand: String,
    /// Issuing bank.
    pub bank: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month.
    pub expiry_month: u8,
    /// Expiry year.
    pub expiry_year: u16,
    /// Name on the card.
    pub holder_name: String,
    /// Verification state.
    pub status: CardStatus,
    /// When bound (ms).
    pub created_at: i64,
}

/// `GET /v1/cards`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardList {
    /// The user's cards.
    pub items: Vec<Card>,
}

/// `POST /v1/cards/{card_id}/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyCard {
    /// The `bind_card` code.
    pub code: SecretText,
}
