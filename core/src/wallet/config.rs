//! How a [`Wallet`](super::Wallet) is set up: where its files live, which
//! server it talks to, and the vault's policies.

use std::path::PathBuf;
use std::time::Duration;

use crate::api::{ApiConfig, ApiKey, PinSet, RetryPolicy};
use crate::store::VaultOptions;

use super::{Locale, WalletError};

/// Everything a wallet needs; build it with [`WalletConfig::new`] and adjust
/// the public fields.
#[derive(Debug, Clone)]
pub struct WalletConfig {
    /// The directory holding `vault.db` and `cache.db` (one account per
    /// directory). Created if missing.
    pub data_dir: PathBuf,
    /// The wallet API: base URL, API key, timeouts, retries, pins.
    pub api: ApiConfig,
    /// KDF policy, brute-force limits and clock of the local vault.
    pub vault: VaultOptions,
    /// Transactions fetched per request during history sync (1–200).
    pub sync_page_size: u32,
    /// The language of user messages (see [`super::catalog`]); defaults to
    /// the host's ([`Locale::from_host`]).
    pub locale: Locale,
}

impl WalletConfig {
    /// A configuration with default timeouts, retries and vault policy.
    /// `base_url` must be `https://`, or `http://` to a loopback address
    /// (the sandbox).
    pub fn new(
        data_dir: impl Into<PathBuf>,
        base_url: &str,
        api_key: &str,
    ) -> Result<Self, WalletError> {
        let key = ApiKey::new(api_key)?;
        Ok(Self {
            data_dir: data_dir.into(),
            api: ApiConfig::new(base_url, key)?,
            vault: VaultOptions::default(),
            sync_page_size: 200,
            locale: Locale::from_host(),
        })
    }

    /// Sets the per-request timeout (one HTTP exchange).
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.api.request_timeout = timeout;
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.api.retry = retry;
        self
    }

    /// Sets the language of user messages.
    #[must_use]
    pub fn with_locale(mut self, locale: Locale) -> Self {
        self.locale = locale;
        self
    }

    /// Pins the server's public keys (primary + backup).
    #[must_use]
    pub fn with_pins(mut self, pins: PinSet) -> Self {
        self.api.pins = Some(pins);
        self
    }
}
