//! CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final
//! xor), the checksum of EMVCo QR payloads (tag `63`).
//!
//! Table-driven slicing: sixteen 256-entry tables built at compile time let
//! the loop consume sixteen bytes per step with independent lookups
//! (slice-by-16; the tail goes eight, then one byte at a time). Check
//! value: `crc16(b"123456789") == 0x29B1`.

/// Sixteen lookup tables; `TABLES[k][b]` is the CRC contribution of byte
/// `b` followed by `k` zero bytes.
static TABLES: [[u16; 256]; 16] = build_tables();

const fn build_tables() -> [[u16; 256]; 16] {
    let mut t = [[0u16; 256]; 16];
    let mut b = 0;
    while b < 256 {
        let mut crc = (b as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        t[0][b] = crc;
        b += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut b = 0;
        while b < 256 {
            let prev = t[k - 1][b];
            t[k][b] = (prev << 8) ^ t[0][(prev >> 8) as usize];
            b += 1;
        }
        k += 1;
    }
    t
}

/// CRC-16/CCITT-FALSE of `data`.
#[must_use]
pub fn crc16(data: &[u8]) -> u16 {
    let t = &TABLES;
    let mut crc: u16 = 0xFFFF;
    let mut chunks = data.chunks_exact(16);
    for c in &mut chunks {
        let b0 = c[0] ^ (crc >> 8) as u8;
        let b1 = c[1] ^ (crc & 0xFF) as u8;
        crc = t[15][b0 as usize]
            ^ t[14][b1 as usize]
            ^ t[13][c[2] as usize]
            ^ t[12][c[3] as usize]
            ^ t[11][c[4] as usize]
            ^ t[10][c[5] as usize]
            ^ t[9][c[6] as usize]
            ^ t[8][c[7] as usize]
            ^ t[7][c[8] as usize]
            ^ t[6][c[9] as usize]
            ^ t[5][c[10] as usize]
            ^ t[4][c[11] as usize]
            ^ t[3][c[12] as usize]
            ^ t[2][c[13] as usize]
            ^ t[1][c[14] as usize]
            ^ t[0][c[15] as usize];
    }
    let mut rest = chunks.remainder();
    if rest.len() >= 8 {
        let c = &rest[..8];
        let b0 = c[0] ^ (crc >> 8) as u8;
        let b1 = c[1] ^ (crc & 0xFF) as u8;
        crc = t[7][b0 as usize]
            ^ t[6][b1 as usize]
            ^ t[5][c[2] as usize]
            ^ t[4][c[3] as usize]
            ^ t[3][c[4] as usize]
            ^ t[2][c[5] as usize]
            ^ t[1][c[6] as usize]
            ^ t[0][c[7] as usize];
        rest = &rest[8..];
    }
    for &b in rest {
        crc = (crc << 8) ^ t[0][((crc >> 8) as u8 ^ b) as usize];
    }
    crc
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn bitwise(data: &[u8]) -> u16 {
        let mut crc: u16 = 0xFFFF;
        for &b in data {
            crc ^= u16::from(b) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 {
                    (crc << 1) ^ 0x1021
                } else {
                    crc << 1
                };
            }
        }
        crc
    }

    #[test]
    fn check_value_of_the_catalogue_matches() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
    }

    #[test]
    fn slice_by_8_agrees_with_the_bitwise_definition_for_every_length() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..data.len() {
            assert_eq!(crc16(&data[..n]), bitwise(&data[..n]), "length {n}");
        }
    }
}
