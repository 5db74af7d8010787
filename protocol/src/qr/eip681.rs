//! EIP-681 `ethereum:` payment requests:
//! `ethereum:[pay-]<address|ENS>[@<chain_id>][/<function>][?<params>]`.
//! Number parameters (`value`, `gas`, `gasLimit`, `gasPrice` and
//! `uint*`/`int*` typed arguments) accept integer or scientific notation
//! (`2.014e18`) that denotes an integer; they are normalised to plain
//! integers. `address`-typed arguments must be addresses or ENS names.
//! Address checksum casing (EIP-55) is not verified.

use std::borrow::Cow;

use super::error::QrError;
use super::uri::{Param, parse_query, split_query};

/// A validated EIP-681 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eip681Payload<'a> {
    /// Target: a `0x` address or an ENS name.
    pub address: &'a str,
    /// `@chain_id`, decimal.
    pub chain_id: Option<&'a str>,
    /// `/function`, e.g. `transfer`.
    pub function: Option<&'a str>,
    /// `value` in wei as a plain integer.
    pub value: Option<String>,
    /// Parameters in order; number values normalised.
    pub params: Vec<Param<'a>>,
}

fn is_hex_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

fn is_ens(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Normalises an EIP-681 number (`digits[.digits][e digits]`) that denotes
/// an integer to plain digits; `None` otherwise.
#[must_use]
pub fn normalise_integer(s: &str) -> Option<String> {
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<u32>().ok().filter(|&e| e <= 96)?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let frac = frac.trim_end_matches('0');
    let exp = exp as usize;
    if frac.len() > exp {
        return None;
    }
    let mut out = String::with_capacity(int.len() + exp);
    out.push_str(int);
    out.push_str(frac);
    out.extend(std::iter::repeat_n('0', exp - frac.len()));
    let trimmed = out.trim_start_matches('0');
    Some(if trimmed.is_empty() {
        "0".to_string()
    } else {
        trimmed.to_string()
    })
}

fn is_number_key(k: &str) -> bool {
    matches!(k, "value" | "gas" | "gasLimit" | "gasPrice")
        || k.starts_with("uint")
        || k.starts_with("int")
}

/// Parses an `ethereum:` URI.
///
/// # Errors
/// [`QrError`] for a bad target, chain id, function name or number.
pub fn parse_eip681(input: &str) -> Result<Eip681Payload<'_>, QrError> {
    let start = 9;
    let rest = input.get(start..).unwrap_or("");
    let (path, query) = split_query(rest, start);
    let (path, target_off) = match path.strip_prefix("pay-") {
        Some(p) => (p, start + 4),
        None => (path, start),
    };
    let (target_part, function) = match path.split_once('/') {
        Some((t, f)) => (t, Some(f)),
        None => (path, None),
    };
    let (address, chain_id) = match target_part.split_once('@') {
        Some((a, c)) => (a, Some(c)),
        None => (target_part, None),
    };
    if address.is_empty() {
        return Err(QrError::missing(
            target_off,
            "address",
            "the target address is missing",
        ));
    }
    if !is_hex_address(address) && !is_ens(address) {
        return Err(QrError::invalid(
            target_off,
            "address",
            "target must be 0x and 40 hex digits, or an ENS name",
        ));
    }
    if let Some(c) = chain_id
        && (c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(QrError::invalid(
            target_off + address.len() + 1,
            "chain_id",
            "chain id must be decimal digits",
        ));
    }
    if let Some(f) = function {
        let ok = f
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && f.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !ok {
            return Err(QrError::invalid(
                target_off + target_part.len() + 1,
                "function",
                "function name must be an identifier",
            ));
        }
    }
    let mut params = match query {
        Some((q, off)) => parse_query(q, off, &[])?,
        None => Vec::new(),
    };
    for p in &mut params {
        if is_number_key(p.key) {
            let Some(n) = normalise_integer(&p.value) else {
                return Err(QrError::invalid(
                    p.offset,
                    p.key,
                    "number must denote an integer (e.g. 2.014e18)",
                ));
            };
            p.value = Cow::Owned(n);
        } else if p.key == "address" && !is_hex_address(&p.value) && !is_ens(&p.value) {
            return Err(QrError::invalid(
                p.offset,
                p.key,
                "address argument must be an address or ENS name",
            ));
        }
    }
    let value = params
        .iter()
        .find(|p| p.key == "value")
        .map(|p| p.value.to_string());
    Ok(Eip681Payload {
        address,
        chain_id,
        function,
        value,
        params,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_normalises_to_integers() {
        assert_eq!(
            normalise_integer("2.014e18").unwrap(),
            "2014000000000000000"
        );
        assert_eq!(normalise_integer("1").unwrap(), "1");
        assert_eq!(normalise_integer("1.5"), None);
        assert_eq!(normalise_integer("-1"), None);
    }
}
