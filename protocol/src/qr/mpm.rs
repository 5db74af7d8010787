//! EMVCo Merchant-Presented Mode: parse and validate, zero-copy.
//!
//! One pass over the root fields (templates are walked once, inside that
//! pass); every value is a `&str` borrowed from the input. Validation order:
//!
//! 1. If the payload ends in `6304XXXX`, the CRC-16/CCITT-FALSE over every
//!    byte before `XXXX` must match (`crc_mismatch`), so a corrupted scan is
//!    reported as such rather than as whatever field the corruption hit.
//! 2. Structure: ids and lengths are two digits, lengths count characters,
//!    no value runs past its template (`malformed`); each id once per level
//!    (`duplicate_field`); `00` first with value `01`; `63` last, length 4.
//! 3. Field rules (`invalid_value`), then mandatory fields (`missing_field`)
//!    with the scheme profile's exemptions (see [`super::schemes`]).

use super::crc::crc16;
use super::error::QrError;
use super::schemes::{Scheme, scheme_for_guid};
use super::tlv::{Field, TlvReader, tag_path};
use crate::money::Currency;

/// Point of initiation method (id `01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Initiation {
    /// `11`: the same code for many payments.
    Static,
    /// `12`: a code for one payment.
    Dynamic,
}

impl Initiation {
    /// `static` or `dynamic`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Static => "static",
            Self::Dynamic => "dynamic",
        }
    }
}

/// Tip or convenience fee (ids 55–57).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tip<'a> {
    /// `55=01`: the consumer is prompted for a tip.
    Prompt,
    /// `55=02` with the fixed fee of `56`.
    FixedFee(&'a str),
    /// `55=03` with the percentage of `57`.
    Percentage(&'a str),
}

/// A template (merchant account 26–51, additional data 62, language 64,
/// unreserved 80–99): its id and value, with its sub-fields on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template<'a> {
    /// Template id.
    pub id: u8,
    /// Raw value (the nested TLV text).
    pub value: &'a str,
    value_offset: usize,
    src: &'a str,
    ascii: bool,
}

impl<'a> Template<'a> {
    fn new(src: &'a str, f: &Field<'a>, ascii: bool) -> Self {
        Self {
            id: f.id,
            value: f.value,
            value_offset: f.value_offset,
            src,
            ascii,
        }
    }

    /// Sub-fields in payload order as `(id, value)`.
    pub fn fields(&self) -> impl Iterator<Item = (u8, &'a str)> + use<'a> {
        let field = Field {
            id: self.id,
            value: self.value,
            offset: self.value_offset.saturating_sub(4),
            value_offset: self.value_offset,
        };
        TlvReader::nested(self.src, &field, self.ascii)
            .map_while(|r| r.ok().map(|f| (f.id, f.value)))
    }

    /// The value of sub-field `id`.
    #[must_use]
    pub fn get(&self, id: u8) -> Option<&'a str> {
        self.fields().find(|&(i, _)| i == id).map(|(_, v)| v)
    }

    /// Byte offset of the template's value in the payload.
    #[must_use]
    pub fn value_offset(&self) -> usize {
        self.value_offset
    }

    /// Sub-field `00`: the GUID/AID of an account or unreserved template.
    #[must_use]
    pub fn guid(&self) -> Option<&'a str> {
        self.get(0)
    }
}

/// A merchant account information entry (ids 02–51).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MerchantAccount<'a> {
    /// Ids 02–25: a payment network's merchant id (02–03 Visa, 04–05
    /// Mastercard, 06–08 EMVCo, 09–10 Discover, 11–12 Amex, 13–14 JCB,
    /// 15–16 UnionPay, 17–25 EMVCo reserved).
    Primitive {
        /// The id.
        id: u8,
        /// The network's merchant identifier.
        value: &'a str,
    },
    /// Ids 26–51: a template whose sub-field `00` is a GUID/AID.
    Template(Template<'a>),
}

impl<'a> MerchantAccount<'a> {
    /// The field id.
    #[must_use]
    pub fn id(&self) -> u8 {
        match self {
            Self::Primitive { id, .. } => *id,
            Self::Template(t) => t.id,
        }
    }

    /// The GUID/AID of a template account.
    #[must_use]
    pub fn guid(&self) -> Option<&'a str> {
        match self {
            Self::Primitive { .. } => None,
            Self::Template(t) => t.guid(),
        }
    }
}

/// The PIX fields of a BR Code (template with GUID `br.gov.bcb.pix`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixDetails<'a> {
    /// `01`: the PIX key (static codes).
    pub key: Option<&'a str>,
    /// `02`: free-text description.
    pub description: Option<&'a str>,
    /// `25`: the PSP location URL (dynamic codes), without scheme.
    pub url: Option<&'a str>,
    /// `62.05`: the transaction id (`***` when none).
    pub txid: Option<&'a str>,
}

/// Merchant information in an alternate language (template 64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LanguageTemplate<'a> {
    /// `00`: ISO 639 language code.
    pub language: &'a str,
    /// `01`: merchant name in that language.
    pub merchant_name: &'a str,
    /// `02`: merchant city in that language.
    pub merchant_city: Option<&'a str>,
}

/// Bit set of generic-mandatory fields that were absent but exempted by the
/// scheme profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exemptions(u8);

impl Exemptions {
    const IDS: [u8; 3] = [52, 59, 60];

    fn insert(&mut self, id: u8) {
        if let Some(i) = Self::IDS.iter().position(|&x| x == id) {
            self.0 |= 1 << i;
        }
    }

    /// Whether no exemption was applied.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The exempted field ids, e.g. `["52", "59"]`.
    pub fn ids(self) -> impl Iterator<Item = &'static str> {
        const NAMES: [&str; 3] = ["52", "59", "60"];
        (0..3)
            .filter(move |i| self.0 & (1 << i) != 0)
            .map(|i| NAMES[i])
    }
}

/// A validated EMVCo MPM payload; every string borrows from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MpmPayload<'a> {
    src: &'a str,
    ascii: bool,
    /// `01`: static or dynamic, if given.
    pub initiation: Option<Initiation>,
    /// `52`: merchant category code (absent only under a profile exemption).
    pub merchant_category_code: Option<&'a str>,
    /// `53`: ISO 4217 numeric currency code.
    pub currency_numeric: &'a str,
    /// `54`: the amount as written in the payload.
    pub amount: Option<&'a str>,
    /// `55`–`57`: tip or convenience fee.
    pub tip: Option<Tip<'a>>,
    /// `58`: ISO 3166-1 alpha-2 country code.
    pub country: &'a str,
    /// `59`: merchant name (absent only under a profile exemption).
    pub merchant_name: Option<&'a str>,
    /// `60`: merchant city (absent only under a profile exemption).
    pub merchant_city: Option<&'a str>,
    /// `61`: postal code.
    pub postal_code: Option<&'a str>,
    /// `62`: additional data template.
    pub additional_data: Option<Template<'a>>,
    /// `64`: merchant information in an alternate language.
    pub language: Option<LanguageTemplate<'a>>,
    /// `63`: the CRC as written (upper or lower case hex).
    pub crc: &'a str,
    /// The scheme recognised from the account templates.
    pub scheme: Option<Scheme>,
    /// Mandatory fields the scheme profile allowed to be absent.
    pub exemptions: Exemptions,
    /// The first account template with the PIX GUID (found during the walk).
    pix_account: Option<Template<'a>>,
    /// The first account template with the wallet's own GUID.
    wallet_account: Option<Template<'a>>,
}

impl<'a> MpmPayload<'a> {
    /// The payload text.
    #[must_use]
    pub fn as_str(&self) -> &'a str {
        self.src
    }

    fn root(&self) -> impl Iterator<Item = Field<'a>> + use<'a> {
        TlvReader::new(self.src, 0, self.src.len(), self.ascii, None).map_while(Result::ok)
    }

    /// Merchant account information entries (ids 02–51) in payload order.
    pub fn accounts(&self) -> impl Iterator<Item = MerchantAccount<'a>> + use<'a> {
        let (src, ascii) = (self.src, self.ascii);
        self.root().filter_map(move |f| match f.id {
            2..=25 => Some(MerchantAccount::Primitive {
                id: f.id,
                value: f.value,
            }),
            26..=51 => Some(MerchantAccount::Template(Template::new(src, &f, ascii))),
            _ => None,
        })
    }

    /// The first account template whose GUID equals `guid` (case-insensitive).
    #[must_use]
    pub fn account_with_guid(&self, guid: &str) -> Option<Template<'a>> {
        self.accounts().find_map(|a| match a {
            MerchantAccount::Template(t)
                if t.guid().is_some_and(|g| g.eq_ignore_ascii_case(guid)) =>
            {
                Some(t)
            }
            _ => None,
        })
    }

    /// Unreserved templates (ids 80–99).
    pub fn unreserved(&self) -> impl Iterator<Item = Template<'a>> + use<'a> {
        let (src, ascii) = (self.src, self.ascii);
        self.root()
            .filter(|f| f.id >= 80)
            .map(move |f| Template::new(src, &f, ascii))
    }

    /// Fields reserved for future EMVCo use (ids 65–79), kept verbatim.
    pub fn reserved(&self) -> impl Iterator<Item = (u8, &'a str)> + use<'a> {
        self.root()
            .filter(|f| (65..=79).contains(&f.id))
            .map(|f| (f.id, f.value))
    }

    /// The PIX fields, when the scheme is PIX.
    #[must_use]
    pub fn pix(&self) -> Option<PixDetails<'a>> {
        let t = self.pix_account?;
        let mut d = PixDetails {
            key: None,
            description: None,
            url: None,
            txid: self.additional_data.and_then(|a| a.get(5)),
        };
        for (id, v) in t.fields() {
            match id {
                1 => d.key = Some(v),
                2 => d.description = Some(v),
                25 => d.url = Some(v),
                _ => {}
            }
        }
        Some(d)
    }

    /// The account template carrying the wallet's own GUID
    /// ([`WALLET_GUID`]), if any: the payload is a wallet receive code.
    #[must_use]
    pub fn wallet_account(&self) -> Option<Template<'a>> {
        self.wallet_account
    }
}

/// The wallet's own GUID in a merchant account template (receive codes).
pub const WALLET_GUID: &str = "im.wallet.receive";

#[inline]
fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[inline]
fn char_len(s: &str, ascii: bool) -> usize {
    if ascii { s.len() } else { s.chars().count() }
}

/// How the payload's text was classified once, up front: ASCII (a char is
/// a byte) and free of control characters (per-value scans are skipped).
#[derive(Clone, Copy)]
struct Text {
    ascii: bool,
    clean: bool,
}

/// Whether every byte is printable ASCII (0x20..=0x7E). Branch-free inner
/// loop over 32-byte blocks so it vectorises.
fn is_printable_ascii(bytes: &[u8]) -> bool {
    for block in bytes.chunks(32) {
        let mut bad = 0u8;
        for &b in block {
            bad |= u8::from(b.wrapping_sub(0x20) >= 0x5F);
        }
        if bad != 0 {
            return false;
        }
    }
    true
}

/// Values may hold any character but a control character.
#[inline]
fn has_control(s: &str, t: Text) -> bool {
    if t.clean {
        false
    } else if t.ascii {
        s.bytes().any(|b| b < 0x20 || b == 0x7F)
    } else {
        s.chars().any(char::is_control)
    }
}

/// Checks length (in characters) and control characters; `parent` names
/// the enclosing template for the error tag, built only on error.
fn check_text(f: &Field<'_>, parent: Option<u8>, max: usize, t: Text) -> Result<(), QrError> {
    if char_len(f.value, t.ascii) > max {
        return Err(QrError::invalid(
            f.offset,
            tag_path(parent, f.id),
            format!("longer than {max} characters"),
        ));
    }
    if has_control(f.value, t) {
        return Err(QrError::invalid(
            f.offset,
            tag_path(parent, f.id),
            "contains a control character",
        ));
    }
    Ok(())
}

/// An EMV amount: digits with at most one `.` followed by digits, ≤ 13 chars.
pub(crate) fn is_emv_amount(s: &str) -> bool {
    if s.is_empty() || s.len() > 13 {
        return false;
    }
    match s.split_once('.') {
        None => is_digits(s),
        Some((int, frac)) => is_digits(int) && is_digits(frac),
    }
}

fn is_zero_amount(s: &str) -> bool {
    s.bytes().all(|b| b == b'0' || b == b'.')
}

/// Walks a template, checking duplicates, control characters and, when
/// `guid_required`, the presence of sub-field `00` (at most 32 chars).
/// Calls `each` for every sub-field.
fn walk_template<'a>(
    src: &'a str,
    f: &Field<'a>,
    t: Text,
    guid_required: bool,
    mut each: impl FnMut(&Field<'a>) -> Result<(), QrError>,
) -> Result<Option<&'a str>, QrError> {
    let mut seen: u128 = 0;
    let mut guid = None;
    let mut r = TlvReader::nested(src, f, t.ascii);
    while let Some(sub) = r.advance() {
        let bit = 1u128 << sub.id;
        if seen & bit != 0 {
            return Err(QrError::duplicate(
                sub.offset,
                tag_path(Some(f.id), sub.id),
                "sub-field appears twice",
            ));
        }
        seen |= bit;
        if has_control(sub.value, t) {
            return Err(QrError::invalid(
                sub.offset,
                tag_path(Some(f.id), sub.id),
                "contains a control character",
            ));
        }
        if sub.id == 0 {
            guid = Some(sub.value);
            if guid_required && char_len(sub.value, t.ascii) > 32 {
                return Err(QrError::invalid(
                    sub.offset,
                    tag_path(Some(f.id), sub.id),
                    "globally unique identifier longer than 32 characters",
                ));
            }
        }
        each(&sub)?;
    }
    if let Some(e) = r.take_error() {
        return Err(*e);
    }
    if guid_required && guid.is_none() {
        return Err(QrError::missing(
            f.value_offset,
            tag_path(Some(f.id), 0),
            "template has no globally unique identifier (sub-field 00)",
        ));
    }
    Ok(guid)
}

/// Parses and validates an EMVCo MPM payload.
///
/// # Errors
/// A [`QrError`] naming the kind, byte offset and field of the first
/// problem found (see the module doc for the order).
pub fn parse_mpm(src: &str) -> Result<MpmPayload<'_>, QrError> {
    let bytes = src.as_bytes();
    let n = bytes.len();
    // One pass for the common case: printable ASCII only.
    let printable = is_printable_ascii(bytes);
    let ascii = printable || src.is_ascii();
    let t = Text {
        ascii,
        clean: printable,
    };

    // 1. CRC first when the trailer is where it belongs.
    if n >= 8 && &bytes[n - 8..n - 4] == b"6304" {
        let Some(expected) = parse_hex4(&bytes[n - 4..]) else {
            return Err(QrError::invalid(n - 8, "63", "CRC is not four hex digits"));
        };
        let actual = crc16(&bytes[..n - 4]);
        if expected != actual {
            return Err(QrError::checksum(
                n - 8,
                "63",
                format!("CRC is {expected:04X} but the payload computes to {actual:04X}"),
            ));
        }
    }

    // 2. One pass over the root fields.
    let mut seen: u128 = 0;
    let mut first = true;
    let mut crc: Option<Field<'_>> = None;
    let mut poi = None;
    let (mut f52, mut f53, mut f54, mut f55, mut f56, mut f57) =
        (None, None, None, None, None, None);
    let (mut f58, mut f59, mut f60, mut f61, mut f62, mut f64) =
        (None, None, None, None, None, None);
    let mut has_account = false;
    let (mut pix_account, mut wallet_account) = (None, None);
    let mut scheme: Option<Scheme> = None;
    let mut consider = |s: Option<Scheme>| {
        if let Some(s) = s
            && scheme.is_none_or(|cur| s.priority() < cur.priority())
        {
            scheme = Some(s);
        }
    };

    let mut reader = TlvReader::new(src, 0, n, ascii, None);
    while let Some(f) = reader.advance() {
        if first {
            first = false;
            if f.id != 0 {
                return Err(QrError::missing(
                    0,
                    "00",
                    "payload format indicator (00) must be the first field",
                ));
            }
        }
        let bit = 1u128 << f.id;
        if seen & bit != 0 {
            return Err(QrError::duplicate(
                f.offset,
                tag_path(None, f.id),
                "field appears twice",
            ));
        }
        seen |= bit;
        if crc.is_some() {
            return Err(QrError::invalid(
                f.offset,
                "63",
                "CRC (63) must be the last field",
            ));
        }
        match f.id {
            0 => {
                if f.value != "01" {
                    return Err(QrError::invalid(
                        f.offset,
                        "00",
                        "payload format indicator must be 01",
                    ));
                }
            }
            1 => poi = Some(f),
            2..=25 => {
                has_account = true;
                check_text(&f, None, 99, t)?;
                if matches!(f.id, 15 | 16) {
                    consider(Some(Scheme::UnionPay));
                }
            }
            26..=51 => {
                has_account = true;
                let (mut key, mut url) = (None, None);
                let guid = walk_template(src, &f, t, true, |sub| {
                    match sub.id {
                        1 => key = Some(sub.value),
                        25 => url = Some(sub.value),
                        _ => {}
                    }
                    Ok(())
                })?;
                if let Some(g) = guid {
                    let s = scheme_for_guid(g);
                    if s == Some(Scheme::Pix) && pix_account.is_none() {
                        check_pix(&f, key, url)?;
                        pix_account = Some(Template::new(src, &f, ascii));
                    } else if s.is_none()
                        && wallet_account.is_none()
                        && g.eq_ignore_ascii_case(WALLET_GUID)
                    {
                        wallet_account = Some(Template::new(src, &f, ascii));
                    }
                    consider(s);
                }
            }
            52 => f52 = Some(f),
            53 => f53 = Some(f),
            54 => f54 = Some(f),
            55 => f55 = Some(f),
            56 => f56 = Some(f),
            57 => f57 = Some(f),
            58 => f58 = Some(f),
            59 => f59 = Some(f),
            60 => f60 = Some(f),
            61 => f61 = Some(f),
            62 => {
                walk_template(src, &f, t, false, |sub| check_additional_data(sub, t))?;
                f62 = Some(f);
            }
            63 => {
                if f.value.len() != 4 || f.value_offset + 4 != n {
                    return Err(QrError::invalid(
                        f.offset,
                        "63",
                        "CRC (63) must be the last field, four hex digits",
                    ));
                }
                crc = Some(f);
            }
            64 => f64 = Some(f),
            65..=79 => check_text(&f, None, 99, t)?,
            _ => {
                // 80..=99: unreserved templates carry a GUID in 00.
                let guid = walk_template(src, &f, t, true, |_| Ok(()))?;
                consider(guid.and_then(scheme_for_guid));
            }
        }
    }
    if let Some(e) = reader.take_error() {
        return Err(*e);
    }
    if first {
        return Err(QrError::missing(0, "00", "empty payload"));
    }
    let Some(crc) = crc else {
        return Err(QrError::missing(n, "63", "no CRC (6304…) at the end"));
    };

    // 3. Field rules.
    let initiation = match poi {
        None => None,
        Some(f) => match f.value {
            "11" => Some(Initiation::Static),
            "12" => Some(Initiation::Dynamic),
            _ => {
                return Err(QrError::invalid(
                    f.offset,
                    "01",
                    "point of initiation must be 11 (static) or 12 (dynamic)",
                ));
            }
        },
    };
    if let Some(f) = f52
        && (f.value.len() != 4 || !is_digits(f.value))
    {
        return Err(QrError::invalid(
            f.offset,
            "52",
            "merchant category code must be 4 digits",
        ));
    }
    if let Some(f) = f53
        && (f.value.len() != 3 || !is_digits(f.value))
    {
        return Err(QrError::invalid(
            f.offset,
            "53",
            "currency must be 3 digits (ISO 4217)",
        ));
    }
    if let Some(f) = f54 {
        if !is_emv_amount(f.value) {
            return Err(QrError::invalid(
                f.offset,
                "54",
                "amount must be digits with an optional '.' decimal part, at most 13 characters",
            ));
        }
        if is_zero_amount(f.value) {
            return Err(QrError::invalid(f.offset, "54", "amount must not be zero"));
        }
        let decimals = f.value.split_once('.').map_or(0, |(_, d)| d.len());
        let exponent = f53
            .and_then(|c| c.value.parse::<u16>().ok())
            .and_then(Currency::from_numeric)
            .map(Currency::exponent);
        if let Some(e) = exponent
            && decimals > usize::from(e)
        {
            return Err(QrError::invalid(
                f.offset,
                "54",
                format!("amount has more than {e} decimals for its currency"),
            ));
        }
    }
    let tip = check_tip(f55, f56, f57)?;
    if let Some(f) = f58
        && (f.value.len() != 2 || !f.value.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(QrError::invalid(
            f.offset,
            "58",
            "country must be two upper-case letters (ISO 3166-1)",
        ));
    }
    if let Some(f) = &f59 {
        check_text(f, None, 25, t)?;
    }
    if let Some(f) = &f60 {
        check_text(f, None, 15, t)?;
    }
    if let Some(f) = &f61 {
        check_text(f, None, 10, t)?;
    }
    let language = match f64 {
        None => None,
        Some(f) => Some(check_language(src, &f, t)?),
    };

    // 4. Mandatory fields, with the scheme profile's exemptions.
    if !has_account {
        return Err(QrError::missing(
            n,
            "02-51",
            "no merchant account information (ids 02–51)",
        ));
    }
    let exempt = scheme.map_or(&[][..], Scheme::exempt_fields);
    let mut exemptions = Exemptions::default();
    for (id, present) in [
        (52u8, f52.is_some()),
        (53, f53.is_some()),
        (58, f58.is_some()),
        (59, f59.is_some()),
        (60, f60.is_some()),
    ] {
        if !present {
            if exempt.contains(&id) {
                exemptions.insert(id);
            } else {
                return Err(QrError::missing(n, tag_path(None, id), mandatory_name(id)));
            }
        }
    }
    let (Some(currency), Some(country)) = (f53, f58) else {
        return Err(QrError::missing(n, "53", mandatory_name(53)));
    };

    let payload = MpmPayload {
        src,
        ascii,
        initiation,
        merchant_category_code: f52.map(|f| f.value),
        currency_numeric: currency.value,
        amount: f54.map(|f| f.value),
        tip,
        country: country.value,
        merchant_name: f59.map(|f| f.value),
        merchant_city: f60.map(|f| f.value),
        postal_code: f61.map(|f| f.value),
        additional_data: f62.map(|f| Template::new(src, &f, ascii)),
        language,
        crc: crc.value,
        scheme,
        exemptions,
        pix_account,
        wallet_account,
    };
    Ok(payload)
}

fn mandatory_name(id: u8) -> &'static str {
    match id {
        52 => "merchant category code (52) is mandatory",
        53 => "transaction currency (53) is mandatory",
        58 => "country code (58) is mandatory",
        59 => "merchant name (59) is mandatory",
        _ => "merchant city (60) is mandatory",
    }
}

fn parse_hex4(b: &[u8]) -> Option<u16> {
    let mut v: u16 = 0;
    for &c in b {
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'A'..=b'F' => c - b'A' + 10,
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        v = (v << 4) | u16::from(d);
    }
    Some(v)
}

fn check_tip<'a>(
    f55: Option<Field<'a>>,
    f56: Option<Field<'a>>,
    f57: Option<Field<'a>>,
) -> Result<Option<Tip<'a>>, QrError> {
    let tip = match f55 {
        None => None,
        Some(f) => Some(match f.value {
            "01" => Tip::Prompt,
            "02" => {
                let Some(fee) = f56 else {
                    return Err(QrError::missing(
                        f.offset,
                        "56",
                        "tip indicator 02 needs a fixed convenience fee (56)",
                    ));
                };
                if !is_emv_amount(fee.value) || is_zero_amount(fee.value) {
                    return Err(QrError::invalid(
                        fee.offset,
                        "56",
                        "fixed fee must be a non-zero amount",
                    ));
                }
                Tip::FixedFee(fee.value)
            }
            "03" => {
                let Some(pct) = f57 else {
                    return Err(QrError::missing(
                        f.offset,
                        "57",
                        "tip indicator 03 needs a convenience fee percentage (57)",
                    ));
                };
                let ok = pct.value.len() <= 5
                    && is_emv_amount(pct.value)
                    && !is_zero_amount(pct.value)
                    && pct.value.split('.').next().is_some_and(|i| i.len() <= 2);
                if !ok {
                    return Err(QrError::invalid(
                        pct.offset,
                        "57",
                        "percentage must be between 00.01 and 99.99",
                    ));
                }
                Tip::Percentage(pct.value)
            }
            _ => {
                return Err(QrError::invalid(
                    f.offset,
                    "55",
                    "tip or convenience indicator must be 01, 02 or 03",
                ));
            }
        }),
    };
    let needs56 = matches!(tip, Some(Tip::FixedFee(_)));
    let needs57 = matches!(tip, Some(Tip::Percentage(_)));
    if let Some(f) = f56
        && !needs56
    {
        return Err(QrError::invalid(
            f.offset,
            "56",
            "fixed fee (56) present without indicator 55=02",
        ));
    }
    if let Some(f) = f57
        && !needs57
    {
        return Err(QrError::invalid(
            f.offset,
            "57",
            "percentage (57) present without indicator 55=03",
        ));
    }
    Ok(tip)
}

fn check_additional_data(sub: &Field<'_>, t: Text) -> Result<(), QrError> {
    let ok = match sub.id {
        1..=8 => char_len(sub.value, t.ascii) <= 25,
        9 => {
            sub.value.len() <= 3 && sub.value.bytes().all(|b| matches!(b, b'A' | b'M' | b'E')) && {
                let b = sub.value.as_bytes();
                (0..b.len()).all(|i| !b[i + 1..].contains(&b[i]))
            }
        }
        10 => char_len(sub.value, t.ascii) <= 20,
        11 => sub.value.len() == 3,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(QrError::invalid(
            sub.offset,
            tag_path(Some(62), sub.id),
            additional_rule(sub.id),
        ))
    }
}

fn additional_rule(id: u8) -> &'static str {
    match id {
        9 => "additional consumer data request must be up to three distinct letters of A, M, E",
        10 => "merchant tax id longer than 20 characters",
        11 => "merchant channel must be 3 characters",
        _ => "longer than 25 characters",
    }
}

fn check_language<'a>(
    src: &'a str,
    f: &Field<'a>,
    t: Text,
) -> Result<LanguageTemplate<'a>, QrError> {
    let (mut lang, mut name, mut city) = (None, None, None);
    walk_template(src, f, t, false, |sub| {
        match sub.id {
            0 => {
                if sub.value.len() != 2 || !sub.value.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(QrError::invalid(
                        sub.offset,
                        "64.00",
                        "language must be 2 letters (ISO 639)",
                    ));
                }
                lang = Some(sub.value);
            }
            1 => {
                check_text(sub, Some(64), 25, t)?;
                name = Some(sub.value);
            }
            2 => {
                check_text(sub, Some(64), 15, t)?;
                city = Some(sub.value);
            }
            _ => {}
        }
        Ok(())
    })?;
    let Some(language) = lang else {
        return Err(QrError::missing(
            f.value_offset,
            "64.00",
            "language template needs a language (00)",
        ));
    };
    let Some(merchant_name) = name else {
        return Err(QrError::missing(
            f.value_offset,
            "64.01",
            "language template needs an alternate merchant name (01)",
        ));
    };
    Ok(LanguageTemplate {
        language,
        merchant_name,
        merchant_city: city,
    })
}

/// PIX profile rules on the first PIX account template.
fn check_pix(f: &Field<'_>, key: Option<&str>, url: Option<&str>) -> Result<(), QrError> {
    if key.is_some() && url.is_some() {
        return Err(QrError::invalid(
            f.value_offset,
            format!("{:02}.25", f.id),
            "PIX template carries both a key (01) and a dynamic URL (25)",
        ));
    }
    if let Some(k) = key
        && k.len() > 77
        && k.chars().count() > 77
    {
        return Err(QrError::invalid(
            f.value_offset,
            format!("{:02}.01", f.id),
            "PIX key longer than 77 characters",
        ));
    }
    Ok(())
}
