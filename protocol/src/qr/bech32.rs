//! Bech32 and Bech32m (BIP 173 / BIP 350) checksum verification, for
//! Lightning invoices (BOLT11, no length limit) and SegWit addresses.

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

const fn build_index() -> [u8; 256] {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 32 {
        t[CHARSET[i] as usize] = i as u8;
        t[CHARSET[i].to_ascii_uppercase() as usize] = i as u8;
        i += 1;
    }
    t
}

static INDEX: [u8; 256] = build_index();

fn polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = (chk & 0x01ff_ffff) << 5 ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Which checksum constant a string verified with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// BIP 173 (constant 1).
    Bech32,
    /// BIP 350 (constant 0x2bc830a3).
    Bech32m,
}

/// Why a string is not valid bech32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bech32Error {
    /// Mixed case, no separator, empty HRP, short data or a character
    /// outside the charset (at the given byte offset).
    Malformed(usize),
    /// Checksum does not verify.
    BadChecksum,
}

/// A decoded bech32 string: human-readable part (lower case) and the 5-bit
/// data words without the 6-word checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Human-readable part, lower case.
    pub hrp: String,
    /// 5-bit words, checksum removed.
    pub data: Vec<u8>,
    /// Checksum variant.
    pub variant: Variant,
}

/// Decodes and verifies a bech32/bech32m string of any length.
///
/// # Errors
/// [`Bech32Error`] when malformed or the checksum fails.
pub fn decode(s: &str) -> Result<Decoded, Bech32Error> {
    let has_lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = s.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper {
        return Err(Bech32Error::Malformed(0));
    }
    let Some(sep) = s.rfind('1') else {
        return Err(Bech32Error::Malformed(0));
    };
    if sep == 0 || s.len() - sep - 1 < 6 {
        return Err(Bech32Error::Malformed(sep));
    }
    let hrp = s[..sep].to_ascii_lowercase();
    if let Some(i) = hrp.bytes().position(|b| !(33..=126).contains(&b)) {
        return Err(Bech32Error::Malformed(i));
    }
    let mut data = Vec::with_capacity(s.len() - sep - 1);
    for (i, &c) in s.as_bytes()[sep + 1..].iter().enumerate() {
        let v = INDEX[c as usize];
        if v == 0xFF {
            return Err(Bech32Error::Malformed(sep + 1 + i));
        }
        data.push(v);
    }
    let hb = hrp.as_bytes();
    let expanded = hb
        .iter()
        .map(|b| b >> 5)
        .chain(std::iter::once(0))
        .chain(hb.iter().map(|b| b & 31))
        .chain(data.iter().copied());
    let variant = match polymod(expanded) {
        1 => Variant::Bech32,
        0x2bc8_30a3 => Variant::Bech32m,
        _ => return Err(Bech32Error::BadChecksum),
    };
    data.truncate(data.len() - 6);
    Ok(Decoded { hrp, data, variant })
}

/// Regroups 5-bit words into bytes (dropping incomplete trailing bits).
#[must_use]
pub fn words_to_bytes(words: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &w in words {
        acc = (acc << 5) | u32::from(w);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn bip173_and_bip350_vectors_verify() {
        assert_eq!(decode("A12UEL5L").unwrap().variant, Variant::Bech32);
        assert_eq!(decode("a1lqfn3a").unwrap().variant, Variant::Bech32m);
        let seg = decode("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4").unwrap();
        assert_eq!(seg.hrp, "bc");
        assert_eq!(decode("A12UEL5M"), Err(Bech32Error::BadChecksum));
        assert!(matches!(decode("A12uEL5L"), Err(Bech32Error::Malformed(_))));
    }
}
