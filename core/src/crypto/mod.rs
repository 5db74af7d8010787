//! Cryptography of the local vault: the Argon2id KDF with stored, upgradable
//! parameters ([`kdf`]), the AES-256-GCM column envelope with AAD
//! ([`envelope`]), the key hierarchy password -> KEK -> DEK -> column and
//! blind-index keys ([`keys`]), the platform-key wrapping used for biometric
//! unlock ([`platform`]) and the zeroizing secret types ([`secret`]).
//!
//! This module does no I/O: the [`crate::store`] module decides what is kept
//! where. Every error is a [`CryptoError`] whose message carries no data.

pub mod envelope;
pub mod error;
pub mod kdf;
pub mod keys;
pub mod platform;
pub mod secret;

pub use envelope::{Aad, ColumnCipher};
pub use error::CryptoError;
pub use kdf::{KdfParams, KdfPolicy, calibrate};
pub use keys::{DataKey, VaultFormat, VaultKeys};
pub use platform::{PlatformKeyError, PlatformKeyStore, SoftwarePlatformKeyStore};
pub use secret::{Password, SecretBytes, SecretString};
