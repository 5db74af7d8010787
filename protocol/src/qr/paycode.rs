//! Offline payment codes (consumer-presented, like the 付款码 of big
//! wallets): the payer's phone shows a short-lived code, the merchant scans
//! it, the server verifies it. Pure functions: time is passed in, the
//! server supplies randomness and keeps the single-use bookkeeping.
//!
//! ## Algorithm (version 1)
//!
//! * **Secret.** 32 bytes per device, provisioned by the server. Either
//!   random (server RNG) or derived: `HMAC-SHA256(master_key,
//!   "imwallet/paycode/v1/provision" ‖ 0x00 ‖ device_id ‖ 0x00 ‖
//!   generation as u32 big-endian)`; bumping `generation` rotates it.
//! * **Code.** `IMWPAY1.<device_id>.<t>.<tag>` where `t` is the Unix time
//!   in seconds (decimal, no leading zeros) and `tag` is the first 12 bytes
//!   of `HMAC-SHA256(secret, "imwallet/paycode/v1" ‖ 0x00 ‖ device_id ‖
//!   0x00 ‖ t as u64 big-endian)` in lower-case hex (24 characters).
//!   `device_id` is 1–64 of `A–Z a–z 0–9 - _`.
//! * **Verify.** Parse, recompute the tag with the device's secret and
//!   compare in constant time; accept when `|now − t| ≤ drift_window`
//!   seconds.
//! * **Single use (server).** Accept a code only if its `t` is greater than
//!   the last accepted `t` for that device, then store it. This rejects a
//!   replay and any older code still on screen. The app shows a fresh code
//!   (new `t`) after each payment and at least every 30 seconds.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::error::QrError;

/// Prefix of every version-1 payment code.
pub const PREFIX: &str = "IMWPAY1.";
const TAG_BYTES: usize = 12;
const DOMAIN: &[u8] = b"imwallet/paycode/v1";
const PROVISION_DOMAIN: &[u8] = b"imwallet/paycode/v1/provision";

type HmacSha256 = Hmac<Sha256>;

/// A device's payment-code secret. Wiped on drop; never printed.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct PaycodeSecret([u8; 32]);

impl std::fmt::Debug for PaycodeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PaycodeSecret(<redacted>)")
    }
}

impl PaycodeSecret {
    /// Wraps 32 bytes (from the server's RNG, or received at provisioning).
    #[must_use]
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The raw bytes, for encrypted storage or transport.
    #[must_use]
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Derives a device secret from a server master key (see module doc).
    #[must_use]
    pub fn derive(master_key: &[u8], device_id: &str, generation: u32) -> Self {
        let mut mac = new_mac(master_key);
        mac.update(PROVISION_DOMAIN);
        mac.update(&[0]);
        mac.update(device_id.as_bytes());
        mac.update(&[0]);
        mac.update(&generation.to_be_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(&mac.finalize().into_bytes());
        Self(out)
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so the error branch is never taken;
    // it falls back to a fixed key rather than panicking.
    <HmacSha256 as KeyInit>::new_from_slice(key)
        .unwrap_or_else(|_| <HmacSha256 as KeyInit>::new(&Default::default()))
}

fn tag_mac(secret: &PaycodeSecret, device_id: &str, t: u64) -> HmacSha256 {
    let mut mac = new_mac(&secret.0);
    mac.update(DOMAIN);
    mac.update(&[0]);
    mac.update(device_id.as_bytes());
    mac.update(&[0]);
    mac.update(&t.to_be_bytes());
    mac
}

fn is_device_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Generates the payment code for `device_id` at `unix_time`.
///
/// # Errors
/// `invalid_value` (tag `device_id`) for an id outside the allowed set.
pub fn generate(
    secret: &PaycodeSecret,
    device_id: &str,
    unix_time: u64,
) -> Result<String, QrError> {
    if !is_device_id(device_id) {
        return Err(QrError::invalid(
            0,
            "device_id",
            "device id must be 1–64 letters, digits, - or _",
        ));
    }
    let tag = tag_mac(secret, device_id, unix_time)
        .finalize()
        .into_bytes();
    let hex: String = tag[..TAG_BYTES]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("{PREFIX}{device_id}.{unix_time}.{hex}"))
}

/// A syntactically valid payment code (not yet verified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayCode<'a> {
    /// The device that generated it (look up its secret with this).
    pub device_id: &'a str,
    /// The generation time, Unix seconds.
    pub time: u64,
    /// The tag, lower-case hex.
    pub tag: &'a str,
}

/// Parses a payment code's syntax.
///
/// # Errors
/// `malformed` / `invalid_value` naming the part and its offset.
pub fn parse_paycode(input: &str) -> Result<PayCode<'_>, QrError> {
    let Some(rest) = input.strip_prefix(PREFIX) else {
        return Err(QrError::unsupported("not a wallet payment code"));
    };
    let mut parts = rest.split('.');
    let (Some(device_id), Some(time), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(QrError::malformed(
            PREFIX.len(),
            None,
            "payment code must be IMWPAY1.<device>.<time>.<tag>",
        ));
    };
    if !is_device_id(device_id) {
        return Err(QrError::invalid(
            PREFIX.len(),
            "device_id",
            "device id must be 1–64 letters, digits, - or _",
        ));
    }
    let toff = PREFIX.len() + device_id.len() + 1;
    let t_ok = !time.is_empty()
        && time.len() <= 20
        && time.bytes().all(|b| b.is_ascii_digit())
        && (time == "0" || !time.starts_with('0'));
    let Some(t) = t_ok.then(|| time.parse::<u64>().ok()).flatten() else {
        return Err(QrError::invalid(
            toff,
            "time",
            "time must be Unix seconds without leading zeros",
        ));
    };
    let tagoff = toff + time.len() + 1;
    if tag.len() != TAG_BYTES * 2
        || !tag
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(QrError::invalid(
            tagoff,
            "tag",
            "tag must be 24 lower-case hex digits",
        ));
    }
    Ok(PayCode {
        device_id,
        time: t,
        tag,
    })
}

/// Why a payment code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaycodeError {
    /// The text is not a payment code.
    #[error("not a valid payment code: {0}")]
    Malformed(#[from] QrError),
    /// The tag does not verify with this device's secret.
    #[error("payment code does not verify")]
    BadTag,
    /// Generated more than `drift_window` seconds before `now`.
    #[error("payment code expired")]
    Expired,
    /// Generated more than `drift_window` seconds after `now`.
    #[error("payment code is from the future (device clock ahead)")]
    NotYetValid,
}

/// Verifies `code` with the device's secret at time `now`.
///
/// # Errors
/// [`PaycodeError`]; the tag is checked before the time so a forged code
/// always reads as `BadTag`.
pub fn verify<'a>(
    secret: &PaycodeSecret,
    code: &'a str,
    now: u64,
    drift_window: u64,
) -> Result<PayCode<'a>, PaycodeError> {
    let pc = parse_paycode(code)?;
    let mut tag = [0u8; TAG_BYTES];
    for (i, out) in tag.iter_mut().enumerate() {
        let hi = hex_nibble(pc.tag.as_bytes()[2 * i]);
        let lo = hex_nibble(pc.tag.as_bytes()[2 * i + 1]);
        *out = hi << 4 | lo;
    }
    tag_mac(secret, pc.device_id, pc.time)
        .verify_truncated_left(&tag)
        .map_err(|_| PaycodeError::BadTag)?;
    if pc.time + drift_window < now {
        return Err(PaycodeError::Expired);
    }
    if pc.time > now.saturating_add(drift_window) {
        return Err(PaycodeError::NotYetValid);
    }
    Ok(pc)
}

fn hex_nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c.wrapping_sub(b'a') + 10,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn secret() -> PaycodeSecret {
        PaycodeSecret::derive(b"server master key for tests", "dev-1", 0)
    }

    /// Known answer, computed outside this crate from the algorithm in the
    /// module doc (Python's `hmac`/`hashlib`), so a change to the domain
    /// strings, the byte order or the tag length is caught.
    #[test]
    fn provisioning_and_codes_match_the_known_answer() {
        assert_eq!(
            hex(secret().expose_bytes()),
            "c88b130f36aafc744cf6ef94919a64948b7855872668cc04230711bcb7e766ac"
        );
        assert_eq!(
            generate(&secret(), "dev-1", 1_700_000_000).unwrap(),
            "IMWPAY1.dev-1.1700000000.f13210d7677b68ee1200f23f"
        );
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn a_fresh_code_verifies_within_the_window() {
        let code = generate(&secret(), "dev-1", 1_700_000_000).unwrap();
        assert!(code.starts_with("IMWPAY1.dev-1.1700000000."));
        let pc = verify(&secret(), &code, 1_700_000_030, 60).unwrap();
        assert_eq!((pc.device_id, pc.time), ("dev-1", 1_700_000_000));
    }

    #[test]
    fn stale_future_and_forged_codes_are_refused() {
        let code = generate(&secret(), "dev-1", 1_700_000_000).unwrap();
        assert_eq!(
            verify(&secret(), &code, 1_700_000_061, 60),
            Err(PaycodeError::Expired)
        );
        assert_eq!(
            verify(&secret(), &code, 1_699_999_939, 60),
            Err(PaycodeError::NotYetValid)
        );
        let other = PaycodeSecret::derive(b"server master key for tests", "dev-1", 1);
        assert_eq!(
            verify(&other, &code, 1_700_000_000, 60),
            Err(PaycodeError::BadTag)
        );
        let moved = code.replace(".1700000000.", ".1700000001.");
        assert_eq!(
            verify(&secret(), &moved, 1_700_000_000, 60),
            Err(PaycodeError::BadTag)
        );
    }

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", secret()), "PaycodeSecret(<redacted>)");
    }

    #[test]
    fn derivation_depends_on_device_and_generation() {
        let a = PaycodeSecret::derive(b"k", "a", 0);
        assert_ne!(a, PaycodeSecret::derive(b"k", "b", 0));
        assert_ne!(a, PaycodeSecret::derive(b"k", "a", 1));
    }
}
