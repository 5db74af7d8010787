//! The key hierarchy: password -> Argon2id -> key-encryption key (KEK) ->
//! unwraps a random 256-bit data key (DEK) -> derives the column key and the
//! blind-index key ([`VaultKeys`]).
//!
//! The DEK never changes for the life of a vault: changing the password only
//! re-wraps it, so no row is re-encrypted. Subkeys are HMAC-SHA256(DEK,
//! label), so the column cipher and the blind index never share a key.
//!
//! Every wrapping of the DEK (the password wrap and the key check that the
//! platform-key path verifies) also authenticates the vault's
//! [`VaultFormat`]: what its rows promise. Someone with the files can delete
//! any row or setting, but cannot turn a wrap that says "every outbox row is
//! sealed" into one that says "legacy rows may lack their header" without
//! the password or the DEK.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::envelope::{Aad, ColumnCipher};
use super::kdf::KdfParams;
use super::secret::SecretKey;
use super::{CryptoError, SecretBytes};

/// What a vault's rows promise, bound to the wrapped DEK (the AAD's version
/// field of the password wrap and of the key check).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VaultFormat {
    /// Wrapped before the format was bound: outbox rows may still lack their
    /// authenticated header and are sealed (trusting their plaintext) at the
    /// next password unlock, which then re-wraps as [`Self::SealedOutbox`].
    Legacy,
    /// Every outbox row carries its authenticated header: a row without one
    /// is tampering, and the vault refuses to unlock.
    SealedOutbox,
}

impl VaultFormat {
    /// The format new vaults and every re-wrap are written in.
    pub const CURRENT: Self = Self::SealedOutbox;

    /// Every known format, newest first (the order an unwrap tries them).
    const NEWEST_FIRST: [Self; 2] = [Self::SealedOutbox, Self::Legacy];

    /// The AAD version that carries the format (1 is what builds before the
    /// binding wrote, so their wraps open as [`Self::Legacy`]).
    fn aad_version(self) -> u32 {
        match self {
            Self::Legacy => 1,
            Self::SealedOutbox => 2,
        }
    }
}

/// The data-encryption key: random, 256 bits, wrapped at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataKey(SecretKey);

impl DataKey {
    /// A fresh random DEK.
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self(SecretKey::random()?))
    }

    /// The raw key (for wrapping by a platform key store).
    pub fn to_secret_bytes(&self) -> SecretBytes {
        SecretBytes::from(&self.0.expose()[..])
    }

    /// Rebuilds a DEK from bytes unwrapped by a platform key store.
    pub fn from_secret_bytes(bytes: &SecretBytes) -> Result<Self, CryptoError> {
        let raw: [u8; 32] = bytes
            .expose()
            .try_into()
            .map_err(|_| CryptoError::Malformed)?;
        let mut raw = Zeroizing::new(raw);
        let key = SecretKey::from_bytes(*raw);
        zeroize::Zeroize::zeroize(&mut *raw);
        Ok(Self(key))
    }

    /// Wraps this DEK under a KEK. The AAD binds the wrap to the salt, the
    /// KDF parameters (swapping in weaker stored parameters is detected) and
    /// `format` (a sealed vault cannot be made to look legacy).
    pub fn wrap(
        &self,
        kek: &SecretKey,
        salt: &[u8],
        params: &KdfParams,
        format: VaultFormat,
    ) -> Result<Vec<u8>, CryptoError> {
        let context = wrap_context(salt, params);
        ColumnCipher::new(kek)?.seal(&wrap_aad(&context, format), self.0.expose())
    }

    /// Unwraps a DEK and the format its wrap authenticates; a wrong password
    /// (KEK) gives [`CryptoError::Authentication`].
    pub fn unwrap(
        kek: &SecretKey,
        wrapped: &[u8],
        salt: &[u8],
        params: &KdfParams,
    ) -> Result<(Self, VaultFormat), CryptoError> {
        let context = wrap_context(salt, params);
        let cipher = ColumnCipher::new(kek)?;
        let mut found = Err(CryptoError::Authentication);
        for format in VaultFormat::NEWEST_FIRST {
            match cipher.open(&wrap_aad(&context, format), wrapped) {
                Ok(plain) => {
                    found = Ok((plain, format));
                    break;
                }
                Err(CryptoError::Authentication) => {}
                Err(e) => return Err(e),
            }
        }
        let (plain, format) = found?;
        let raw: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CryptoError::Malformed)?;
        let mut raw = Zeroizing::new(raw);
        let key = SecretKey::from_bytes(*raw);
        zeroize::Zeroize::zeroize(&mut *raw);
        Ok((Self(key), format))
    }
}

fn wrap_context(salt: &[u8], params: &KdfParams) -> Vec<u8> {
    let mut row = Vec::with_capacity(salt.len() + 12);
    row.extend_from_slice(salt);
    row.extend_from_slice(&params.m_kib.to_le_bytes());
    row.extend_from_slice(&params.t.to_le_bytes());
    row.extend_from_slice(&params.p.to_le_bytes());
    row
}

fn wrap_aad(context: &[u8], format: VaultFormat) -> Aad<'_> {
    Aad {
        table: "vault_meta",
        column: "wrapped_dek",
        row: context,
        schema: format.aad_version(),
    }
}

/// Where the key check lives: a known plaintext under the column key that
/// proves a DEK (e.g. one released by the platform key store) belongs to
/// the vault, and authenticates the vault's format for that path.
fn key_check_aad(format: VaultFormat) -> Aad<'static> {
    Aad {
        table: "vault_meta",
        column: "key_check",
        row: b"1",
        schema: format.aad_version(),
    }
}

const KEY_CHECK_PLAINTEXT: &[u8] = b"imwallet-key-check";

fn subkey(dek: &DataKey, label: &[u8]) -> Result<SecretKey, CryptoError> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(dek.0.expose())
        .map_err(|_| CryptoError::Malformed)?;
    mac.update(label);
    let out: [u8; 32] = mac.finalize().into_bytes().into();
    let mut out = Zeroizing::new(out);
    let key = SecretKey::from_bytes(*out);
    zeroize::Zeroize::zeroize(&mut *out);
    Ok(key)
}

/// A keyed hash for equality lookups on encrypted columns ("blind index").
/// The output is truncated to 128 bits: enough to make collisions and
/// guessing by index value infeasible, small enough for a compact index.
#[derive(Clone)]
pub struct BlindIndexKey(Hmac<Sha256>);

impl std::fmt::Debug for BlindIndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlindIndexKey(<redacted>)")
    }
}

impl BlindIndexKey {
    /// Length of an index value in bytes.
    pub const LEN: usize = 16;

    /// The index value of `value` in `table.column`.
    pub fn index(&self, table: &str, column: &str, value: &[u8]) -> [u8; Self::LEN] {
        let mut mac = self.0.clone();
        mac.update(&(table.len() as u32).to_le_bytes());
        mac.update(table.as_bytes());
        mac.update(&(column.len() as u32).to_le_bytes());
        mac.update(column.as_bytes());
        mac.update(value);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; Self::LEN];
        out.copy_from_slice(&full[..Self::LEN]);
        out
    }

    /// The index value of `value` in `table.column` as a 64-bit integer:
    /// the first 8 bytes (little-endian) of [`index`](Self::index).
    ///
    /// SQLite compares integer keys on its fastest path and stores them in
    /// at most 8 bytes, so a large index (the history's counterparties)
    /// costs much less to maintain than one on 16-byte blobs. 64 bits are
    /// still unguessable without the key; a collision (about n^2/2^65 for
    /// n distinct values) only adds a false candidate, which callers drop
    /// after decrypting. Being a prefix of the 128-bit value, it reveals
    /// nothing the longer value did not.
    pub fn index_i64(&self, table: &str, column: &str, value: &[u8]) -> i64 {
        let full = self.index(table, column, value);
        let mut head = [0u8; 8];
        head.copy_from_slice(&full[..8]);
        i64::from_le_bytes(head)
    }
}

/// The working keys of an unlocked vault.
#[derive(Debug)]
pub struct VaultKeys {
    /// Encrypts and decrypts column values.
    pub columns: ColumnCipher,
    /// Computes blind-index values.
    pub index: BlindIndexKey,
}

impl VaultKeys {
    /// Derives the column and index keys from the DEK.
    pub fn from_dek(dek: &DataKey) -> Result<Self, CryptoError> {
        let column_key = subkey(dek, b"imwallet/v1/column-encryption")?;
        let index_key = subkey(dek, b"imwallet/v1/blind-index")?;
        let index = <Hmac<Sha256> as KeyInit>::new_from_slice(index_key.expose())
            .map_err(|_| CryptoError::Malformed)?;
        Ok(Self {
            columns: ColumnCipher::new(&column_key)?,
            index: BlindIndexKey(index),
        })
    }

    /// The key check of a vault in `format`.
    pub fn seal_key_check(&self, format: VaultFormat) -> Result<Vec<u8>, CryptoError> {
        self.columns
            .seal(&key_check_aad(format), KEY_CHECK_PLAINTEXT)
    }

    /// The format a key check made by [`seal_key_check`](Self::seal_key_check)
    /// authenticates; [`CryptoError::Authentication`] when it was made under
    /// another DEK or changed.
    pub fn open_key_check(&self, check: &[u8]) -> Result<VaultFormat, CryptoError> {
        for format in VaultFormat::NEWEST_FIRST {
            match self.columns.open(&key_check_aad(format), check) {
                Ok(plain) if plain.as_slice() == KEY_CHECK_PLAINTEXT => return Ok(format),
                Ok(_) => return Err(CryptoError::Authentication),
                Err(CryptoError::Authentication) => {}
                Err(e) => return Err(e),
            }
        }
        Err(CryptoError::Authentication)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const P: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[test]
    fn wrapped_dek_unwraps_only_with_the_same_kek_salt_and_params() {
        let dek = DataKey::generate().unwrap();
        let kek = SecretKey::random().unwrap();
        let wrapped = dek.wrap(&kek, &[1; 16], &P, VaultFormat::CURRENT).unwrap();
        assert_eq!(
            DataKey::unwrap(&kek, &wrapped, &[1; 16], &P).unwrap(),
            (dek, VaultFormat::CURRENT)
        );
        let other = SecretKey::random().unwrap();
        assert_eq!(
            DataKey::unwrap(&other, &wrapped, &[1; 16], &P),
            Err(CryptoError::Authentication)
        );
        assert!(DataKey::unwrap(&kek, &wrapped, &[2; 16], &P).is_err());
        let weaker = KdfParams { t: 2, ..P };
        assert!(DataKey::unwrap(&kek, &wrapped, &[1; 16], &weaker).is_err());
    }

    #[test]
    fn the_wrap_and_the_key_check_say_their_format_and_cannot_be_relabelled() {
        let dek = DataKey::generate().unwrap();
        let kek = SecretKey::random().unwrap();
        let keys = VaultKeys::from_dek(&dek).unwrap();
        for format in [VaultFormat::Legacy, VaultFormat::SealedOutbox] {
            let wrapped = dek.wrap(&kek, &[1; 16], &P, format).unwrap();
            assert_eq!(
                DataKey::unwrap(&kek, &wrapped, &[1; 16], &P).unwrap().1,
                format
            );
            let check = keys.seal_key_check(format).unwrap();
            assert_eq!(keys.open_key_check(&check).unwrap(), format);
        }
        // A wrap made by builds before the format was bound (AAD version 1)
        // opens as legacy; nothing opens under a version it was not made for.
        let context = wrap_context(&[1; 16], &P);
        let old = ColumnCipher::new(&kek)
            .unwrap()
            .seal(
                &Aad {
                    schema: 1,
                    ..wrap_aad(&context, VaultFormat::CURRENT)
                },
                dek.0.expose(),
            )
            .unwrap();
        assert_eq!(
            DataKey::unwrap(&kek, &old, &[1; 16], &P).unwrap().1,
            VaultFormat::Legacy
        );
        let sealed = keys.seal_key_check(VaultFormat::SealedOutbox).unwrap();
        let cipher = &keys.columns;
        assert!(
            cipher
                .open(&key_check_aad(VaultFormat::Legacy), &sealed)
                .is_err()
        );
        let other = VaultKeys::from_dek(&DataKey::generate().unwrap()).unwrap();
        assert_eq!(
            other.open_key_check(&sealed),
            Err(CryptoError::Authentication)
        );
    }

    #[test]
    fn blind_index_is_deterministic_per_key_and_separated_per_column() {
        let dek = DataKey::generate().unwrap();
        let a = VaultKeys::from_dek(&dek).unwrap();
        let b = VaultKeys::from_dek(&dek).unwrap();
        assert_eq!(a.index.index("t", "c", b"x"), b.index.index("t", "c", b"x"));
        assert_ne!(a.index.index("t", "c", b"x"), a.index.index("t", "d", b"x"));
        let other = VaultKeys::from_dek(&DataKey::generate().unwrap()).unwrap();
        assert_ne!(
            a.index.index("t", "c", b"x"),
            other.index.index("t", "c", b"x")
        );
    }

    #[test]
    fn integer_blind_index_is_the_prefix_of_the_long_one() {
        let keys = VaultKeys::from_dek(&DataKey::generate().unwrap()).unwrap();
        let long = keys.index.index("t", "c", b"x");
        let short = keys.index.index_i64("t", "c", b"x");
        assert_eq!(short.to_le_bytes(), long[..8]);
        assert_ne!(short, keys.index.index_i64("t", "c", b"y"));
    }

    #[test]
    fn the_same_dek_gives_ciphers_that_read_each_other() {
        let dek = DataKey::generate().unwrap();
        let a = VaultKeys::from_dek(&dek).unwrap();
        let b = VaultKeys::from_dek(&dek).unwrap();
        let aad = Aad {
            table: "t",
            column: "c",
            row: b"1",
            schema: 1,
        };
        let env = a.columns.seal(&aad, b"v").unwrap();
        assert_eq!(b.columns.open(&aad, &env).unwrap().as_slice(), b"v");
    }
}
