//! Swiss QR-bill (SIX "Swiss Implementation Guidelines for the QR-bill",
//! version 2.x): `SPC`, `0200`, coding `1`, then fixed lines ending with
//! the trailer `EPD`, optional billing information and up to two
//! alternative schemes; at most 997 characters.
//!
//! Rules checked: CH/LI IBAN with mod-97; creditor address (type `S`
//! structured or `K` combined); the ultimate-creditor block is reserved and
//! must be empty; amount 0.01–999999999.99; currency CHF or EUR; reference
//! type `QRR` exactly when the IBAN is a QR-IBAN (IID 30000–31999), `QRR`
//! references are 27 digits with the recursive mod-10 check digit, `SCOR`
//! references are ISO 11649 (`RF`, mod 97), `NON` has no reference.

use super::epc::lines;
use super::error::QrError;
use super::iban::{check_iban, is_qr_iban, mod97};
use super::uri::is_decimal;

/// A creditor or debtor address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwissAddress<'a> {
    /// `S` (structured) or `K` (combined address lines).
    pub kind: &'a str,
    /// Name.
    pub name: &'a str,
    /// Street (S) or address line 1 (K).
    pub line1: Option<&'a str>,
    /// Building number (S) or address line 2 (K).
    pub line2: Option<&'a str>,
    /// Postal code (S only).
    pub postal_code: Option<&'a str>,
    /// Town (S only).
    pub town: Option<&'a str>,
    /// ISO 3166-1 alpha-2 country.
    pub country: &'a str,
}

/// A validated Swiss QR-bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwissQrPayload<'a> {
    /// Creditor account (IBAN or QR-IBAN).
    pub iban: &'a str,
    /// Creditor.
    pub creditor: SwissAddress<'a>,
    /// Amount as written (absent: the payer enters it).
    pub amount: Option<&'a str>,
    /// `CHF` or `EUR`.
    pub currency: &'a str,
    /// Ultimate debtor, if given.
    pub debtor: Option<SwissAddress<'a>>,
    /// `QRR`, `SCOR` or `NON`.
    pub reference_type: &'a str,
    /// The reference (absent for `NON`).
    pub reference: Option<&'a str>,
    /// Unstructured message.
    pub message: Option<&'a str>,
    /// Structured billing information (`//S1/…`).
    pub bill_information: Option<&'a str>,
    /// Alternative schemes (at most two).
    pub alternative_schemes: [Option<&'a str>; 2],
}

const NAMES: [&str; 34] = [
    "qr_type",
    "version",
    "coding",
    "iban",
    "creditor.kind",
    "creditor.name",
    "creditor.line1",
    "creditor.line2",
    "creditor.postal_code",
    "creditor.town",
    "creditor.country",
    "ultimate_creditor.kind",
    "ultimate_creditor.name",
    "ultimate_creditor.line1",
    "ultimate_creditor.line2",
    "ultimate_creditor.postal_code",
    "ultimate_creditor.town",
    "ultimate_creditor.country",
    "amount",
    "currency",
    "debtor.kind",
    "debtor.name",
    "debtor.line1",
    "debtor.line2",
    "debtor.postal_code",
    "debtor.town",
    "debtor.country",
    "reference_type",
    "reference",
    "message",
    "trailer",
    "bill_information",
    "alternative_scheme",
    "alternative_scheme",
];

struct Lines<'a> {
    ls: Vec<(usize, &'a str)>,
    end: usize,
}

impl<'a> Lines<'a> {
    fn at(&self, i: usize) -> (usize, &'a str) {
        self.ls.get(i).copied().unwrap_or((self.end, ""))
    }
    fn opt(&self, i: usize) -> Option<&'a str> {
        Some(self.at(i).1).filter(|l| !l.is_empty())
    }
    fn need(&self, i: usize) -> Result<&'a str, QrError> {
        let (o, l) = self.at(i);
        if l.is_empty() {
            Err(QrError::missing(
                o,
                NAMES[i],
                format!("{} is mandatory", NAMES[i]),
            ))
        } else {
            Ok(l)
        }
    }
    fn max(&self, i: usize, max: usize) -> Result<(), QrError> {
        let (o, l) = self.at(i);
        if l.chars().count() > max {
            Err(QrError::invalid(
                o,
                NAMES[i],
                format!("longer than {max} characters"),
            ))
        } else {
            Ok(())
        }
    }
    fn invalid(&self, i: usize, msg: &str) -> QrError {
        QrError::invalid(self.at(i).0, NAMES[i], msg)
    }
}

fn address<'a>(
    l: &Lines<'a>,
    base: usize,
    optional: bool,
) -> Result<Option<SwissAddress<'a>>, QrError> {
    if optional && (base..base + 7).all(|i| l.opt(i).is_none()) {
        return Ok(None);
    }
    let kind = l.need(base)?;
    if kind != "S" && kind != "K" {
        return Err(l.invalid(base, "address type must be S or K"));
    }
    let name = l.need(base + 1)?;
    l.max(base + 1, 70)?;
    l.max(base + 2, 70)?;
    if kind == "S" {
        l.max(base + 3, 16)?;
        l.need(base + 4)?;
        l.max(base + 4, 16)?;
        l.need(base + 5)?;
        l.max(base + 5, 35)?;
    } else {
        l.need(base + 3)?;
        l.max(base + 3, 70)?;
        for i in [base + 4, base + 5] {
            if l.opt(i).is_some() {
                return Err(l.invalid(
                    i,
                    "combined (K) addresses have no separate postal code or town",
                ));
            }
        }
    }
    let country = l.need(base + 6)?;
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(l.invalid(base + 6, "country must be two upper-case letters"));
    }
    Ok(Some(SwissAddress {
        kind,
        name,
        line1: l.opt(base + 2),
        line2: l.opt(base + 3),
        postal_code: l.opt(base + 4),
        town: l.opt(base + 5),
        country,
    }))
}

/// Recursive mod-10 check digit of QR references (and ISR).
fn mod10_recursive(digits: &[u8]) -> u8 {
    const TABLE: [u8; 10] = [0, 9, 4, 6, 8, 2, 7, 1, 3, 5];
    let mut carry = 0u8;
    for &d in digits {
        carry = TABLE[usize::from((carry + (d - b'0')) % 10)];
    }
    (10 - carry) % 10
}

/// Parses a Swiss QR-bill payload.
///
/// # Errors
/// [`QrError`] naming the line (`tag`, e.g. `creditor.name`) and its offset.
pub fn parse_swiss(input: &str) -> Result<SwissQrPayload<'_>, QrError> {
    if input.chars().count() > 997 {
        return Err(QrError::invalid(
            0,
            "payload",
            "QR-bill longer than 997 characters",
        ));
    }
    let l = Lines {
        ls: lines(input),
        end: input.len(),
    };
    if l.ls.len() > 34 {
        return Err(QrError::malformed(l.ls[34].0, None, "more than 34 lines"));
    }
    if l.need(0)? != "SPC" {
        return Err(l.invalid(0, "QR type must be SPC"));
    }
    if l.need(1)? != "0200" {
        return Err(l.invalid(1, "version must be 0200"));
    }
    if l.need(2)? != "1" {
        return Err(l.invalid(2, "coding type must be 1"));
    }
    let iban = l.need(3)?;
    check_iban(iban, l.at(3).0, NAMES[3])?;
    if !(iban.starts_with("CH") || iban.starts_with("LI")) || iban.len() != 21 {
        return Err(l.invalid(3, "QR-bill accounts are CH or LI IBANs of 21 characters"));
    }
    let creditor = address(&l, 4, false)?.ok_or_else(|| l.invalid(4, "creditor is mandatory"))?;
    for i in 11..18 {
        if l.opt(i).is_some() {
            return Err(l.invalid(
                i,
                "the ultimate creditor block is reserved and must be empty",
            ));
        }
    }
    let amount = l.opt(18);
    if let Some(a) = amount {
        let ok = is_decimal(a, 2)
            && a.split('.').next().is_some_and(|i| i.len() <= 9)
            && !a.bytes().all(|b| b == b'0' || b == b'.');
        if !ok {
            return Err(l.invalid(18, "amount must be 0.01 to 999999999.99"));
        }
    }
    let currency = l.need(19)?;
    if currency != "CHF" && currency != "EUR" {
        return Err(l.invalid(19, "currency must be CHF or EUR"));
    }
    let debtor = address(&l, 20, true)?;
    let reference_type = l.need(27)?;
    let reference = l.opt(28);
    let qr_iban = is_qr_iban(iban);
    match reference_type {
        "QRR" => {
            if !qr_iban {
                return Err(l.invalid(27, "QRR references need a QR-IBAN"));
            }
            let r = l.need(28)?;
            let b = r.as_bytes();
            if b.len() != 27 || !b.iter().all(u8::is_ascii_digit) {
                return Err(l.invalid(28, "QR reference must be 27 digits"));
            }
            if mod10_recursive(&b[..26]) != b[26] - b'0' {
                return Err(QrError::checksum(
                    l.at(28).0,
                    NAMES[28],
                    "QR reference check digit does not verify",
                ));
            }
        }
        "SCOR" | "NON" if qr_iban => {
            return Err(l.invalid(27, "a QR-IBAN requires reference type QRR"));
        }
        "SCOR" => {
            let r = l.need(28)?;
            let b = r.as_bytes();
            let syntax = (5..=25).contains(&b.len())
                && r.starts_with("RF")
                && b[2..4].iter().all(u8::is_ascii_digit)
                && b[4..].iter().all(u8::is_ascii_alphanumeric);
            if !syntax {
                return Err(l.invalid(
                    28,
                    "creditor reference must be RF, 2 check digits and up to 21 characters",
                ));
            }
            if mod97(b[4..].iter().chain(&b[..4]).copied()) != 1 {
                return Err(QrError::checksum(
                    l.at(28).0,
                    NAMES[28],
                    "creditor reference check digits do not verify",
                ));
            }
        }
        "NON" => {
            if reference.is_some() {
                return Err(l.invalid(28, "reference type NON carries no reference"));
            }
        }
        _ => return Err(l.invalid(27, "reference type must be QRR, SCOR or NON")),
    }
    l.max(29, 140)?;
    let (o, trailer) = l.at(30);
    if trailer != "EPD" {
        return Err(if trailer.is_empty() && o == l.end {
            QrError::missing(o, NAMES[30], "trailer EPD is mandatory")
        } else {
            QrError::invalid(o, NAMES[30], "trailer must be EPD")
        });
    }
    let message = l.opt(29);
    let bill_information = l.opt(31);
    if message.map_or(0, |m| m.chars().count()) + bill_information.map_or(0, |b| b.chars().count())
        > 140
    {
        return Err(l.invalid(
            31,
            "message and billing information together exceed 140 characters",
        ));
    }
    l.max(32, 100)?;
    l.max(33, 100)?;
    Ok(SwissQrPayload {
        iban,
        creditor,
        amount,
        currency,
        debtor,
        reference_type,
        reference,
        message,
        bill_information,
        alternative_schemes: [l.opt(32), l.opt(33)],
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn qr_reference_check_digit_of_the_guidelines_example() {
        let r = b"210000000003139471430009017";
        assert_eq!(mod10_recursive(&r[..26]), 7);
    }
}
