//! The host's synchronous callbacks (foreign traits) and their adapters to
//! the core's traits: [`SyncProgressListener`] -> `SyncProgress`,
//! [`PlatformKeyStore`] -> the core's `PlatformKeyStore`. (`LogSink` lives
//! in [`crate::logging`].) An adapter remembers a callback that threw, so
//! the call can fail with `CallbackFailed` instead of crashing.
//!
//! Synchronous only: async foreign-trait methods do not compile in Swift 6
//! mode with uniffi 0.32.2.

use std::sync::{Arc, Mutex};

use imwallet_core::crypto::{
    PlatformKeyError, PlatformKeyStore as CorePlatformKeyStore, SecretBytes,
};
use imwallet_core::wallet::{CancelToken, Locale as CoreLocale, SyncProgress};
use zeroize::Zeroizing;

use crate::errors::{CallbackError, WalletFfiError};

/// Told how far a history sync has come (after each stored page).
#[uniffi::export(with_foreign)]
pub trait SyncProgressListener: Send + Sync {
    /// `fetched` transactions so far. Throwing stops the sync at this page
    /// boundary; the call then fails with `CallbackFailed`.
    fn on_progress(&self, fetched: u64) -> Result<(), CallbackError>;
}

/// Wraps and unwraps the vault's key with a key the platform guards
/// (Android Keystore, iOS Keychain / Secure Enclave), for biometric unlock.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyStore: Send + Sync {
    /// Encrypts `secret` (the vault's 32-byte key); the result is stored in
    /// the vault. Overwrite the host's copy of `secret` after use.
    fn wrap(&self, secret: Vec<u8>) -> Result<Vec<u8>, CallbackError>;
    /// Decrypts a blob made by `wrap`. Throw `Denied` when the user cancels
    /// the prompt, `Unavailable` when the key is gone.
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, CallbackError>;
}

/// The first failure of a host callback during one call.
#[derive(Debug, Default)]
pub(crate) struct FailureSlot(Mutex<Option<String>>);

impl FailureSlot {
    fn record(&self, e: &CallbackError) {
        let mut slot = self.0.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert_with(|| e.to_string());
    }

    /// The recorded failure as the FFI error, if any.
    pub(crate) fn take(&self, callback: &str, locale: CoreLocale) -> Option<WalletFfiError> {
        let detail = self.0.lock().unwrap_or_else(|p| p.into_inner()).take()?;
        Some(WalletFfiError::callback_failed(callback, detail, locale))
    }
}

/// The core's `SyncProgress` over the host's listener; a throwing listener
/// cancels the sync (at the next page boundary) through `cancel`.
pub(crate) struct HostProgress {
    pub(crate) host: Arc<dyn SyncProgressListener>,
    pub(crate) cancel: Arc<CancelToken>,
    pub(crate) failure: FailureSlot,
}

impl SyncProgress for HostProgress {
    fn on_progress(&self, fetched: u64) {
        if let Err(e) = self.host.on_progress(fetched) {
            self.failure.record(&e);
            self.cancel.cancel();
        }
    }
}

/// The core's `PlatformKeyStore` over the host's.
pub(crate) struct HostKeyStore {
    pub(crate) host: Arc<dyn PlatformKeyStore>,
    pub(crate) failure: FailureSlot,
}

impl HostKeyStore {
    /// An adapter for one call.
    pub(crate) fn new(host: Arc<dyn PlatformKeyStore>) -> Arc<Self> {
        Arc::new(Self {
            host,
            failure: FailureSlot::default(),
        })
    }

    fn fail(&self, e: CallbackError) -> PlatformKeyError {
        self.failure.record(&e);
        match e {
            CallbackError::Denied => PlatformKeyError::Denied,
            CallbackError::Unavailable | CallbackError::Failed { .. } => {
                PlatformKeyError::Unavailable
            }
        }
    }
}

impl CorePlatformKeyStore for HostKeyStore {
    fn wrap(&self, secret: &SecretBytes) -> Result<Vec<u8>, PlatformKeyError> {
        self.host
            .wrap(secret.expose().to_vec())
            .map_err(|e| self.fail(e))
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<SecretBytes, PlatformKeyError> {
        let plain = Zeroizing::new(
            self.host
                .unwrap(wrapped.to_vec())
                .map_err(|e| self.fail(e))?,
        );
        Ok(SecretBytes::from(plain.as_slice()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    struct Throwing;
    impl SyncProgressListener for Throwing {
        fn on_progress(&self, _: u64) -> Result<(), CallbackError> {
            Err(CallbackError::Failed {
                detail: "host bug".into(),
            })
        }
    }
    impl PlatformKeyStore for Throwing {
        fn wrap(&self, _: Vec<u8>) -> Result<Vec<u8>, CallbackError> {
            Err(CallbackError::Denied)
        }
        fn unwrap(&self, _: Vec<u8>) -> Result<Vec<u8>, CallbackError> {
            Err(CallbackError::Failed {
                detail: "host bug".into(),
            })
        }
    }

    #[test]
    fn a_throwing_listener_cancels_and_is_reported_once() {
        let progress = HostProgress {
            host: Arc::new(Throwing),
            cancel: CancelToken::new(),
            failure: FailureSlot::default(),
        };
        progress.on_progress(1);
        progress.on_progress(2);
        assert!(progress.cancel.is_cancelled());
        let e = progress
            .failure
            .take("SyncProgressListener", CoreLocale::En)
            .unwrap();
        assert!(
            matches!(e, WalletFfiError::CallbackFailed { ref callback, .. } if callback == "SyncProgressListener")
        );
        assert!(
            progress
                .failure
                .take("SyncProgressListener", CoreLocale::En)
                .is_none()
        );
    }

    #[test]
    fn a_throwing_key_store_maps_to_platform_key_errors() {
        let store = HostKeyStore::new(Arc::new(Throwing));
        assert_eq!(
            store.wrap(&SecretBytes::from(&[1u8; 32][..])).unwrap_err(),
            PlatformKeyError::Denied
        );
        assert_eq!(
            store.unwrap(b"x").map(|_| ()).unwrap_err(),
            PlatformKeyError::Unavailable
        );
        assert!(
            store
                .failure
                .take("PlatformKeyStore", CoreLocale::En)
                .is_some()
        );
    }
}
