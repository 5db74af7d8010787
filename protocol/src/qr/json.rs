//! The JSON shape of a parsed payload (the CLI's `--json` output and the
//! FFI's `details_json`), documented in `docs/qr.md`. Implemented as
//! `serde::Serialize` on [`PaymentPayload`] and [`QrError`], through a small
//! owned tree ([`Json`]) so each format's mapping reads as a table.
//!
//! Sensitive parts are left out: a CPM PAN is masked, track 2 data and a
//! payment code's tag are omitted.

use std::borrow::Cow;

use serde::ser::{SerializeMap, SerializeSeq};

use super::mpm::{MerchantAccount, MpmPayload, Template, Tip};
use super::uri::Param;
use super::{PaymentPayload, QrError, SolanaPayPayload};
use crate::money::Currency;

/// A JSON value tree (owned where it has to be).
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    /// `null`.
    Null,
    /// A string.
    Str(Cow<'a, str>),
    /// An unsigned integer.
    Num(u64),
    /// An array.
    Arr(Vec<Json<'a>>),
    /// An object with keys in insertion order.
    Obj(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl serde::Serialize for Json<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_none(),
            Self::Str(v) => s.serialize_str(v),
            Self::Num(n) => s.serialize_u64(*n),
            Self::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Self::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

fn s<'a>(v: impl Into<Cow<'a, str>>) -> Json<'a> {
    Json::Str(v.into())
}

fn opt<'a>(v: Option<impl Into<Cow<'a, str>>>) -> Json<'a> {
    v.map_or(Json::Null, s)
}

fn obj<'a>(entries: Vec<(&'static str, Json<'a>)>) -> Json<'a> {
    Json::Obj(
        entries
            .into_iter()
            .map(|(k, v)| (Cow::Borrowed(k), v))
            .collect(),
    )
}

fn params<'a>(ps: &[Param<'a>]) -> Json<'a> {
    Json::Obj(
        ps.iter()
            .map(|p| (Cow::Borrowed(p.key), s(p.value.clone())))
            .collect(),
    )
}

fn template_fields<'a>(t: &Template<'a>) -> Json<'a> {
    Json::Obj(
        t.fields()
            .map(|(id, v)| (Cow::Owned(format!("{id:02}")), s(v)))
            .collect(),
    )
}

fn mpm_entries<'a>(p: &MpmPayload<'a>) -> Vec<(&'static str, Json<'a>)> {
    let accounts = p
        .accounts()
        .map(|a| match a {
            MerchantAccount::Primitive { id, value } => obj(vec![
                ("tag", s(format!("{id:02}"))),
                ("guid", Json::Null),
                ("value", s(value)),
                ("fields", Json::Obj(Vec::new())),
            ]),
            MerchantAccount::Template(t) => obj(vec![
                ("tag", s(format!("{:02}", t.id))),
                ("guid", opt(t.guid())),
                ("value", Json::Null),
                ("fields", template_fields(&t)),
            ]),
        })
        .collect();
    let unreserved = p
        .unreserved()
        .map(|t| {
            obj(vec![
                ("tag", s(format!("{:02}", t.id))),
                ("guid", opt(t.guid())),
                ("fields", template_fields(&t)),
            ])
        })
        .collect();
    let tip = match p.tip {
        None => Json::Null,
        Some(Tip::Prompt) => obj(vec![("type", s("prompt")), ("value", Json::Null)]),
        Some(Tip::FixedFee(v)) => obj(vec![("type", s("fixed")), ("value", s(v))]),
        Some(Tip::Percentage(v)) => obj(vec![("type", s("percentage")), ("value", s(v))]),
    };
    let currency = p
        .currency_numeric
        .parse::<u16>()
        .ok()
        .and_then(Currency::from_numeric)
        .map(Currency::code);
    let mut e = vec![
        ("scheme", opt(p.scheme.map(|x| x.as_str()))),
        ("initiation", opt(p.initiation.map(|i| i.as_str()))),
        ("merchant_name", opt(p.merchant_name)),
        ("merchant_city", opt(p.merchant_city)),
        ("country", s(p.country)),
        ("postal_code", opt(p.postal_code)),
        ("mcc", opt(p.merchant_category_code)),
        ("currency", opt(currency)),
        ("currency_numeric", s(p.currency_numeric)),
        ("amount", opt(p.amount)),
        ("tip", tip),
        ("accounts", Json::Arr(accounts)),
        (
            "additional_data",
            p.additional_data
                .map_or(Json::Null, |t| template_fields(&t)),
        ),
        (
            "language_template",
            p.language.map_or(Json::Null, |l| {
                obj(vec![
                    ("language", s(l.language)),
                    ("merchant_name", s(l.merchant_name)),
                    ("merchant_city", opt(l.merchant_city)),
                ])
            }),
        ),
        ("unreserved", Json::Arr(unreserved)),
        ("exemptions", Json::Arr(p.exemptions.ids().map(s).collect())),
    ];
    if let Some(pix) = p.pix() {
        e.push((
            "pix",
            obj(vec![
                ("key", opt(pix.key)),
                ("description", opt(pix.description)),
                ("url", opt(pix.url)),
                ("txid", opt(pix.txid)),
            ]),
        ));
    }
    e.push(("crc", s(p.crc)));
    e
}

fn cpm_app(a: &super::cpm::CpmApplication) -> Json<'static> {
    obj(vec![
        ("aid", opt(a.aid.clone())),
        ("label", opt(a.label.clone())),
        ("pan", opt(a.masked_pan())),
        ("cardholder_name", opt(a.cardholder_name.clone())),
        ("language", opt(a.language.clone())),
        (
            "other",
            Json::Obj(
                a.other
                    .iter()
                    .map(|(t, v)| (Cow::Owned(t.clone()), s(v.clone())))
                    .collect(),
            ),
        ),
    ])
}

fn swiss_address<'a>(a: &super::swiss::SwissAddress<'a>) -> Json<'a> {
    obj(vec![
        ("kind", s(a.kind)),
        ("name", s(a.name)),
        ("line1", opt(a.line1)),
        ("line2", opt(a.line2)),
        ("postal_code", opt(a.postal_code)),
        ("town", opt(a.town)),
        ("country", s(a.country)),
    ])
}

impl<'a> PaymentPayload<'a> {
    /// The JSON tree of this payload (see `docs/qr.md`).
    #[must_use]
    pub fn to_json(&self) -> Json<'a> {
        let mut e: Vec<(&'static str, Json<'a>)> = vec![("format", s(self.format().as_str()))];
        match self {
            Self::EmvMpm(p) => e.extend(mpm_entries(p)),
            Self::ImwalletReceive(r) => {
                e.extend(mpm_entries(&r.mpm));
                e.push(("receiver_kind", s(r.receiver.kind())));
                e.push(("receiver_id", s(r.receiver.id())));
                e.push(("reference", opt(r.reference)));
            }
            Self::EmvCpm(c) => {
                e.push((
                    "applications",
                    Json::Arr(c.applications.iter().map(cpm_app).collect()),
                ));
                e.push(("common", c.common.as_ref().map_or(Json::Null, cpm_app)));
            }
            Self::Upi(u) => e.extend([
                ("vpa", s(u.vpa.clone())),
                ("payee_name", opt(u.payee_name.clone())),
                ("amount", opt(u.amount.clone())),
                ("currency", opt(u.currency.clone())),
                ("message", opt(u.note.clone())),
                ("reference", opt(u.reference.clone())),
                ("mcc", opt(u.mcc.clone())),
                ("params", params(&u.params)),
            ]),
            Self::Epc(p) => e.extend([
                ("version", Json::Num(u64::from(p.version))),
                ("encoding", Json::Num(u64::from(p.encoding))),
                ("bic", opt(p.bic)),
                ("name", s(p.name)),
                ("iban", s(p.iban)),
                ("amount", opt(p.amount)),
                ("currency", s("EUR")),
                ("purpose", opt(p.purpose)),
                ("reference", opt(p.reference)),
                ("text", opt(p.text)),
                ("information", opt(p.information)),
            ]),
            Self::SwissQr(p) => e.extend([
                ("iban", s(p.iban)),
                ("bic", Json::Null),
                ("name", s(p.creditor.name)),
                ("creditor", swiss_address(&p.creditor)),
                ("amount", opt(p.amount)),
                ("currency", s(p.currency)),
                (
                    "debtor",
                    p.debtor.as_ref().map_or(Json::Null, swiss_address),
                ),
                ("reference_type", s(p.reference_type)),
                ("reference", opt(p.reference)),
                ("message", opt(p.message)),
                ("bill_information", opt(p.bill_information)),
                (
                    "alternative_schemes",
                    Json::Arr(
                        p.alternative_schemes
                            .iter()
                            .flatten()
                            .map(|a| s(*a))
                            .collect(),
                    ),
                ),
            ]),
            Self::Bip21(b) => e.extend([
                ("address", s(b.address.clone())),
                ("amount", opt(b.amount.clone())),
                ("currency", s("BTC")),
                ("label", opt(b.label.clone())),
                ("message", opt(b.message.clone())),
                ("lightning", opt(b.lightning.clone())),
                ("params", params(&b.params)),
            ]),
            Self::Eip681(p) => e.extend([
                ("address", s(p.address)),
                ("chain_id", opt(p.chain_id)),
                ("function", opt(p.function)),
                ("amount", opt(p.value.clone())),
                ("currency", opt(p.value.as_ref().map(|_| "wei"))),
                ("params", params(&p.params)),
            ]),
            Self::SolanaPay(SolanaPayPayload::Transfer(t)) => e.extend([
                ("kind", s("transfer")),
                ("recipient", s(t.recipient)),
                ("amount", opt(t.amount.clone())),
                (
                    "currency",
                    s(if t.spl_token.is_some() { "SPL" } else { "SOL" }),
                ),
                ("spl_token", opt(t.spl_token.clone())),
                (
                    "references",
                    Json::Arr(t.references.iter().map(|r| s(r.clone())).collect()),
                ),
                ("label", opt(t.label.clone())),
                ("message", opt(t.message.clone())),
                ("memo", opt(t.memo.clone())),
                ("link", Json::Null),
            ]),
            Self::SolanaPay(SolanaPayPayload::TransactionRequest { link }) => e.extend([
                ("kind", s("transaction_request")),
                ("recipient", Json::Null),
                ("link", s(link.clone())),
            ]),
            Self::Lightning(l) => e.extend([
                ("invoice", s(l.invoice)),
                ("network", s(l.network)),
                ("amount_msat", l.amount_msat.map_or(Json::Null, Json::Num)),
                ("timestamp", Json::Num(l.timestamp)),
                ("payment_hash", opt(l.payment_hash.clone())),
                ("description", opt(l.description.clone())),
                ("expiry", l.expiry.map_or(Json::Null, Json::Num)),
            ]),
            Self::Alipay(w) | Self::WechatPay(w) => {
                e.extend([("url", s(w.url)), ("token", s(w.token))])
            }
            Self::PaypalMe(p) => e.extend([
                ("url", s(p.url)),
                ("user", s(p.user)),
                ("amount", opt(p.amount)),
                ("currency", opt(p.currency)),
            ]),
            Self::ImwalletPaycode(c) => {
                e.extend([("device_id", s(c.device_id)), ("time", Json::Num(c.time))])
            }
        }
        obj(e)
    }
}

impl serde::Serialize for PaymentPayload<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl serde::Serialize for QrError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("kind", self.kind.as_str())?;
        m.serialize_entry("message", &self.message)?;
        m.serialize_entry("offset", &self.offset)?;
        m.serialize_entry("tag", &self.tag)?;
        m.end()
    }
}
