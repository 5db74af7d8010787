//! Turning command-line text into the facade's values, before anything is
//! unlocked or sent: amounts, currencies, card expiries, transfer targets.
//! Each refusal is a [`CliError::Input`] (exit 3) or, for a scanned
//! payload, an invalid-payload error (exit 2).

use imwallet_core::wallet::{TransferTarget, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{self, PaymentPayload};

use crate::exit::CliError;
use crate::tr;

/// A currency code such as `CNY` (case-insensitive).
pub fn currency(code: &str) -> Result<Currency, CliError> {
    Currency::from_code(&code.trim().to_ascii_uppercase()).map_err(|_| {
        CliError::input(
            "currency",
            tr!("error-not-currency", value = format!("{code:?}")),
        )
    })
}

/// A positive amount such as `12.34` in `currency`.
pub fn amount(text: &str, currency_code: &str) -> Result<Money, CliError> {
    let currency = currency(currency_code)?;
    let money = Money::parse(text.trim(), currency)
        .map_err(|e| CliError::input("amount", format!("{text:?}: {e}")))?;
    if !money.is_positive() {
        return Err(CliError::input(
            "amount",
            tr!("error-amount-positive", value = format!("{text:?}")),
        ));
    }
    Ok(money)
}

/// An optional amount.
pub fn optional_amount(text: Option<&str>, currency_code: &str) -> Result<Option<Money>, CliError> {
    text.map(|t| amount(t, currency_code)).transpose()
}

/// A card expiry `MM/YYYY` or `MM/YY`.
pub fn expiry(text: &str) -> Result<(u8, u16), CliError> {
    let bad = || {
        CliError::input(
            "expiry",
            tr!("error-expiry-format", value = format!("{text:?}")),
        )
    };
    let (m, y) = text.trim().split_once('/').ok_or_else(bad)?;
    let month: u8 = m.parse().map_err(|_| bad())?;
    let mut year: u16 = y.parse().map_err(|_| bad())?;
    if y.len() == 2 {
        year += 2000;
    }
    if !(1..=12).contains(&month) || y.len() != 2 && y.len() != 4 {
        return Err(bad());
    }
    Ok((month, year))
}

/// A scanned payload, checked on the device before anything else happens.
pub fn payload(text: &str) -> Result<(), CliError> {
    qr::parse(text)
        .map(|_| ())
        .map_err(|e| CliError::Wallet(WalletError::from(e)))
}

/// Who a transfer goes to: `+phone`, an e-mail, a receive code, or a user id.
pub fn transfer_target(text: &str) -> TransferTarget {
    let t = text.trim();
    if t.starts_with('+') {
        TransferTarget::Phone(t.to_owned())
    } else if t.contains('@') && !t.contains(' ') && qr::parse(t).is_err() {
        TransferTarget::Email(t.to_owned())
    } else if matches!(qr::parse(t), Ok(PaymentPayload::ImwalletReceive(_))) {
        TransferTarget::ReceiveCode(t.to_owned())
    } else {
        TransferTarget::UserId(t.to_owned())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_currency_rules() {
        assert_eq!(
            amount("12.34", "cny").unwrap(),
            Money::new(1_234, Currency::Cny)
        );
        for bad in ["12.345", "abc", "1e3", "-1", "0", ""] {
            let e = amount(bad, "CNY").unwrap_err();
            assert_eq!(e.exit_code(), crate::exit::INVALID_INPUT, "{bad}");
        }
        assert!(amount("1", "XXX").is_err());
    }

    #[test]
    fn expiries_take_two_or_four_digit_years() {
        assert_eq!(expiry("12/2099").unwrap(), (12, 2099));
        assert_eq!(expiry("01/30").unwrap(), (1, 2030));
        assert!(expiry("13/2030").is_err());
        assert!(expiry("1230").is_err());
    }

    #[test]
    fn a_broken_payload_is_refused_with_exit_2() {
        let e = payload("000201nonsense").unwrap_err();
        assert_eq!(e.exit_code(), crate::exit::INVALID_PAYLOAD);
    }

    #[test]
    fn transfer_targets_are_recognised() {
        assert_eq!(
            transfer_target("+8613800000000"),
            TransferTarget::Phone("+8613800000000".into())
        );
        assert_eq!(
            transfer_target("bob@example.com"),
            TransferTarget::Email("bob@example.com".into())
        );
        assert_eq!(
            transfer_target("u_123"),
            TransferTarget::UserId("u_123".into())
        );
    }
}
