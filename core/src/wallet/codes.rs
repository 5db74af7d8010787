//! Our own codes: the receive code another user scans to pay us (an EMVCo
//! MPM with the wallet's GUID, `imwallet_protocol::qr::build_receive_code`),
//! and the offline payment code a merchant scans to charge us (time-based,
//! from a per-device secret the server provisions; algorithm in docs/qr.md).

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::paycode::{PaycodeSecret, generate};
use imwallet_protocol::qr::{Initiation, ReceiveCodeSpec, Receiver, build_receive_code};
use imwallet_protocol::wire::{PaycodeDevice, PaycodeProvisionRequest};
use zeroize::Zeroizing;

use crate::api::ApiRequest;
use crate::store::codec::{RecordReader, RecordWriter};

use super::{Wallet, WalletError};

/// Settings key of the payment-code device (id and secret, encrypted).
const PAYCODE_SETTING: &str = "paycode_device";

fn decode_hex_secret(hex: &str) -> Option<PaycodeSecret> {
    if hex.len() != 64 {
        return None;
    }
    let mut bytes = Zeroizing::new([0u8; 32]);
    for (i, out) in bytes.iter_mut().enumerate() {
        *out = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(PaycodeSecret::from_bytes(*bytes))
}

/// What to put in a receive code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiveCodeRequest {
    /// The currency to receive.
    pub currency: Currency,
    /// A fixed amount (makes the code single-payment, "dynamic").
    pub amount: Option<Money>,
    /// A reference shown to both sides (e.g. what it is for).
    pub reference: Option<String>,
}

impl Wallet {
    /// The payload of our receive code (render it as a QR). Without an
    /// amount the code is static and reusable; with one it is dynamic.
    pub async fn receive_code(&self, request: ReceiveCodeRequest) -> Result<String, WalletError> {
        let profile = self
            .with_vault(|v| v.profile()?.load())
            .await?
            .ok_or(WalletError::NotLoggedIn)?;
        if let Some(amount) = request.amount {
            if amount.currency != request.currency {
                return Err(WalletError::invalid("amount", "currency_mismatch"));
            }
            if !amount.is_positive() {
                return Err(WalletError::invalid("amount", "non_positive_amount"));
            }
        }
        let name = receive_name(&profile.display_name);
        let spec = ReceiveCodeSpec {
            initiation: if request.amount.is_some() {
                Initiation::Dynamic
            } else {
                Initiation::Static
            },
            receiver: Receiver::User(&profile.user_id),
            currency: request.currency,
            amount: request.amount,
            reference: request.reference.as_deref(),
            name: &name,
            city: "NA",
            country: "CN",
            mcc: "0000",
        };
        Ok(build_receive_code(&spec)?)
    }

    /// Registers this device for offline payment codes (or rotates its
    /// secret when it already has one) and keeps the secret in the vault.
    pub async fn provision_payment_codes(&self) -> Result<(), WalletError> {
        self.require_session()?;
        let existing = self.paycode_device().await?.map(|(id, _)| id);
        let body = PaycodeProvisionRequest {
            device_id: existing,
        };
        let device: PaycodeDevice = self
            .api
            .send(&ApiRequest::post("/v1/me/paycode-devices", &body)?.authenticated())
            .await?;
        if decode_hex_secret(device.secret.expose()).is_none() {
            return Err(WalletError::Unknown {
                code: "bad_response".into(),
                message: "the payment-code secret is malformed".into(),
            });
        }
        let record = RecordWriter::default()
            .str(&device.device_id)
            .str(device.secret.expose())
            .finish();
        self.with_vault(move |v| v.settings()?.set(PAYCODE_SETTING, &record))
            .await
    }

    /// Whether this device holds a payment-code secret (see
    /// [`Wallet::provision_payment_codes`]).
    pub async fn has_payment_codes(&self) -> Result<bool, WalletError> {
        Ok(self.paycode_device().await?.is_some())
    }

    /// The current offline payment code (show it as a QR; a merchant's
    /// scanner charges it once; it expires after the server's drift window).
    /// Works without a network once provisioned.
    pub async fn payment_code(&self) -> Result<String, WalletError> {
        let (device_id, secret) = self
            .paycode_device()
            .await?
            .ok_or(WalletError::invalid("payment_code", "not_provisioned"))?;
        let now = u64::try_from(self.config.vault.clock.wall_s())
            .map_err(|_| WalletError::internal("clock before 1970"))?;
        Ok(generate(&secret, &device_id, now)?)
    }

    async fn paycode_device(&self) -> Result<Option<(String, PaycodeSecret)>, WalletError> {
        let stored = self
            .with_vault(|v| v.settings()?.get(PAYCODE_SETTING))
            .await?;
        let Some(stored) = stored else {
            return Ok(None);
        };
        let mut reader = RecordReader::new(stored.expose());
        let parsed = (|| {
            let id = reader.string()?;
            let hex = Zeroizing::new(reader.string()?);
            Ok::<_, crate::crypto::CryptoError>((id, hex))
        })();
        let (id, hex) = parsed.map_err(|e| WalletError::Crypto {
            message: e.to_string(),
        })?;
        let secret = decode_hex_secret(&hex).ok_or(WalletError::Crypto {
            message: "stored payment-code secret is malformed".into(),
        })?;
        Ok(Some((id, secret)))
    }
}

/// The display name cut to EMV's 25 characters (a user without one shows
/// as "IM Wallet user").
fn receive_name(display_name: &str) -> String {
    let trimmed = display_name.trim();
    if trimmed.is_empty() {
        return "IM Wallet user".to_owned();
    }
    trimmed.chars().take(25).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fit_the_emv_limit() {
        assert_eq!(receive_name(""), "IM Wallet user");
        assert_eq!(receive_name("张三"), "张三");
        assert_eq!(receive_name(&"x".repeat(40)).chars().count(), 25);
    }
}
