//! The vault's error type. Messages never contain secrets, personal data or
//! file paths (paths can contain a user name); fields carry only what a shell
//! needs to react.

use std::path::PathBuf;

use crate::crypto::{CryptoError, PlatformKeyError};

/// Every way a vault operation can fail.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The password was wrong; this many attempts remain before the password
    /// path is disabled.
    #[error("wrong password ({attempts_left} attempts left)")]
    WrongPassword {
        /// Attempts left before a server re-login is required.
        attempts_left: u32,
    },
    /// Too many wrong passwords: wait this many seconds before the next try.
    #[error("too many wrong passwords; retry in {retry_after_s} s")]
    LockedOut {
        /// Seconds until the next attempt is allowed.
        retry_after_s: u64,
    },
    /// The password path is disabled after too many failures; the user must
    /// sign in with the server again.
    #[error("password unlock disabled; sign in again")]
    ReloginRequired,
    /// The vault is locked; unlock it first.
    #[error("vault is locked")]
    Locked,
    /// The platform key cannot open this vault (platform unlock is not
    /// enabled, or the vault is of the legacy format and must be sealed by
    /// one password unlock first); it stays locked: ask for the password.
    #[error("unlock with the password")]
    PasswordUnlockRequired,
    /// A cryptographic check failed (tampered data, wrong key).
    #[error("cryptographic check failed: {0}")]
    Crypto(#[from] CryptoError),
    /// The platform key store refused or failed.
    #[error("platform key store: {0}")]
    PlatformKey(#[from] PlatformKeyError),
    /// SQLite failed. Its messages name tables and constraints, never values.
    #[error("storage error")]
    Storage(#[source] rusqlite::Error),
    /// A file operation failed.
    #[error("file system error")]
    Io(#[from] std::io::Error),
    /// The money-state database is corrupt; it was moved to `moved_to`.
    #[error("vault database is corrupt and was moved aside")]
    Corrupt {
        /// Where the corrupt files now are.
        moved_to: PathBuf,
    },
    /// The database was written by a newer version of the app.
    #[error("database schema {found} is newer than supported {supported}")]
    SchemaTooNew {
        /// The schema version on disk.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// No such record.
    #[error("not found")]
    NotFound,
    /// The record or vault already exists.
    #[error("already exists")]
    AlreadyExists,
    /// No vault has been created at this location.
    #[error("no vault exists here")]
    NoVault,
    /// The stored KDF parameters or the requested ones are below policy.
    #[error("key derivation parameters below policy")]
    WeakKdfParams,
    /// A state change that the current state does not allow.
    #[error("invalid state transition")]
    InvalidState,
    /// An argument was rejected; the text names the rule, not the value.
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        VaultError::Storage(e)
    }
}

/// Result alias of the store.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;
