//! Lightning BOLT11 invoices, bare or behind `lightning:`. The bech32
//! checksum is verified (no 90-character limit); the human-readable part
//! gives the network and amount; the timestamp, payment hash, description
//! and expiry are read from the data part. The signature is not verified
//! (that needs secp256k1 public-key recovery; the node does it on payment).

use super::bech32::{self, Bech32Error, words_to_bytes};
use super::error::QrError;

/// A recognised BOLT11 invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightningPayload<'a> {
    /// The invoice text (without `lightning:`).
    pub invoice: &'a str,
    /// `bitcoin`, `testnet`, `signet` or `regtest`.
    pub network: &'static str,
    /// Amount in millisatoshi, if the invoice fixes one.
    pub amount_msat: Option<u64>,
    /// Creation time, seconds since the Unix epoch.
    pub timestamp: u64,
    /// Payment hash (hex), tag `p`.
    pub payment_hash: Option<String>,
    /// Description, tag `d`.
    pub description: Option<String>,
    /// Expiry in seconds, tag `x` (default 3600).
    pub expiry: Option<u64>,
}

const SIGNATURE_WORDS: usize = 104;

fn words_to_u64(w: &[u8]) -> u64 {
    w.iter().fold(0u64, |acc, &x| (acc << 5) | u64::from(x))
}

fn amount_msat(amount: &str, offset: usize) -> Result<Option<u64>, QrError> {
    if amount.is_empty() {
        return Ok(None);
    }
    let bad = || {
        QrError::invalid(
            offset,
            "amount",
            "invoice amount is not digits with an optional m/u/n/p multiplier",
        )
    };
    let (digits, mult) = match amount.as_bytes()[amount.len() - 1] {
        c @ (b'm' | b'u' | b'n' | b'p') => (&amount[..amount.len() - 1], Some(c)),
        _ => (amount, None),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 19 {
        return Err(bad());
    }
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let msat = match mult {
        None => n.checked_mul(100_000_000_000),
        Some(b'm') => n.checked_mul(100_000_000),
        Some(b'u') => n.checked_mul(100_000),
        Some(b'n') => n.checked_mul(100),
        _ => {
            if !n.is_multiple_of(10) {
                return Err(QrError::invalid(
                    offset,
                    "amount",
                    "pico-bitcoin amount must be a multiple of 10",
                ));
            }
            Some(n / 10)
        }
    };
    msat.map(Some)
        .ok_or_else(|| QrError::invalid(offset, "amount", "amount overflows"))
}

/// Parses a BOLT11 invoice that starts at byte `offset` of the input.
///
/// # Errors
/// `crc_mismatch` for a bad checksum, `malformed` for bad bech32 or a
/// truncated data part, `invalid_value` for an unknown network or amount.
pub fn parse_lightning(invoice: &str, offset: usize) -> Result<LightningPayload<'_>, QrError> {
    let d = match bech32::decode(invoice) {
        Ok(d) => d,
        Err(Bech32Error::BadChecksum) => {
            return Err(QrError::checksum(
                offset,
                "invoice",
                "bech32 checksum does not verify",
            ));
        }
        Err(Bech32Error::Malformed(i)) => {
            return Err(QrError::malformed(
                offset + i,
                Some("invoice".into()),
                "not valid bech32",
            ));
        }
    };
    let Some(rest) = d.hrp.strip_prefix("ln") else {
        return Err(QrError::invalid(
            offset,
            "network",
            "invoice prefix must start with ln",
        ));
    };
    let (network, amount) = [
        ("bcrt", "regtest"),
        ("tbs", "signet"),
        ("bc", "bitcoin"),
        ("tb", "testnet"),
    ]
    .iter()
    .find_map(|&(p, n)| rest.strip_prefix(p).map(|a| (n, a)))
    .ok_or_else(|| QrError::invalid(offset + 2, "network", "unknown currency prefix"))?;
    let amount_msat = amount_msat(amount, offset + 2)?;
    if d.data.len() < 7 + SIGNATURE_WORDS {
        return Err(QrError::malformed(
            offset,
            Some("invoice".into()),
            "data part too short for timestamp and signature",
        ));
    }
    let timestamp = words_to_u64(&d.data[..7]);
    let tagged = &d.data[7..d.data.len() - SIGNATURE_WORDS];
    let (mut payment_hash, mut description, mut expiry) = (None, None, None);
    let mut i = 0;
    while i < tagged.len() {
        if i + 3 > tagged.len() {
            return Err(QrError::malformed(
                offset,
                Some("invoice".into()),
                "truncated tagged field",
            ));
        }
        let kind = tagged[i];
        let len = usize::from(tagged[i + 1]) * 32 + usize::from(tagged[i + 2]);
        let Some(data) = tagged.get(i + 3..i + 3 + len) else {
            return Err(QrError::malformed(
                offset,
                Some("invoice".into()),
                "tagged field runs past the signature",
            ));
        };
        match kind {
            1 if len == 52 && payment_hash.is_none() => {
                payment_hash = Some(
                    words_to_bytes(data)
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect(),
                );
            }
            13 if description.is_none() => {
                description = String::from_utf8(words_to_bytes(data)).ok();
            }
            6 if expiry.is_none() && len <= 12 => expiry = Some(words_to_u64(data)),
            _ => {}
        }
        i += 3 + len;
    }
    Ok(LightningPayload {
        invoice,
        network,
        amount_msat,
        timestamp,
        payment_hash,
        description,
        expiry,
    })
}
