//! Signed webhook notifications (issue 14 item 3): the signature a sender
//! puts on each delivery and the verifier a merchant's receiver runs.
//!
//! Scheme `v1`, exactly:
//!
//! * The header is `IMWallet-Signature: t=<unix seconds>,v1=<hex>` — a
//!   comma-separated list of `key=value` elements. `t` appears once; `v1`
//!   may appear several times (while a signing secret is rotated the sender
//!   signs with the old and the new one); elements with other keys are
//!   ignored, so a later scheme can be added beside `v1`.
//! * `<hex>` is the lowercase hex of HMAC-SHA256 with the key being the
//!   signing secret's UTF-8 bytes (the whole `whsec_...` string) over the
//!   bytes `<t>.<body>`: the decimal timestamp, one `.`, then the raw
//!   request body exactly as received (before any JSON parsing).
//! * A receiver accepts when one `v1` matches (compared in constant time)
//!   and `|now - t|` is at most its tolerance (300 s is a good default);
//!   the timestamp bound is what stops a captured delivery from being
//!   replayed later. Deduplicate by the event id in the body.
//!
//! Test vectors are in `webhook_vectors.json` next to this file; the
//! stdlib-only Python verifier in `docs/webhooks.md` is tested against the
//! same vectors (`protocol/tests/webhook_python.rs`). Pure: the caller
//! passes the current time in [`Tolerance`].

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The HTTP header that carries the signature.
pub const SIGNATURE_HEADER: &str = "IMWallet-Signature";

/// The signature scheme this module produces and verifies.
pub const SCHEME: &str = "v1";

/// A default tolerance between the signed timestamp and the receiver's
/// clock, seconds.
pub const DEFAULT_TOLERANCE_S: i64 = 300;

/// How far the signed timestamp may be from the receiver's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerance {
    /// The receiver's current time, Unix seconds.
    pub now_s: i64,
    /// The largest accepted `|now - t|`, seconds.
    pub window_s: i64,
}

impl Tolerance {
    /// A window of `window_s` seconds around `now_s`.
    pub fn at(now_s: i64, window_s: i64) -> Tolerance {
        Tolerance { now_s, window_s }
    }
}

/// Why a delivery does not verify. Never carries the secret or a
/// signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The header is not `t=<digits>,v1=<64 hex>[,...]`.
    #[error("the signature header is malformed")]
    MalformedHeader,
    /// The header has no `v1` signature.
    #[error("the signature header has no v1 signature")]
    NoSignature,
    /// The signed timestamp is outside the tolerance.
    #[error("the signed timestamp {timestamp} is more than {window_s} s from now ({now_s})")]
    OutsideTolerance {
        /// The header's `t`.
        timestamp: i64,
        /// The receiver's time.
        now_s: i64,
        /// The tolerance.
        window_s: i64,
    },
    /// No `v1` signature matches the body and the secret.
    #[error("no v1 signature matches")]
    SignatureMismatch,
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length: `new_from_slice` cannot fail here.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|p| Some(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

/// The `v1` signature (lowercase hex) of `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    to_hex(&mac(secret, timestamp, body).finalize().into_bytes())
}

/// The full header value, `t=<timestamp>,v1=<signature>`, one `v1` per
/// secret (the old and the new one during a rotation).
pub fn sign_header(secrets: &[&str], timestamp: i64, body: &[u8]) -> String {
    let mut header = format!("t={timestamp}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&signature(secret, timestamp, body));
    }
    header
}

/// Verifies a delivery: `body` as received, the [`SIGNATURE_HEADER`] value,
/// the endpoint's signing secret and the tolerance around the receiver's
/// clock. Returns the signed timestamp.
///
/// # Errors
/// [`WebhookError`]: a malformed header, no `v1`, a timestamp outside the
/// tolerance, or no matching signature.
pub fn verify(
    body: &[u8],
    header: &str,
    secret: &str,
    tolerance: Tolerance,
) -> Result<i64, WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for element in header.split(',') {
        let (key, value) = element
            .trim()
            .split_once('=')
            .ok_or(WebhookError::MalformedHeader)?;
        match key {
            "t" => {
                if timestamp.is_some()
                    || value.is_empty()
                    || value.len() > 18
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(WebhookError::MalformedHeader);
                }
                timestamp = value.parse::<i64>().ok();
            }
            "v1" => signatures.push(from_hex(value).ok_or(WebhookError::MalformedHeader)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(WebhookError::MalformedHeader)?;
    if signatures.is_empty() {
        return Err(WebhookError::NoSignature);
    }
    if (tolerance.now_s - timestamp).abs() > tolerance.window_s {
        return Err(WebhookError::OutsideTolerance {
            timestamp,
            now_s: tolerance.now_s,
            window_s: tolerance.window_s,
        });
    }
    let expected = mac(secret, timestamp, body);
    if signatures
        .iter()
        .any(|s| expected.clone().verify_slice(s).is_ok())
    {
        Ok(timestamp)
    } else {
        Err(WebhookError::SignatureMismatch)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::Value;

    fn vectors() -> Vec<Value> {
        let v: Value = serde_json::from_str(include_str!("webhook_vectors.json")).unwrap();
        v["vectors"].as_array().unwrap().clone()
    }

    #[test]
    fn the_published_vectors_verify_as_documented() {
        for v in vectors() {
            let name = v["name"].as_str().unwrap();
            let body = v["body"].as_str().unwrap().as_bytes();
            let header = v["header"].as_str().unwrap();
            let tolerance =
                Tolerance::at(v["now"].as_i64().unwrap(), v["tolerance"].as_i64().unwrap());
            let got = verify(body, header, v["secret"].as_str().unwrap(), tolerance);
            match v["expect"].as_str().unwrap() {
                "ok" => assert_eq!(got, Ok(v["timestamp"].as_i64().unwrap()), "{name}"),
                "malformed_header" => assert_eq!(got, Err(WebhookError::MalformedHeader), "{name}"),
                "no_signature" => assert_eq!(got, Err(WebhookError::NoSignature), "{name}"),
                "outside_tolerance" => assert!(
                    matches!(got, Err(WebhookError::OutsideTolerance { .. })),
                    "{name}: {got:?}"
                ),
                "signature_mismatch" => {
                    assert_eq!(got, Err(WebhookError::SignatureMismatch), "{name}")
                }
                other => panic!("{name}: unknown expectation {other}"),
            }
        }
    }

    #[test]
    fn the_signer_produces_the_vectors_headers() {
        for v in vectors().iter().filter(|v| v["signed_with"].is_array()) {
            let secrets: Vec<&str> = v["signed_with"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            let header = sign_header(
                &secrets,
                v["timestamp"].as_i64().unwrap(),
                v["body"].as_str().unwrap().as_bytes(),
            );
            assert_eq!(header, v["header"].as_str().unwrap(), "{}", v["name"]);
        }
    }

    #[test]
    fn errors_never_show_the_secret() {
        let err = verify(b"{}", "t=1,v1=00", "whsec_topsecret", Tolerance::at(1, 300));
        assert!(!format!("{err:?}").contains("topsecret"));
    }
}
