//! Our own codes: the receive code another user scans to pay us (an EMVCo
//! MPM with the wallet's GUID, `imwallet_protocol::qr::build_receive_code`).

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{Initiation, ReceiveCodeSpec, Receiver, build_receive_code};

use super::{Wallet, WalletError};

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
