//! Base58 (Bitcoin alphabet) decoding and Base58Check verification, for
//! Bitcoin legacy addresses and Solana public keys.

use sha2::{Digest, Sha256};

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

const fn build_index() -> [u8; 256] {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 58 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
}

static INDEX: [u8; 256] = build_index();

/// Decodes base58 text; `None` for a character outside the alphabet or
/// input longer than 128 characters (nothing we accept is longer).
#[must_use]
pub fn decode(s: &str) -> Option<Vec<u8>> {
    if s.len() > 128 {
        return None;
    }
    let mut out: Vec<u8> = Vec::with_capacity(s.len());
    for &c in s.as_bytes() {
        let v = INDEX[c as usize];
        if v == 0xFF {
            return None;
        }
        let mut carry = u32::from(v);
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xFF) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.insert(0, (carry & 0xFF) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&b| b == b'1').count();
    let mut result = vec![0u8; zeros];
    result.extend(out.into_iter().skip_while(|&b| b == 0));
    Some(result)
}

/// Result of checking a Base58Check string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Not base58 text, or too short to hold a checksum.
    NotBase58,
    /// The 4-byte double-SHA256 checksum does not match.
    BadChecksum,
    /// Valid; the payload without the checksum.
    Ok(Vec<u8>),
}

/// Verifies Base58Check (payload followed by the first 4 bytes of
/// SHA256(SHA256(payload))).
#[must_use]
pub fn check(s: &str) -> Check {
    let Some(bytes) = decode(s) else {
        return Check::NotBase58;
    };
    if bytes.len() < 5 {
        return Check::NotBase58;
    }
    let (payload, sum) = bytes.split_at(bytes.len() - 4);
    let digest = Sha256::digest(Sha256::digest(payload));
    if digest[..4] == *sum {
        Check::Ok(payload.to_vec())
    } else {
        Check::BadChecksum
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_solana_key_to_32_bytes() {
        assert_eq!(
            decode("mvines9iiHiQTysrwkJjGf2gb9Ex9jXJX8ns3qwf2kN")
                .unwrap()
                .len(),
            32
        );
        assert_eq!(decode("11").unwrap(), vec![0, 0]);
        assert!(decode("0OIl").is_none());
    }

    #[test]
    fn checks_a_bitcoin_address() {
        assert!(matches!(check("1BoatSLRHtKNngkdXEeobR76b53LETtpyT"), Check::Ok(p) if p[0] == 0));
        assert_eq!(
            check("1BoatSLRHtKNngkdXEeobR76b53LETtpyU"),
            Check::BadChecksum
        );
    }
}
