//! Scanned payment payloads across the FFI: `parse_qr` returns an owned
//! record (the zero-copy parse stays inside `imwallet-protocol`) or a typed
//! error. Conversion only; the summary rules live in the protocol crate.

use imwallet_core::WalletError;
use imwallet_protocol::qr;

use crate::errors::{ErrorInfo, WalletFfiError};

/// Which payload format was scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QrFormat {
    /// EMVCo Merchant-Presented Mode (incl. PIX, PromptPay, PayNow, …).
    EmvMpm,
    /// EMVCo Consumer-Presented Mode.
    EmvCpm,
    /// `upi://pay` link.
    Upi,
    /// EPC SEPA credit transfer.
    Epc,
    /// Swiss QR-bill.
    SwissQr,
    /// BIP21 bitcoin URI.
    Bip21,
    /// EIP-681 ethereum URI.
    Eip681,
    /// Solana Pay URL.
    SolanaPay,
    /// Lightning invoice.
    Lightning,
    /// Alipay link.
    Alipay,
    /// WeChat Pay link.
    WechatPay,
    /// PayPal.me link.
    PaypalMe,
    /// This wallet's receive code.
    ImwalletReceive,
    /// This wallet's offline payment code.
    ImwalletPaycode,
}

impl From<qr::PayloadFormat> for QrFormat {
    fn from(f: qr::PayloadFormat) -> Self {
        use qr::PayloadFormat as P;
        match f {
            P::EmvMpm => Self::EmvMpm,
            P::EmvCpm => Self::EmvCpm,
            P::Upi => Self::Upi,
            P::Epc => Self::Epc,
            P::SwissQr => Self::SwissQr,
            P::Bip21 => Self::Bip21,
            P::Eip681 => Self::Eip681,
            P::SolanaPay => Self::SolanaPay,
            P::Lightning => Self::Lightning,
            P::Alipay => Self::Alipay,
            P::WechatPay => Self::WechatPay,
            P::PaypalMe => Self::PaypalMe,
            P::ImwalletReceive => Self::ImwalletReceive,
            P::ImwalletPaycode => Self::ImwalletPaycode,
        }
    }
}

/// What is wrong with a refused payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QrErrorKind {
    /// A checksum (CRC, IBAN, bech32, …) does not match.
    CrcMismatch,
    /// Broken structure (truncated, bad length, bad base64/TLV/URI).
    Malformed,
    /// A mandatory field is absent.
    MissingField,
    /// A field breaks its rules.
    InvalidValue,
    /// A field appears twice.
    DuplicateField,
    /// Not a payment format the wallet knows.
    UnsupportedFormat,
}

impl From<qr::QrErrorKind> for QrErrorKind {
    fn from(k: qr::QrErrorKind) -> Self {
        use qr::QrErrorKind as K;
        match k {
            K::CrcMismatch => Self::CrcMismatch,
            K::Malformed => Self::Malformed,
            K::MissingField => Self::MissingField,
            K::InvalidValue => Self::InvalidValue,
            K::DuplicateField => Self::DuplicateField,
            K::UnsupportedFormat => Self::UnsupportedFormat,
        }
    }
}

/// A scanned, validated payload.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedPayload {
    /// The format.
    pub format: QrFormat,
    /// The format's stable name (`emv_mpm`, `upi`, …).
    pub format_name: String,
    /// EMV MPM scheme (`pix`, `promptpay`, …), if any.
    pub scheme: Option<String>,
    /// Who is paid.
    pub payee_name: Option<String>,
    /// The payee's account (key, VPA, IBAN, address, id or token).
    pub account: Option<String>,
    /// Amount as written in the payload.
    pub amount: Option<String>,
    /// Currency (ISO 4217 alpha where known).
    pub currency: Option<String>,
    /// Reference or message.
    pub reference: Option<String>,
    /// Every extracted field, as the JSON object documented in docs/qr.md.
    pub details_json: String,
}

/// Why `parse_qr` refused a payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum QrParseError {
    /// The payload is invalid: what, where (byte offset), which field, and
    /// the core catalog's `invalid_payload` entry (code, user messages in
    /// both languages, doc link) in the host's locale.
    #[error("{kind:?} at byte {offset}: {detail}")]
    Invalid {
        /// The catalog entry (`info.code == "invalid_payload"`).
        info: ErrorInfo,
        /// What kind of problem.
        kind: QrErrorKind,
        /// Byte offset into the payload.
        offset: u64,
        /// Field id or parameter name.
        tag: Option<String>,
        /// Explanation for a developer (English). Not `message`: that name
        /// clashes with `Throwable.message` in Kotlin.
        detail: String,
    },
}

impl From<qr::QrError> for QrParseError {
    fn from(e: qr::QrError) -> Self {
        let kind = e.kind.into();
        let offset = u64::try_from(e.offset).unwrap_or(u64::MAX);
        let (tag, detail) = (e.tag.clone(), e.message.clone());
        // The same catalog entry a payment with this payload fails with.
        let core = WalletError::from(e);
        let info = WalletFfiError::from_core(&core, crate::host_locale(), None)
            .info()
            .clone();
        Self::Invalid {
            info,
            kind,
            offset,
            tag,
            detail,
        }
    }
}

/// Parses a scanned payment payload (any supported format).
///
/// # Errors
/// [`QrParseError::Invalid`] with the kind, offset and field of the problem.
#[uniffi::export]
pub fn parse_qr(payload: String) -> Result<ScannedPayload, QrParseError> {
    let parsed = qr::parse(&payload)?;
    let s = parsed.summary();
    let details_json = serde_json::to_string(&parsed).unwrap_or_else(|_| "{}".to_string());
    Ok(ScannedPayload {
        format: parsed.format().into(),
        format_name: s.format.to_string(),
        scheme: s.scheme.map(str::to_string),
        payee_name: s.payee_name,
        account: s.account,
        amount: s.amount,
        currency: s.currency,
        reference: s.reference,
        details_json,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pix_converts_to_the_owned_record() {
        let p = parse_qr("00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D".into()).unwrap();
        assert_eq!(p.format, QrFormat::EmvMpm);
        assert_eq!(p.scheme.as_deref(), Some("pix"));
        assert_eq!(p.currency.as_deref(), Some("BRL"));
        assert!(p.details_json.contains("\"crc\":\"1D3D\""));
    }

    #[test]
    fn errors_keep_kind_offset_and_tag() {
        let QrParseError::Invalid {
            info,
            kind,
            offset,
            tag,
            detail,
        } = parse_qr("upi://pay?pn=x".into()).unwrap_err();
        assert_eq!(
            (kind, offset, tag.as_deref()),
            (QrErrorKind::MissingField, 14, Some("pa"))
        );
        assert!(!detail.is_empty());
        // The catalog's entry, not a copy in each shell.
        assert_eq!(
            (info.code.as_str(), info.retryable),
            ("invalid_payload", false)
        );
        assert!(!info.user_message_en.is_empty() && !info.user_message_zh_cn.is_empty());
        assert_ne!(info.user_message_en, info.user_message_zh_cn);
        assert!(info.doc_url.ends_with("#invalid_payload"));
    }
}
