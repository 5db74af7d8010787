//! # Payment QR payloads
//!
//! [`parse`] recognises, validates and extracts whatever a shop or another
//! user displays: EMVCo Merchant-Presented Mode (with the national profiles
//! riding on it), EMVCo Consumer-Presented Mode, UPI links, EPC SEPA codes,
//! Swiss QR-bills, crypto payment URIs (BIP21, EIP-681, Solana Pay,
//! Lightning), well-known wallet links (Alipay, WeChat Pay, PayPal.me), and
//! the wallet's own receive codes and offline payment codes.
//!
//! Pure: no I/O, no clock, no randomness, no panics on any input. The parse
//! is zero-copy: results borrow `&str` slices of the input; turning them
//! into owned records (for FFI or JSON) is a conversion on top.
//!
//! This module is not a QR *image* codec: it works on the decoded text.

pub mod crc;
pub mod error;
pub mod mpm;
pub mod schemes;
pub mod tlv;

pub use error::{QrError, QrErrorKind};
pub use mpm::{Initiation, MerchantAccount, MpmPayload, Template, Tip, parse_mpm};
pub use schemes::Scheme;

/// Every payload format [`parse`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// EMVCo Merchant-Presented Mode.
    EmvMpm,
}

impl PayloadFormat {
    /// Stable snake_case name (the `format` field of the CLI's JSON).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmvMpm => "emv_mpm",
        }
    }
}

/// A recognised, validated payload. Strings borrow from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentPayload<'a> {
    /// EMVCo Merchant-Presented Mode.
    EmvMpm(MpmPayload<'a>),
}

impl PaymentPayload<'_> {
    /// Which format this is.
    #[must_use]
    pub fn format(&self) -> PayloadFormat {
        match self {
            Self::EmvMpm(_) => PayloadFormat::EmvMpm,
        }
    }
}

/// Parses a payment payload.
///
/// # Errors
/// A [`QrError`] with the kind, byte offset and field of the problem;
/// `unsupported_format` when the text is no payload format we know.
pub fn parse(input: &str) -> Result<PaymentPayload<'_>, QrError> {
    if looks_like_mpm(input) {
        return parse_mpm(input).map(PaymentPayload::EmvMpm);
    }
    Err(QrError::unsupported(
        "not a payment payload format this wallet knows",
    ))
}

/// EMV MPM: starts with a TLV header (four digits).
fn looks_like_mpm(s: &str) -> bool {
    s.len() >= 4 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit)
}
