//! EPC069-12 "Quick Response Code: guidelines to enable data capture for
//! the initiation of a SEPA credit transfer" (the "GiroCode"): lines
//! separated by LF or CRLF, at most 331 bytes.
//!
//! | line | content | rule |
//! |---|---|---|
//! | 1 | `BCD` | service tag |
//! | 2 | `001` / `002` | version |
//! | 3 | `1`–`8` | character set (1 = UTF-8) |
//! | 4 | `SCT` | identification |
//! | 5 | BIC | mandatory in 001, optional in 002; 8 or 11 characters |
//! | 6 | name | mandatory, ≤ 70 |
//! | 7 | IBAN | mandatory, mod-97 verified |
//! | 8 | `EUR` amount | optional, 0.01–999999999.99 |
//! | 9 | purpose | optional, ≤ 4 |
//! | 10 | structured reference | ≤ 35; not together with line 11 |
//! | 11 | unstructured text | ≤ 140 |
//! | 12 | beneficiary to originator information | ≤ 70 |

use super::error::QrError;
use super::iban::check_iban;
use super::uri::is_decimal;

/// A validated EPC SEPA credit transfer code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EpcPayload<'a> {
    /// 1 or 2.
    pub version: u8,
    /// Character set 1–8 (1 = UTF-8, 2 = ISO 8859-1, …).
    pub encoding: u8,
    /// BIC of the beneficiary's bank.
    pub bic: Option<&'a str>,
    /// Beneficiary name.
    pub name: &'a str,
    /// Beneficiary IBAN.
    pub iban: &'a str,
    /// Amount in euro as written (without `EUR`).
    pub amount: Option<&'a str>,
    /// Purpose code.
    pub purpose: Option<&'a str>,
    /// Structured creditor reference.
    pub reference: Option<&'a str>,
    /// Unstructured remittance text.
    pub text: Option<&'a str>,
    /// Beneficiary-to-originator information.
    pub information: Option<&'a str>,
}

/// Splits into lines with their byte offsets (LF or CRLF).
pub(crate) fn lines(input: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in input.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        out.push((pos, line));
        pos += raw.len() + 1;
    }
    // A final line break does not start another line.
    if out.len() > 1 && out.last().is_some_and(|(_, l)| l.is_empty()) {
        out.pop();
    }
    out
}

const NAMES: [&str; 12] = [
    "service_tag",
    "version",
    "encoding",
    "identification",
    "bic",
    "name",
    "iban",
    "amount",
    "purpose",
    "reference",
    "text",
    "information",
];

fn is_bic(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// Parses an EPC QR code payload.
///
/// # Errors
/// [`QrError`] naming the line (`tag`) and its byte offset.
pub fn parse_epc(input: &str) -> Result<EpcPayload<'_>, QrError> {
    if input.len() > 331 {
        return Err(QrError::invalid(
            331,
            "payload",
            "EPC payload longer than 331 bytes",
        ));
    }
    let ls = lines(input);
    if ls.len() > 12 {
        return Err(QrError::malformed(ls[12].0, None, "more than 12 lines"));
    }
    let line = |i: usize| ls.get(i).map(|&(o, l)| (o, l));
    let opt = |i: usize| line(i).map(|(_, l)| l).filter(|l| !l.is_empty());
    let need = |i: usize| -> Result<(usize, &str), QrError> {
        match line(i) {
            Some((o, l)) if !l.is_empty() => Ok((o, l)),
            Some((o, _)) => Err(QrError::missing(
                o,
                NAMES[i],
                format!("{} is mandatory", NAMES[i]),
            )),
            None => Err(QrError::missing(
                input.len(),
                NAMES[i],
                format!("{} is mandatory", NAMES[i]),
            )),
        }
    };
    let (o, tag) = need(0)?;
    if tag != "BCD" {
        return Err(QrError::invalid(o, NAMES[0], "service tag must be BCD"));
    }
    let (o, v) = need(1)?;
    let version = match v {
        "001" => 1,
        "002" => 2,
        _ => return Err(QrError::invalid(o, NAMES[1], "version must be 001 or 002")),
    };
    let (o, e) = need(2)?;
    let encoding = match e.parse::<u8>() {
        Ok(n @ 1..=8) if e.len() == 1 => n,
        _ => return Err(QrError::invalid(o, NAMES[2], "character set must be 1–8")),
    };
    let (o, id) = need(3)?;
    if id != "SCT" {
        return Err(QrError::invalid(o, NAMES[3], "identification must be SCT"));
    }
    let bic = if version == 1 {
        Some(need(4)?.1)
    } else {
        opt(4)
    };
    if let Some(b) = bic
        && !is_bic(b)
    {
        return Err(QrError::invalid(
            line(4).map_or(0, |l| l.0),
            NAMES[4],
            "BIC must be 8 or 11 characters",
        ));
    }
    let (o, name) = need(5)?;
    if name.chars().count() > 70 {
        return Err(QrError::invalid(
            o,
            NAMES[5],
            "name longer than 70 characters",
        ));
    }
    let (o, iban) = need(6)?;
    check_iban(iban, o, NAMES[6])?;
    let amount = match opt(7) {
        None => None,
        Some(a) => {
            let o = line(7).map_or(0, |l| l.0);
            let Some(value) = a.strip_prefix("EUR") else {
                return Err(QrError::invalid(o, NAMES[7], "amount must start with EUR"));
            };
            let ok = is_decimal(value, 2)
                && value.split('.').next().is_some_and(|i| i.len() <= 9)
                && !value.bytes().all(|b| b == b'0' || b == b'.');
            if !ok {
                return Err(QrError::invalid(
                    o,
                    NAMES[7],
                    "amount must be EUR0.01 to EUR999999999.99",
                ));
            }
            Some(value)
        }
    };
    let purpose = opt(8);
    if let Some(p) = purpose
        && (p.len() > 4 || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(QrError::invalid(
            line(8).map_or(0, |l| l.0),
            NAMES[8],
            "purpose must be up to 4 letters or digits",
        ));
    }
    let (reference, text) = (opt(9), opt(10));
    if let Some(r) = reference
        && r.chars().count() > 35
    {
        return Err(QrError::invalid(
            line(9).map_or(0, |l| l.0),
            NAMES[9],
            "reference longer than 35 characters",
        ));
    }
    if let Some(t) = text {
        let o = line(10).map_or(0, |l| l.0);
        if reference.is_some() {
            return Err(QrError::invalid(
                o,
                NAMES[10],
                "a structured reference and a text cannot both be given",
            ));
        }
        if t.chars().count() > 140 {
            return Err(QrError::invalid(
                o,
                NAMES[10],
                "text longer than 140 characters",
            ));
        }
    }
    let information = opt(11);
    if let Some(i) = information
        && i.chars().count() > 70
    {
        return Err(QrError::invalid(
            line(11).map_or(0, |l| l.0),
            NAMES[11],
            "information longer than 70 characters",
        ));
    }
    Ok(EpcPayload {
        version,
        encoding,
        bic,
        name,
        iban,
        amount,
        purpose,
        reference,
        text,
        information,
    })
}
