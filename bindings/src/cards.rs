//! Bank cards: bind (the number passes through once), verify by code, list,
//! remove.

use imwallet_core::protocol::wire;

use crate::errors::WalletFfiError;
use crate::types::{list, mirror_enum};
use crate::wallet::Wallet;

mirror_enum! {
    /// Card verification state.
    CardStatus <=> wire::CardStatus {
        /// Waiting for the `bind_card` code.
        PendingVerification,
        /// Usable.
        Active,
    }
}

/// A bound card (never its number: only the token and the last four digits).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Card {
    /// The card token (for top-ups and withdrawals).
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

impl From<wire::Card> for Card {
    fn from(c: wire::Card) -> Self {
        Self {
            card_id: c.card_id,
            brand: c.brand,
            bank: c.bank,
            last4: c.last4,
            expiry_month: c.expiry_month,
            expiry_year: c.expiry_year,
            holder_name: c.holder_name,
            status: c.status.into(),
            created_at: c.created_at,
        }
    }
}

#[uniffi::export]
impl Wallet {
    /// Starts binding a card; the server sends a `bind_card` code. The
    /// number is zeroized by the core after this call.
    pub async fn bind_card(
        &self,
        number: String,
        expiry_month: u8,
        expiry_year: u16,
        holder_name: String,
    ) -> Result<Card, WalletFfiError> {
        self.call(|w| async move {
            w.bind_card(number, expiry_month, expiry_year, holder_name)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Finishes binding with the `bind_card` code.
    pub async fn verify_card(&self, card_id: String, code: String) -> Result<Card, WalletFfiError> {
        self.call(|w| async move { w.verify_card(card_id, code).await.map(Into::into) })
            .await
    }

    /// The user's cards.
    pub async fn cards(&self) -> Result<Vec<Card>, WalletFfiError> {
        self.call(|w| async move { w.cards().await.map(list) })
            .await
    }

    /// Removes a card.
    pub async fn remove_card(&self, card_id: String) -> Result<(), WalletFfiError> {
        self.call(|w| async move { w.remove_card(card_id).await })
            .await
    }
}
