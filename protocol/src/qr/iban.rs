//! IBAN (ISO 13616) syntax and mod-97 check, and the Swiss QR-IBAN rule.

use super::error::QrError;

/// Checks an IBAN without spaces: 2 upper-case letters, 2 check digits,
/// up to 30 upper-case alphanumerics, 15–34 characters, mod 97 = 1.
///
/// # Errors
/// `invalid_value` for bad syntax, `crc_mismatch` when the check digits do
/// not verify; both at `offset` with `tag`.
pub fn check_iban(iban: &str, offset: usize, tag: &str) -> Result<(), QrError> {
    let b = iban.as_bytes();
    let syntax = (15..=34).contains(&b.len())
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..4].iter().all(u8::is_ascii_digit)
        && b[4..]
            .iter()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    if !syntax {
        return Err(QrError::invalid(
            offset,
            tag,
            "IBAN must be 15–34 upper-case letters and digits without spaces",
        ));
    }
    if mod97(b[4..].iter().chain(&b[..4]).copied()) != 1 {
        return Err(QrError::checksum(
            offset,
            tag,
            "IBAN check digits do not verify",
        ));
    }
    Ok(())
}

/// Remainder mod 97 of the number formed by digits and letters (A=10 … Z=35).
pub(crate) fn mod97(chars: impl Iterator<Item = u8>) -> u32 {
    let mut r: u32 = 0;
    for c in chars {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c.to_ascii_uppercase() - b'A') + 10
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r
}

/// Whether a (valid, CH/LI) IBAN is a QR-IBAN: institution id 30000–31999.
#[must_use]
pub fn is_qr_iban(iban: &str) -> bool {
    iban.get(4..9)
        .and_then(|iid| iid.parse::<u32>().ok())
        .is_some_and(|iid| (30000..=31999).contains(&iid))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn published_ibans_verify_and_a_typo_does_not() {
        check_iban("BE72000000001616", 0, "iban").unwrap();
        check_iban("CH4431999123000889012", 0, "iban").unwrap();
        check_iban("DE89370400440532013000", 0, "iban").unwrap();
        let e = check_iban("DE89370400440532013001", 3, "iban").unwrap_err();
        assert_eq!((e.kind.as_str(), e.offset), ("crc_mismatch", 3));
        assert!(is_qr_iban("CH4431999123000889012"));
    }
}
