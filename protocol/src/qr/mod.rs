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
//! is zero-copy: results borrow `&str` slices of the input (URI values are
//! `Cow`, owned only when percent-escaped); turning them into owned records
//! (for FFI or JSON) is a conversion on top ([`json`]).
//!
//! ## Recognition order
//!
//! The input is matched as-is (no trimming), first match wins:
//!
//! 1. `IMWPAY1.` → wallet payment code ([`paycode`])
//! 2. four ASCII digits → EMVCo MPM ([`mpm`]); with our GUID → wallet
//!    receive code ([`receive`])
//! 3. `BCD` + line break → EPC SEPA credit transfer ([`epc`])
//! 4. `SPC` + line break → Swiss QR-bill ([`swiss`])
//! 5. `hQ` (base64 of tag `85`) → EMVCo CPM ([`cpm`])
//! 6. URI schemes, case-insensitive: `upi://`, `bitcoin:`, `ethereum:`,
//!    `solana:`, `lightning:`, `weixin://`, `wxp://`,
//!    `https://qr.alipay.com/`, `https://paypal.me/`,
//!    `https://www.paypal.me/`
//! 7. bare BOLT11 (`lnbc…`, `lntb…`, `lntbs…`, `lnbcrt…`) → Lightning
//! 8. anything else → `unsupported_format`
//!
//! This module is not a QR *image* codec: it works on the decoded text.

pub mod base58;
pub mod bech32;
pub mod ber;
pub mod bip21;
pub mod builder;
pub mod cpm;
pub mod crc;
pub mod eip681;
pub mod epc;
pub mod error;
pub mod iban;
pub mod json;
pub mod lightning;
pub mod links;
pub mod mpm;
pub mod paycode;
pub mod receive;
pub mod schemes;
pub mod solana;
pub mod summary;
pub mod swiss;
pub mod tlv;
pub mod upi;
pub mod uri;

pub use bip21::Bip21Payload;
pub use builder::MpmBuilder;
pub use cpm::CpmPayload;
pub use eip681::Eip681Payload;
pub use epc::EpcPayload;
pub use error::{QrError, QrErrorKind};
pub use lightning::LightningPayload;
pub use links::{PaypalMe, WalletLink};
pub use mpm::{Initiation, MerchantAccount, MpmPayload, Template, Tip, parse_mpm};
pub use paycode::PayCode;
pub use receive::{ReceiveCode, ReceiveCodeSpec, Receiver, build_receive_code};
pub use schemes::Scheme;
pub use solana::SolanaPayPayload;
pub use summary::PayloadSummary;
pub use swiss::SwissQrPayload;
pub use upi::UpiPayload;

use uri::{strip_prefix_ci, strip_scheme};

/// Every payload format [`parse`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadFormat {
    /// EMVCo Merchant-Presented Mode.
    EmvMpm,
    /// EMVCo Consumer-Presented Mode.
    EmvCpm,
    /// `upi://pay` link.
    Upi,
    /// EPC SEPA credit transfer.
    Epc,
    /// Swiss QR-bill.
    SwissQr,
    /// BIP21 `bitcoin:` URI.
    Bip21,
    /// EIP-681 `ethereum:` URI.
    Eip681,
    /// Solana Pay URL.
    SolanaPay,
    /// Lightning BOLT11 invoice.
    Lightning,
    /// Alipay link.
    Alipay,
    /// WeChat Pay link.
    WechatPay,
    /// PayPal.me link.
    PaypalMe,
    /// The wallet's receive code.
    ImwalletReceive,
    /// The wallet's offline payment code.
    ImwalletPaycode,
}

impl PayloadFormat {
    /// Stable snake_case name (the `format` field of the CLI's JSON).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmvMpm => "emv_mpm",
            Self::EmvCpm => "emv_cpm",
            Self::Upi => "upi",
            Self::Epc => "epc",
            Self::SwissQr => "swiss_qr",
            Self::Bip21 => "bip21",
            Self::Eip681 => "eip681",
            Self::SolanaPay => "solana_pay",
            Self::Lightning => "lightning",
            Self::Alipay => "alipay",
            Self::WechatPay => "wechat_pay",
            Self::PaypalMe => "paypal_me",
            Self::ImwalletReceive => "imwallet_receive",
            Self::ImwalletPaycode => "imwallet_paycode",
        }
    }
}

/// A recognised, validated payload. Strings borrow from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentPayload<'a> {
    /// EMVCo Merchant-Presented Mode.
    EmvMpm(MpmPayload<'a>),
    /// EMVCo Consumer-Presented Mode (decoded from base64, so owned).
    EmvCpm(CpmPayload),
    /// UPI link.
    Upi(UpiPayload<'a>),
    /// EPC SEPA credit transfer.
    Epc(EpcPayload<'a>),
    /// Swiss QR-bill.
    SwissQr(SwissQrPayload<'a>),
    /// BIP21.
    Bip21(Bip21Payload<'a>),
    /// EIP-681.
    Eip681(Eip681Payload<'a>),
    /// Solana Pay.
    SolanaPay(SolanaPayPayload<'a>),
    /// Lightning.
    Lightning(LightningPayload<'a>),
    /// Alipay (opaque token).
    Alipay(WalletLink<'a>),
    /// WeChat Pay (opaque token).
    WechatPay(WalletLink<'a>),
    /// PayPal.me.
    PaypalMe(PaypalMe<'a>),
    /// The wallet's receive code (an MPM with our GUID).
    ImwalletReceive(ReceiveCode<'a>),
    /// The wallet's offline payment code (syntax checked; the server
    /// verifies it with the device secret).
    ImwalletPaycode(PayCode<'a>),
}

impl PaymentPayload<'_> {
    /// Which format this is.
    #[must_use]
    pub fn format(&self) -> PayloadFormat {
        match self {
            Self::EmvMpm(_) => PayloadFormat::EmvMpm,
            Self::EmvCpm(_) => PayloadFormat::EmvCpm,
            Self::Upi(_) => PayloadFormat::Upi,
            Self::Epc(_) => PayloadFormat::Epc,
            Self::SwissQr(_) => PayloadFormat::SwissQr,
            Self::Bip21(_) => PayloadFormat::Bip21,
            Self::Eip681(_) => PayloadFormat::Eip681,
            Self::SolanaPay(_) => PayloadFormat::SolanaPay,
            Self::Lightning(_) => PayloadFormat::Lightning,
            Self::Alipay(_) => PayloadFormat::Alipay,
            Self::WechatPay(_) => PayloadFormat::WechatPay,
            Self::PaypalMe(_) => PayloadFormat::PaypalMe,
            Self::ImwalletReceive(_) => PayloadFormat::ImwalletReceive,
            Self::ImwalletPaycode(_) => PayloadFormat::ImwalletPaycode,
        }
    }
}

/// Parses a payment payload, trying formats in the documented order.
///
/// ```
/// use imwallet_protocol::qr::{parse, PaymentPayload, QrErrorKind};
///
/// let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
/// let PaymentPayload::EmvMpm(p) = parse(pix).unwrap() else { panic!() };
/// assert_eq!(p.merchant_name, Some("Fulano de Tal"));
///
/// let err = parse(&pix.replace("Fulano", "Fulana")).unwrap_err();
/// assert_eq!((err.kind, err.offset, err.tag.as_deref()), (QrErrorKind::CrcMismatch, 129, Some("63")));
/// ```
///
/// # Errors
/// A [`QrError`] with the kind, byte offset and field of the problem;
/// `unsupported_format` when the text is no payload format we know.
pub fn parse(input: &str) -> Result<PaymentPayload<'_>, QrError> {
    let b = input.as_bytes();
    if input.starts_with(paycode::PREFIX) {
        return paycode::parse_paycode(input).map(PaymentPayload::ImwalletPaycode);
    }
    if b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) {
        let mpm = parse_mpm(input)?;
        if mpm.wallet_account().is_some() {
            return receive::receive_code(mpm).map(PaymentPayload::ImwalletReceive);
        }
        return Ok(PaymentPayload::EmvMpm(mpm));
    }
    if input.starts_with("BCD\n") || input.starts_with("BCD\r\n") {
        return epc::parse_epc(input).map(PaymentPayload::Epc);
    }
    if input.starts_with("SPC\n") || input.starts_with("SPC\r\n") {
        return swiss::parse_swiss(input).map(PaymentPayload::SwissQr);
    }
    if input.starts_with("hQ") {
        return cpm::parse_cpm(input).map(PaymentPayload::EmvCpm);
    }
    if strip_prefix_ci(input, "upi://").is_some() {
        return upi::parse_upi(input).map(PaymentPayload::Upi);
    }
    if strip_scheme(input, "bitcoin").is_some() {
        return bip21::parse_bip21(input).map(PaymentPayload::Bip21);
    }
    if strip_scheme(input, "ethereum").is_some() {
        return eip681::parse_eip681(input).map(PaymentPayload::Eip681);
    }
    if strip_scheme(input, "solana").is_some() {
        return solana::parse_solana(input).map(PaymentPayload::SolanaPay);
    }
    if let Some(inv) = strip_scheme(input, "lightning") {
        return lightning::parse_lightning(inv, 10).map(PaymentPayload::Lightning);
    }
    if strip_prefix_ci(input, "weixin://").is_some() || strip_prefix_ci(input, "wxp://").is_some() {
        return links::parse_wechat(input).map(PaymentPayload::WechatPay);
    }
    if strip_prefix_ci(input, "https://qr.alipay.com/").is_some() {
        return links::parse_alipay(input).map(PaymentPayload::Alipay);
    }
    for prefix in ["https://paypal.me/", "https://www.paypal.me/"] {
        if strip_prefix_ci(input, prefix).is_some() {
            return links::parse_paypal(input, prefix.len()).map(PaymentPayload::PaypalMe);
        }
    }
    if ["lnbc", "lntb"]
        .iter()
        .any(|p| strip_prefix_ci(input, p).is_some())
    {
        return lightning::parse_lightning(input, 0).map(PaymentPayload::Lightning);
    }
    Err(QrError::unsupported(
        "not a payment payload format this wallet knows",
    ))
}
