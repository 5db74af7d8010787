//! Receive codes (QR payloads others scan to pay us) and offline payment
//! codes (provisioned device secret, one code per payment).

use imwallet_core::wallet::ReceiveCodeRequest as CoreReceiveCodeRequest;

use crate::errors::WalletFfiError;
use crate::types::{Money, currency, opt_money};
use crate::wallet::Wallet;

/// What to put in a receive code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ReceiveCodeRequest {
    /// ISO 4217 code of the currency to receive.
    pub currency: String,
    /// A fixed amount (makes the code single-payment, "dynamic").
    pub amount: Option<Money>,
    /// A reference shown to both sides.
    pub reference: Option<String>,
}

#[uniffi::export]
impl Wallet {
    /// The payload of our receive code (render it as a QR).
    pub async fn receive_code(
        &self,
        request: ReceiveCodeRequest,
    ) -> Result<String, WalletFfiError> {
        self.call(|w| async move {
            let request = CoreReceiveCodeRequest {
                currency: currency(&request.currency)?,
                amount: opt_money(request.amount)?,
                reference: request.reference,
            };
            w.receive_code(request).await
        })
        .await
    }

    /// Registers this device for offline payment codes (or rotates its secret).
    pub async fn provision_payment_codes(&self) -> Result<(), WalletFfiError> {
        self.call(|w| async move { w.provision_payment_codes().await })
            .await
    }

    /// Whether this device can show offline payment codes.
    pub async fn has_payment_codes(&self) -> Result<bool, WalletFfiError> {
        self.call(|w| async move { w.has_payment_codes().await })
            .await
    }

    /// A fresh offline payment code (QR payload; a merchant charges it once).
    pub async fn payment_code(&self) -> Result<String, WalletFfiError> {
        self.call(|w| async move { w.payment_code().await }).await
    }
}
