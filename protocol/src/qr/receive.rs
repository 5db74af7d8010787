//! The wallet's own receive codes: standard EMVCo MPM payloads, so any
//! EMVCo reader can read them, with our GUID in merchant account template
//! 26:
//!
//! | field | content |
//! |---|---|
//! | `01` | `11` static, `12` dynamic (dynamic codes carry an amount) |
//! | `26.00` | [`RECEIVE_GUID`] |
//! | `26.01` | receiver kind: `U` user, `M` merchant |
//! | `26.02` | the user or merchant id (1–64 of `A–Z a–z 0–9 - _`) |
//! | `52` | MCC (`0000` for person-to-person) |
//! | `53`, `54` | currency (ISO 4217 numeric) and optional amount |
//! | `58`, `59`, `60` | country, display name (≤ 25), city (≤ 15) |
//! | `62.05` | optional reference (≤ 25) |
//!
//! [`parse`](super::parse) returns
//! [`PaymentPayload::ImwalletReceive`](super::PaymentPayload) for any MPM
//! carrying our GUID.

use super::builder::MpmBuilder;
use super::error::QrError;
use super::mpm::{Initiation, MpmPayload, parse_mpm};
use crate::money::{Currency, Money};

/// Our GUID in the merchant account template.
pub const RECEIVE_GUID: &str = super::mpm::WALLET_GUID;

/// Who receives the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Receiver<'a> {
    /// A wallet user (person-to-person).
    User(&'a str),
    /// A merchant registered with the wallet.
    Merchant(&'a str),
}

impl<'a> Receiver<'a> {
    /// `user` or `merchant`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Merchant(_) => "merchant",
        }
    }

    /// The id.
    #[must_use]
    pub fn id(&self) -> &'a str {
        match self {
            Self::User(id) | Self::Merchant(id) => id,
        }
    }
}

/// What to put in a receive code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveCodeSpec<'a> {
    /// Static (reusable) or dynamic (one payment, amount required).
    pub initiation: Initiation,
    /// The user or merchant receiving.
    pub receiver: Receiver<'a>,
    /// Currency of the payment.
    pub currency: Currency,
    /// Fixed amount (required for dynamic codes; positive).
    pub amount: Option<Money>,
    /// Order or invoice reference shown to both sides (`62.05`).
    pub reference: Option<&'a str>,
    /// Display name (`59`).
    pub name: &'a str,
    /// City (`60`).
    pub city: &'a str,
    /// ISO 3166-1 alpha-2 country (`58`).
    pub country: &'a str,
    /// Merchant category code (`52`); `0000` for users.
    pub mcc: &'a str,
}

/// A parsed receive code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiveCode<'a> {
    /// The underlying MPM payload.
    pub mpm: MpmPayload<'a>,
    /// Who receives.
    pub receiver: Receiver<'a>,
    /// `62.05`.
    pub reference: Option<&'a str>,
}

impl ReceiveCode<'_> {
    /// The currency, if it is one the wallet knows.
    #[must_use]
    pub fn currency(&self) -> Option<Currency> {
        self.mpm
            .currency_numeric
            .parse()
            .ok()
            .and_then(Currency::from_numeric)
    }

    /// The fixed amount as [`Money`], if any.
    ///
    /// # Errors
    /// `invalid_value` (tag 54) when the currency is unknown or the amount
    /// has more decimals than the currency allows.
    pub fn amount(&self) -> Result<Option<Money>, QrError> {
        let Some(a) = self.mpm.amount else {
            return Ok(None);
        };
        let c = self
            .currency()
            .ok_or_else(|| QrError::invalid(0, "53", "currency not supported by the wallet"))?;
        Money::parse(a, c)
            .map(Some)
            .map_err(|e| QrError::invalid(0, "54", format!("amount: {}", e.code())))
    }
}

fn is_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Builds a receive code.
///
/// # Errors
/// `invalid_value` / `missing_field` naming the field when the spec breaks
/// a rule (bad id, amount not positive or in another currency, dynamic
/// without amount, texts too long), checked by parsing the result back.
pub fn build_receive_code(spec: &ReceiveCodeSpec<'_>) -> Result<String, QrError> {
    let id = spec.receiver.id();
    if !is_id(id) {
        return Err(QrError::invalid(
            0,
            "26.02",
            "id must be 1–64 letters, digits, - or _",
        ));
    }
    let amount = match spec.amount {
        Some(m) => {
            if m.currency != spec.currency {
                return Err(QrError::invalid(
                    0,
                    "54",
                    "amount currency differs from the code currency",
                ));
            }
            if !m.is_positive() {
                return Err(QrError::invalid(0, "54", "amount must be positive"));
            }
            Some(m.to_decimal_string())
        }
        None if spec.initiation == Initiation::Dynamic => {
            return Err(QrError::missing(
                0,
                "54",
                "dynamic receive codes carry an amount",
            ));
        }
        None => None,
    };
    let kind = match spec.receiver {
        Receiver::User(_) => "U",
        Receiver::Merchant(_) => "M",
    };
    let mut b = MpmBuilder::new();
    b.field(
        1,
        if spec.initiation == Initiation::Static {
            "11"
        } else {
            "12"
        },
    )?;
    b.template(26, &[(0, RECEIVE_GUID), (1, kind), (2, id)])?;
    b.field(52, spec.mcc)?;
    b.field(53, &format!("{:03}", spec.currency.numeric()))?;
    if let Some(a) = &amount {
        b.field(54, a)?;
    }
    b.field(58, spec.country)?;
    b.field(59, spec.name)?;
    b.field(60, spec.city)?;
    if let Some(r) = spec.reference {
        b.template(62, &[(5, r)])?;
    }
    let out = b.finish();
    // Everything we hand out must parse back under the same rules.
    parse_mpm(&out).and_then(|m| receive_code(m).map(|_| ()))?;
    Ok(out)
}

/// Interprets an MPM payload carrying our GUID as a receive code.
///
/// # Errors
/// `missing_field`/`invalid_value` for a bad kind or id in template 26.
pub fn receive_code(mpm: MpmPayload<'_>) -> Result<ReceiveCode<'_>, QrError> {
    let Some(t) = mpm.wallet_account() else {
        return Err(QrError::missing(0, "26.00", "not a wallet receive code"));
    };
    let tag = |sub: u8| format!("{:02}.{sub:02}", t.id);
    let off = t.value_offset();
    let Some(id) = t.get(2) else {
        return Err(QrError::missing(
            off,
            tag(2),
            "receive code without a receiver id",
        ));
    };
    if !is_id(id) {
        return Err(QrError::invalid(
            off,
            tag(2),
            "receiver id must be 1–64 letters, digits, - or _",
        ));
    }
    let receiver = match t.get(1) {
        Some("U") => Receiver::User(id),
        Some("M") => Receiver::Merchant(id),
        Some(_) => {
            return Err(QrError::invalid(
                off,
                tag(1),
                "receiver kind must be U or M",
            ));
        }
        None => {
            return Err(QrError::missing(
                off,
                tag(1),
                "receive code without a receiver kind",
            ));
        }
    };
    if mpm.initiation == Some(Initiation::Dynamic) && mpm.amount.is_none() {
        return Err(QrError::missing(
            0,
            "54",
            "dynamic receive codes carry an amount",
        ));
    }
    Ok(ReceiveCode {
        mpm,
        receiver,
        reference: mpm.additional_data.and_then(|a| a.get(5)),
    })
}
