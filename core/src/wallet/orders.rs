//! In-app pay of a merchant order by its `order_token` (issue 14 item 5):
//! another app hands the wallet a token, the wallet shows the order's
//! merchant and amount ([`Wallet::preview_order`]) and, once the user
//! confirms, pays it ([`Wallet::pay_order`]) through the exactly-once
//! [`executor`](super::executor), exactly like a scanned code.

use imwallet_protocol::money::Money;
use imwallet_protocol::wire::Transaction;
use serde::Deserialize;

use crate::api::ApiRequest;

use super::{Wallet, WalletError};

/// What a user is shown before paying a merchant order by its token
/// (`GET /v1/order-previews/{order_token}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrderPreview {
    /// The order's id (`ord_...`).
    pub order_id: String,
    /// The merchant being paid.
    pub merchant_id: String,
    /// The merchant's display name.
    pub merchant_name: String,
    /// The merchant's city (as in its QR code).
    pub merchant_city: String,
    /// What is bought, as the merchant wrote it.
    pub description: String,
    /// The amount to pay (integer minor units and currency).
    pub amount: Money,
    /// `created`, `paid`, `closed`, `expired` or `refunded` (as the server
    /// says; only `created` is payable).
    pub status: String,
    /// When the order stops being payable (Unix time in milliseconds, as the API
    /// sends every timestamp).
    pub expires_at: i64,
}

/// The token as it may appear in a path segment: the server's tokens are
/// `otk_` plus URL-safe characters; anything else is refused on the device.
fn checked_token(token: &str) -> Result<&str, WalletError> {
    let ok = !token.is_empty()
        && token.len() <= 128
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(token)
    } else {
        Err(WalletError::invalid("order_token", "malformed"))
    }
}

impl Wallet {
    /// The merchant name, amount, description, state and expiry of the
    /// order with this in-app token, to show before the user confirms.
    /// Moves no money.
    pub async fn preview_order(&self, order_token: String) -> Result<OrderPreview, WalletError> {
        self.require_session()?;
        let token = checked_token(&order_token)?;
        Ok(self
            .api
            .send(&ApiRequest::get(format!("/v1/order-previews/{token}")).authenticated())
            .await?)
    }

    /// Pays the merchant order with this in-app token (its amount, to its
    /// merchant). Exactly once like [`Wallet::pay`]: an idempotency key in
    /// the outbox, an unknown outcome stays pending and is reconciled; an
    /// order already paid, closed or expired is refused with its code
    /// ([`WalletError::Conflict`]).
    pub async fn pay_order(&self, order_token: String) -> Result<Transaction, WalletError> {
        let token = checked_token(&order_token)?;
        let body = serde_json::json!({ "order_token": token });
        self.execute_money("payment", "/v1/payments", body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_that_cannot_be_a_path_segment_are_refused() {
        assert_eq!(checked_token("otk_AbC-9_x"), Ok("otk_AbC-9_x"));
        for bad in ["", "otk/../x", "otk x", "otk?a=1", "令牌"] {
            assert_eq!(
                checked_token(bad),
                Err(WalletError::invalid("order_token", "malformed")),
                "{bad}"
            );
        }
    }
}
