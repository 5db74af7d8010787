//! The AES-256-GCM column envelope.
//!
//! Layout (version 1): `0x01 || nonce (12 B) || ciphertext || tag (16 B)`.
//! The AAD binds a ciphertext to its place: `table | column | row key |
//! schema version`, each length-prefixed, so a ciphertext copied to another
//! row, column or table fails authentication. Nonces are 96 random bits from
//! a ChaCha20 CSPRNG seeded once from the OS per [`ColumnCipher`] (an OS call
//! per field would cost more than the encryption itself); with random nonces
//! one key stays far below the 2^32-message bound of NIST SP 800-38D for any
//! realistic wallet history.
//!
//! The AES-256-GCM implementation is `ring`'s (already in the build for
//! TLS): it picks AES-NI/VAES + CLMUL (x86_64) or the ARMv8 crypto
//! extensions at run time. Per column value it measured about 2x faster
//! than the `aes-gcm` crate here (whose VAES-512 path re-broadcasts the key
//! schedule on every call, which dominates for short values). Both are
//! standard AES-256-GCM: a test checks that `aes-gcm` opens our envelopes
//! and that we open its ciphertexts, byte for byte.

use std::sync::Mutex;

use rand::TryRng;
use rand::rngs::SysRng;
use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use ring::aead::{AES_256_GCM, Aad as RingAad, LessSafeKey, Nonce, Tag, UnboundKey};
use zeroize::Zeroizing;

use super::CryptoError;
use super::secret::SecretKey;

/// Version byte of the current envelope layout.
pub const ENVELOPE_V1: u8 = 1;
/// Nonce length in bytes (96 bits).
pub const NONCE_LEN: usize = 12;
/// Authentication tag length in bytes.
pub const TAG_LEN: usize = 16;
/// Bytes an envelope adds to its plaintext.
pub const OVERHEAD: usize = 1 + NONCE_LEN + TAG_LEN;

/// Fills `out` from the operating system's random number generator.
pub(crate) fn os_random(out: &mut [u8]) -> Result<(), CryptoError> {
    SysRng.try_fill_bytes(out).map_err(|_| CryptoError::Rng)
}

/// Where a ciphertext lives; authenticated but not encrypted.
#[derive(Debug, Clone, Copy)]
pub struct Aad<'a> {
    /// Table name.
    pub table: &'a str,
    /// Column name.
    pub column: &'a str,
    /// The row's stable key (primary key bytes).
    pub row: &'a [u8],
    /// Layout version of the column's plaintext (not SQLite's `user_version`:
    /// a migration that leaves a column's meaning alone keeps it).
    pub schema: u32,
}

impl Aad<'_> {
    fn encoded_len(&self) -> usize {
        16 + self.table.len() + self.column.len() + self.row.len()
    }

    fn encode_into(&self, out: &mut [u8]) {
        let mut at = 0;
        for part in [self.table.as_bytes(), self.column.as_bytes(), self.row] {
            // Parts are short; u32 lengths make the encoding injective.
            out[at..at + 4].copy_from_slice(&(part.len() as u32).to_le_bytes());
            out[at + 4..at + 4 + part.len()].copy_from_slice(part);
            at += 4 + part.len();
        }
        out[at..at + 4].copy_from_slice(&self.schema.to_le_bytes());
    }

    /// Calls `f` with the encoded AAD, on the stack when it is short.
    fn with_bytes<T>(&self, f: impl FnOnce(&[u8]) -> T) -> T {
        let len = self.encoded_len();
        if len <= 128 {
            let mut buf = [0u8; 128];
            self.encode_into(&mut buf[..len]);
            f(&buf[..len])
        } else {
            let mut buf = vec![0u8; len];
            self.encode_into(&mut buf);
            f(&buf)
        }
    }
}

/// Encrypts and decrypts column values under one key. Cheap to share: the
/// AES key schedule is computed once and the nonce generator is seeded once.
pub struct ColumnCipher {
    aead: LessSafeKey,
    nonces: Mutex<ChaCha20Rng>,
}

impl std::fmt::Debug for ColumnCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ColumnCipher(<redacted>)")
    }
}

impl ColumnCipher {
    /// A cipher for `key`, with its nonce generator seeded from the OS.
    pub fn new(key: &SecretKey) -> Result<Self, CryptoError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        os_random(seed.as_mut())?;
        let rng = ChaCha20Rng::from_seed(*seed);
        let aead = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, key.expose()).map_err(|_| CryptoError::Malformed)?,
        );
        Ok(Self {
            aead,
            nonces: Mutex::new(rng),
        })
    }

    fn next_nonce(&self) -> [u8; NONCE_LEN] {
        let mut nonce = [0u8; NONCE_LEN];
        // A poisoned lock only means another thread panicked mid-call; the
        // generator's state is still a valid stream position.
        let mut rng = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        rng.fill_bytes(&mut nonce);
        nonce
    }

    /// Encrypts `plaintext` into a fresh envelope bound to `aad`.
    pub fn seal(&self, aad: &Aad<'_>, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
        self.seal_into(aad, plaintext, &mut out)?;
        Ok(out)
    }

    /// Like [`seal`](Self::seal) but appends to `out` (which is cleared
    /// first), so a caller in a loop can reuse one buffer.
    pub fn seal_into(
        &self,
        aad: &Aad<'_>,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), CryptoError> {
        let nonce = self.next_nonce();
        out.clear();
        out.reserve(OVERHEAD + plaintext.len());
        out.push(ENVELOPE_V1);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let body = &mut out[1 + NONCE_LEN..];
        let tag = aad
            .with_bytes(|aad_bytes| {
                self.aead.seal_in_place_separate_tag(
                    Nonce::assume_unique_for_key(nonce),
                    RingAad::from(aad_bytes),
                    body,
                )
            })
            .map_err(|_| CryptoError::Malformed)?;
        out.extend_from_slice(tag.as_ref());
        Ok(())
    }

    /// Decrypts an envelope made for `aad`; any change to the envelope, the
    /// key or the AAD gives [`CryptoError::Authentication`].
    pub fn open(&self, aad: &Aad<'_>, envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let mut plain = Zeroizing::new(Vec::new());
        self.open_into(aad, envelope, &mut plain)?;
        Ok(plain)
    }

    /// Like [`open`](Self::open) but decrypts into `plain` (cleared first),
    /// so a loop can reuse one zeroizing buffer. On error `plain` is empty.
    pub fn open_into(
        &self,
        aad: &Aad<'_>,
        envelope: &[u8],
        plain: &mut Zeroizing<Vec<u8>>,
    ) -> Result<(), CryptoError> {
        plain.clear();
        if envelope.len() < OVERHEAD {
            return Err(CryptoError::Malformed);
        }
        if envelope[0] != ENVELOPE_V1 {
            return Err(CryptoError::UnsupportedVersion);
        }
        let (nonce, rest) = envelope[1..].split_at(NONCE_LEN);
        let (body, tag) = rest.split_at(rest.len() - TAG_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::Malformed)?;
        let tag: [u8; TAG_LEN] = tag.try_into().map_err(|_| CryptoError::Malformed)?;
        plain.extend_from_slice(body);
        let result = aad.with_bytes(|aad_bytes| {
            self.aead
                .open_in_place_separate_tag(
                    Nonce::assume_unique_for_key(nonce),
                    RingAad::from(aad_bytes),
                    Tag::from(tag),
                    plain.as_mut_slice(),
                    0..,
                )
                .map(|_| ())
        });
        if result.is_err() {
            zeroize::Zeroize::zeroize(&mut **plain);
            plain.clear();
            return Err(CryptoError::Authentication);
        }
        Ok(())
    }
}

/// The nonce of an envelope (for tests and diagnostics; nonces are public).
pub fn envelope_nonce(envelope: &[u8]) -> Option<[u8; NONCE_LEN]> {
    envelope.get(1..1 + NONCE_LEN)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::collections::HashSet;

    use super::*;

    fn aad(row: &[u8]) -> Aad<'_> {
        Aad {
            table: "t",
            column: "c",
            row,
            schema: 1,
        }
    }

    fn cipher() -> ColumnCipher {
        ColumnCipher::new(&SecretKey::random().unwrap()).unwrap()
    }

    #[test]
    fn sealed_value_opens_to_the_same_plaintext() {
        let c = cipher();
        let env = c.seal(&aad(b"1"), b"hello").unwrap();
        assert_eq!(env.len(), 5 + OVERHEAD);
        assert_eq!(env[0], ENVELOPE_V1);
        assert_eq!(c.open(&aad(b"1"), &env).unwrap().as_slice(), b"hello");
    }

    #[test]
    fn every_flipped_byte_is_an_authentication_error() {
        let c = cipher();
        let env = c.seal(&aad(b"1"), b"payload").unwrap();
        for i in 1..env.len() {
            let mut bad = env.clone();
            bad[i] ^= 0x01;
            assert_eq!(c.open(&aad(b"1"), &bad), Err(CryptoError::Authentication));
        }
        let mut bad = env.clone();
        bad[0] = 9;
        assert_eq!(
            c.open(&aad(b"1"), &bad),
            Err(CryptoError::UnsupportedVersion)
        );
        assert_eq!(c.open(&aad(b"1"), &env[..10]), Err(CryptoError::Malformed));
    }

    #[test]
    fn ciphertext_moved_to_another_row_column_table_or_version_fails() {
        let c = cipher();
        let env = c.seal(&aad(b"1"), b"payload").unwrap();
        let moved = [
            aad(b"2"),
            Aad {
                column: "d",
                ..aad(b"1")
            },
            Aad {
                table: "u",
                ..aad(b"1")
            },
            Aad {
                schema: 2,
                ..aad(b"1")
            },
        ];
        for other in moved {
            assert_eq!(c.open(&other, &env), Err(CryptoError::Authentication));
        }
    }

    #[test]
    fn wrong_key_is_an_authentication_error() {
        let env = cipher().seal(&aad(b"1"), b"payload").unwrap();
        assert_eq!(
            cipher().open(&aad(b"1"), &env),
            Err(CryptoError::Authentication)
        );
    }

    #[test]
    fn envelopes_are_standard_aes_256_gcm_both_ways_with_the_aes_gcm_crate() {
        use aes_gcm::aead::{AeadInOut, KeyInit};
        let key = SecretKey::random().unwrap();
        let ours = ColumnCipher::new(&key).unwrap();
        let theirs = aes_gcm::Aes256Gcm::new_from_slice(key.expose()).unwrap();
        let place = aad(b"row-7");
        let aad_bytes = place.with_bytes(<[u8]>::to_vec);
        for len in [0usize, 1, 15, 16, 17, 24, 100] {
            let plain: Vec<u8> = (0..len).map(|i| i as u8).collect();
            // Ours -> aes-gcm.
            let env = ours.seal(&place, &plain).unwrap();
            let nonce: [u8; NONCE_LEN] = env[1..1 + NONCE_LEN].try_into().unwrap();
            let (body, tag) = env[1 + NONCE_LEN..].split_at(len);
            let mut buf = body.to_vec();
            let tag: [u8; TAG_LEN] = tag.try_into().unwrap();
            theirs
                .decrypt_inout_detached(
                    &nonce.into(),
                    &aad_bytes,
                    buf.as_mut_slice().into(),
                    &tag.into(),
                )
                .unwrap();
            assert_eq!(buf, plain);
            // aes-gcm -> ours.
            let nonce = [len as u8; NONCE_LEN];
            let mut buf = plain.clone();
            let tag = theirs
                .encrypt_inout_detached(&nonce.into(), &aad_bytes, buf.as_mut_slice().into())
                .unwrap();
            let env = [&[ENVELOPE_V1][..], &nonce, &buf, tag.as_slice()].concat();
            assert_eq!(ours.open(&place, &env).unwrap().as_slice(), plain);
        }
    }

    #[test]
    fn one_million_encryptions_under_one_key_repeat_no_nonce() {
        let c = cipher();
        let mut seen = HashSet::with_capacity(1_000_000);
        let mut buf = Vec::new();
        for i in 0u32..1_000_000 {
            c.seal_into(&aad(b"r"), &i.to_le_bytes(), &mut buf).unwrap();
            assert!(seen.insert(envelope_nonce(&buf).unwrap()), "nonce repeated");
        }
        assert_eq!(seen.len(), 1_000_000);
    }
}
