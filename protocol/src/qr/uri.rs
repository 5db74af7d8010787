//! Small URI helpers shared by the URI formats (UPI, BIP21, EIP-681,
//! Solana Pay, Lightning, wallet links): case-insensitive scheme matching,
//! query splitting and percent-decoding that borrows when nothing is
//! escaped. Offsets are byte offsets into the whole input.

use std::borrow::Cow;

use super::error::QrError;

/// If `s` starts with `scheme` followed by `:` (scheme compared
/// case-insensitively), the rest after the colon.
#[must_use]
pub fn strip_scheme<'a>(s: &'a str, scheme: &str) -> Option<&'a str> {
    let n = scheme.len();
    let b = s.as_bytes();
    if b.len() > n && b[n] == b':' && b[..n].eq_ignore_ascii_case(scheme.as_bytes()) {
        s.get(n + 1..)
    } else {
        None
    }
}

/// If `s` starts with `prefix` compared case-insensitively, the rest.
#[must_use]
pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.len();
    if s.len() >= n && s.as_bytes()[..n].eq_ignore_ascii_case(prefix.as_bytes()) {
        s.get(n..)
    } else {
        None
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `s` (found at byte `offset` of the input); `+` is kept.
///
/// # Errors
/// `malformed` for a bad escape or a result that is not UTF-8.
pub fn percent_decode<'a>(s: &'a str, offset: usize, tag: &str) -> Result<Cow<'a, str>, QrError> {
    if !s.contains('%') {
        return Ok(Cow::Borrowed(s));
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hi = b.get(i + 1).copied().and_then(hex_val);
            let lo = b.get(i + 2).copied().and_then(hex_val);
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(QrError::malformed(
                    offset + i,
                    Some(tag.to_string()),
                    "bad percent escape",
                ));
            };
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| QrError::malformed(offset, Some(tag.to_string()), "escaped text is not UTF-8"))
}

/// One `key=value` pair of a query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param<'a> {
    /// The key as written.
    pub key: &'a str,
    /// The percent-decoded value.
    pub value: Cow<'a, str>,
    /// Byte offset of the key in the input.
    pub offset: usize,
}

/// Splits `query` (found at byte `offset`) into parameters, decoding values
/// and refusing empty keys and repeated keys (except those in `repeatable`).
///
/// # Errors
/// `malformed` for an empty key or a bad escape, `duplicate_field` for a
/// repeated key.
pub fn parse_query<'a>(
    query: &'a str,
    offset: usize,
    repeatable: &[&str],
) -> Result<Vec<Param<'a>>, QrError> {
    let mut params: Vec<Param<'a>> = Vec::new();
    let mut pos = offset;
    for part in query.split('&') {
        let here = pos;
        pos += part.len() + 1;
        if part.is_empty() {
            continue;
        }
        let (key, raw) = part.split_once('=').unwrap_or((part, ""));
        if key.is_empty() {
            return Err(QrError::malformed(
                here,
                None,
                "query parameter without a name",
            ));
        }
        if !repeatable.contains(&key) && params.iter().any(|p| p.key == key) {
            return Err(QrError::duplicate(
                here,
                key,
                "query parameter appears twice",
            ));
        }
        let value = percent_decode(raw, here + key.len() + 1, key)?;
        params.push(Param {
            key,
            value,
            offset: here,
        });
    }
    Ok(params)
}

/// Splits `rest` (found at byte `offset`) into the part before `?` and the
/// query with its offset.
#[must_use]
pub fn split_query(rest: &str, offset: usize) -> (&str, Option<(&str, usize)>) {
    match rest.split_once('?') {
        Some((path, q)) => (path, Some((q, offset + path.len() + 1))),
        None => (rest, None),
    }
}

/// A decimal amount: digits, optionally `.` and at most `max_decimals`
/// digits; no sign, no exponent.
#[must_use]
pub fn is_decimal(s: &str, max_decimals: usize) -> bool {
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('.') {
        None => digits(s),
        Some((i, f)) => digits(i) && digits(f) && f.len() <= max_decimals,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn decoding_borrows_when_nothing_is_escaped() {
        assert!(matches!(
            percent_decode("abc", 0, "x").unwrap(),
            Cow::Borrowed("abc")
        ));
        assert_eq!(percent_decode("a%20b%E2%82%AC", 0, "x").unwrap(), "a b€");
        assert_eq!(percent_decode("a%2", 5, "x").unwrap_err().offset, 6);
    }

    #[test]
    fn query_refuses_repeated_keys() {
        let e = parse_query("a=1&b=2&a=3", 10, &[]).unwrap_err();
        assert_eq!((e.offset, e.tag.as_deref()), (18, Some("a")));
        assert_eq!(parse_query("r=1&r=2", 0, &["r"]).unwrap().len(), 2);
    }
}
