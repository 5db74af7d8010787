//! The platform key store: a second wrapping of the DEK by a key that the OS
//! guards (Android Keystore, iOS Keychain/Secure Enclave), released after a
//! biometric check. The bindings implement [`PlatformKeyStore`] over the
//! platform APIs; [`SoftwarePlatformKeyStore`] is a real in-process
//! implementation (an AES-256-GCM key held in memory) for desktop tools and
//! tests.

use super::envelope::{Aad, ColumnCipher};
use super::secret::{SecretBytes, SecretKey};

/// Why the platform key store refused or failed (no details: they are the
/// platform's business and may be personal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PlatformKeyError {
    /// The user cancelled or failed the biometric prompt.
    #[error("platform authentication was cancelled or failed")]
    Denied,
    /// The key is gone (e.g. biometrics were re-enrolled) or the blob is bad.
    #[error("platform key is unavailable")]
    Unavailable,
}

/// Wraps and unwraps small secrets with a key held by the platform.
pub trait PlatformKeyStore: Send + Sync {
    /// Encrypts `secret`; the result is stored in the vault.
    fn wrap(&self, secret: &SecretBytes) -> Result<Vec<u8>, PlatformKeyError>;
    /// Decrypts a blob made by [`wrap`](Self::wrap).
    fn unwrap(&self, wrapped: &[u8]) -> Result<SecretBytes, PlatformKeyError>;
}

/// A platform key store whose key lives only in this process's memory.
#[derive(Debug)]
pub struct SoftwarePlatformKeyStore {
    cipher: ColumnCipher,
}

const AAD: Aad<'static> = Aad {
    table: "platform",
    column: "dek",
    row: b"",
    schema: 1,
};

impl SoftwarePlatformKeyStore {
    /// A store with a fresh random key.
    pub fn generate() -> Result<Self, super::CryptoError> {
        Ok(Self {
            cipher: ColumnCipher::new(&SecretKey::random()?)?,
        })
    }
}

impl PlatformKeyStore for SoftwarePlatformKeyStore {
    fn wrap(&self, secret: &SecretBytes) -> Result<Vec<u8>, PlatformKeyError> {
        self.cipher
            .seal(&AAD, secret.expose())
            .map_err(|_| PlatformKeyError::Unavailable)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<SecretBytes, PlatformKeyError> {
        let plain = self
            .cipher
            .open(&AAD, wrapped)
            .map_err(|_| PlatformKeyError::Unavailable)?;
        Ok(SecretBytes::from(plain.as_slice()))
    }
}
