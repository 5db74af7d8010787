//! An owned, format-independent summary of a parsed payload: who is paid,
//! which account, how much, with what reference. This is what a payment
//! screen shows first and what the FFI hands to Kotlin/Swift/Python (with
//! the full JSON beside it); the mapping lives here so the bindings only
//! convert.

use super::cpm::CpmApplication;
use super::{PaymentPayload, SolanaPayPayload};
use crate::money::Currency;

/// The owned summary of a payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayloadSummary {
    /// `format` name, e.g. `emv_mpm`.
    pub format: &'static str,
    /// MPM scheme name (`pix`, `promptpay`, …).
    pub scheme: Option<&'static str>,
    /// Who is paid: merchant name, payee name, label or user name.
    pub payee_name: Option<String>,
    /// The payee's account: PIX key, VPA, IBAN, address, recipient, wallet
    /// user/merchant id, opaque token or device id.
    pub account: Option<String>,
    /// Amount as written in the payload.
    pub amount: Option<String>,
    /// Currency: ISO 4217 alpha where known, else the payload's unit
    /// (`BTC`, `SOL`, `wei`, `msat`, or the MPM numeric code).
    pub currency: Option<String>,
    /// Reference / message to keep with the payment.
    pub reference: Option<String>,
}

fn owned(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

fn mpm_currency(numeric: &str) -> String {
    numeric
        .parse::<u16>()
        .ok()
        .and_then(Currency::from_numeric)
        .map_or_else(|| numeric.to_string(), |c| c.code().to_string())
}

fn cpm_account(a: &CpmApplication) -> Option<String> {
    a.masked_pan().or_else(|| a.aid.clone())
}

impl PaymentPayload<'_> {
    /// The owned summary (see [`PayloadSummary`]).
    #[must_use]
    pub fn summary(&self) -> PayloadSummary {
        let format = self.format().as_str();
        let base = PayloadSummary {
            format,
            ..PayloadSummary::default()
        };
        match self {
            Self::EmvMpm(p) => {
                let pix = p.pix();
                let ad = p.additional_data;
                PayloadSummary {
                    scheme: p.scheme.map(|s| s.as_str()),
                    payee_name: owned(p.merchant_name),
                    account: pix.and_then(|x| x.key.or(x.url)).map(str::to_string),
                    amount: owned(p.amount),
                    currency: Some(mpm_currency(p.currency_numeric)),
                    reference: owned(ad.and_then(|a| a.get(5).or_else(|| a.get(1)))),
                    ..base
                }
            }
            Self::ImwalletReceive(r) => PayloadSummary {
                payee_name: owned(r.mpm.merchant_name),
                account: Some(r.receiver.id().to_string()),
                amount: owned(r.mpm.amount),
                currency: Some(mpm_currency(r.mpm.currency_numeric)),
                reference: owned(r.reference),
                ..base
            },
            Self::EmvCpm(c) => PayloadSummary {
                payee_name: c.common.as_ref().and_then(|a| a.cardholder_name.clone()),
                account: c.applications.first().and_then(cpm_account),
                ..base
            },
            Self::Upi(u) => PayloadSummary {
                payee_name: u.payee_name.as_deref().map(str::to_string),
                account: Some(u.vpa.to_string()),
                amount: u.amount.as_deref().map(str::to_string),
                currency: Some(u.currency.as_deref().unwrap_or("INR").to_string()),
                reference: u
                    .reference
                    .as_deref()
                    .or(u.note.as_deref())
                    .map(str::to_string),
                ..base
            },
            Self::Epc(p) => PayloadSummary {
                payee_name: Some(p.name.to_string()),
                account: Some(p.iban.to_string()),
                amount: owned(p.amount),
                currency: Some("EUR".to_string()),
                reference: owned(p.reference.or(p.text)),
                ..base
            },
            Self::SwissQr(p) => PayloadSummary {
                payee_name: Some(p.creditor.name.to_string()),
                account: Some(p.iban.to_string()),
                amount: owned(p.amount),
                currency: Some(p.currency.to_string()),
                reference: owned(p.reference.or(p.message)),
                ..base
            },
            Self::Bip21(b) => PayloadSummary {
                payee_name: b.label.as_deref().map(str::to_string),
                account: Some(b.address.to_string()),
                amount: b.amount.as_deref().map(str::to_string),
                currency: Some("BTC".to_string()),
                reference: b.message.as_deref().map(str::to_string),
                ..base
            },
            Self::Eip681(e) => PayloadSummary {
                account: Some(e.address.to_string()),
                amount: e.value.clone(),
                currency: e.value.as_ref().map(|_| "wei".to_string()),
                ..base
            },
            Self::SolanaPay(SolanaPayPayload::Transfer(t)) => PayloadSummary {
                payee_name: t.label.as_deref().map(str::to_string),
                account: Some(t.recipient.to_string()),
                amount: t.amount.as_deref().map(str::to_string),
                currency: Some(t.spl_token.as_deref().unwrap_or("SOL").to_string()),
                reference: t
                    .memo
                    .as_deref()
                    .or(t.message.as_deref())
                    .map(str::to_string),
                ..base
            },
            Self::SolanaPay(SolanaPayPayload::TransactionRequest { link }) => PayloadSummary {
                account: Some(link.to_string()),
                ..base
            },
            Self::Lightning(l) => PayloadSummary {
                payee_name: l.description.clone(),
                account: l.payment_hash.clone(),
                amount: l.amount_msat.map(|m| m.to_string()),
                currency: l.amount_msat.map(|_| "msat".to_string()),
                ..base
            },
            Self::Alipay(w) | Self::WechatPay(w) => PayloadSummary {
                account: Some(w.token.to_string()),
                ..base
            },
            Self::PaypalMe(p) => PayloadSummary {
                payee_name: Some(p.user.to_string()),
                account: Some(p.user.to_string()),
                amount: owned(p.amount),
                currency: owned(p.currency),
                ..base
            },
            Self::ImwalletPaycode(c) => PayloadSummary {
                account: Some(c.device_id.to_string()),
                ..base
            },
        }
    }
}
