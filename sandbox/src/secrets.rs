//! Random identifiers and tokens, SHA-256 digests of tokens (only digests are
//! stored), and Argon2id password hashes.

use crate::config::HashCost;
use argon2::{Algorithm, Argon2, Params, Version};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle_eq::constant_time_eq;

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::fill(&mut buf[..]);
    hex(&buf)
}

/// A random identifier such as `usr_3f9c...` (12 random bytes).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", random_hex(12))
}

/// A random bearer secret (32 random bytes) with a readable prefix.
pub fn new_token(prefix: &str) -> String {
    format!("{prefix}_{}", random_hex(32))
}

/// A uniformly random 6-digit verification code.
pub fn new_code() -> String {
    let mut buf = [0u8; 8];
    loop {
        rand::fill(&mut buf[..]);
        let n = u64::from_le_bytes(buf);
        // Reject the top sliver so the modulo is unbiased.
        if n < u64::MAX - (u64::MAX % 1_000_000) {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// SHA-256 of `data` as hex: how tokens and API keys are stored.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Errors of password hashing.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Argon2 rejected the parameters.
    #[error("argon2: {0}")]
    Argon2(String),
    /// The stored hash is not in our format.
    #[error("stored password hash is malformed")]
    Malformed,
}

/// HMAC-SHA256 of `data` under `key`, lower-case hex (`None` only if the
/// key were refused, which HMAC never does: it takes keys of any length).
pub fn hmac_sha256_hex(key: &[u8], data: &[u8]) -> Option<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    mac.update(data);
    Some(hex(&mac.finalize().into_bytes()))
}

/// Hashes a password with Argon2id; the result carries its parameters and
/// salt: `argon2id$v=19$m=..,t=..,p=1$<salt hex>$<hash hex>`.
pub fn hash_password(password: &str, cost: HashCost) -> Result<String, HashError> {
    let mut salt = [0u8; 16];
    rand::fill(&mut salt[..]);
    let out = derive(password, &salt, cost.m_kib, cost.t)?;
    Ok(format!(
        "argon2id$v=19$m={},t={},p=1${}${}",
        cost.m_kib,
        cost.t,
        hex(&salt),
        hex(&out)
    ))
}

fn derive(password: &str, salt: &[u8], m: u32, t: u32) -> Result<[u8; 32], HashError> {
    let params = Params::new(m, t, 1, Some(32)).map_err(|e| HashError::Argon2(e.to_string()))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let mut out = [0u8; 32];
    argon
        .hash_password_into(password.as_bytes(), salt, &mut out)
        .map_err(|e| HashError::Argon2(e.to_string()))?;
    Ok(out)
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Checks a password against a stored hash in constant time.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, HashError> {
    let parts: Vec<&str> = stored.split('$').collect();
    let [alg, _version, params, salt, hash] = parts.as_slice() else {
        return Err(HashError::Malformed);
    };
    if *alg != "argon2id" {
        return Err(HashError::Malformed);
    }
    let mut m = None;
    let mut t = None;
    for kv in params.split(',') {
        match kv.split_once('=') {
            Some(("m", v)) => m = v.parse().ok(),
            Some(("t", v)) => t = v.parse().ok(),
            _ => {}
        }
    }
    let (Some(m), Some(t)) = (m, t) else {
        return Err(HashError::Malformed);
    };
    let salt = unhex(salt).ok_or(HashError::Malformed)?;
    let expected = unhex(hash).ok_or(HashError::Malformed)?;
    let actual = derive(password, &salt, m, t)?;
    Ok(constant_time_eq(&actual, &expected))
}

mod subtle_eq {
    /// Compares two byte strings without an early exit.
    pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let h = hash_password("correct horse", HashCost::TEST).unwrap();
        assert!(h.starts_with("argon2id$v=19$m=64,t=1,p=1$"));
        assert!(verify_password("correct horse", &h).unwrap());
        assert!(!verify_password("correct horsf", &h).unwrap());
    }

    #[test]
    fn codes_are_six_digits_and_ids_are_prefixed() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
        assert!(new_id("usr").starts_with("usr_"));
        assert_ne!(new_id("usr"), new_id("usr"));
    }
}
