//! The `Wallet` object: its configuration record, the sync constructor and
//! the sync state queries. The async capabilities are `impl` blocks in
//! `auth`, `money`, `cards`, `history` and `codes`.

use std::sync::Arc;
use std::time::Duration;

use imwallet_core::WalletError;
use imwallet_core::api::{PinSet, SpkiPin};
use imwallet_core::wallet::{
    Locale as CoreLocale, Wallet as CoreWallet, WalletConfig as CoreConfig,
};

use crate::errors::WalletFfiError;
use crate::runtime::{run, sync};
use crate::types::Locale;

/// How to open a wallet.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletConfig {
    /// Directory of this account's encrypted files (created if missing).
    pub data_dir: String,
    /// The wallet API: `https://...`, or `http://` to a loopback address.
    pub base_url: String,
    /// The app's API key (`sk_sandbox_...` / `sk_live_...`).
    pub api_key: String,
    /// Language of user messages; `None` = the host's (`default_locale()`).
    pub locale: Option<Locale>,
    /// Timeout of one HTTP exchange in ms; `None` = the core's default.
    pub request_timeout_ms: Option<u64>,
    /// SPKI SHA-256 pins (`sha256/<base64>`): none, or a primary, a backup
    /// and more.
    pub pins: Vec<String>,
    /// Transactions per history-sync request (1–200); `None` = 200.
    pub sync_page_size: Option<u32>,
}

impl TryFrom<WalletConfig> for CoreConfig {
    type Error = WalletError;

    fn try_from(c: WalletConfig) -> Result<Self, WalletError> {
        let mut config = CoreConfig::new(c.data_dir, &c.base_url, &c.api_key)?;
        if let Some(locale) = c.locale {
            config = config.with_locale(locale.into());
        }
        if let Some(ms) = c.request_timeout_ms {
            config = config.with_request_timeout(Duration::from_millis(ms));
        }
        if let Some(size) = c.sync_page_size {
            config.sync_page_size = size;
        }
        if !c.pins.is_empty() {
            let pins = c
                .pins
                .iter()
                .map(|p| SpkiPin::parse(p))
                .collect::<Result<Vec<_>, _>>()?;
            let mut pins = pins.into_iter();
            let (Some(primary), Some(backup)) = (pins.next(), pins.next()) else {
                return Err(WalletError::Configuration {
                    message: "pins need a primary and a backup".into(),
                });
            };
            config = config.with_pins(PinSet::new(primary, backup, pins)?);
        }
        Ok(config)
    }
}

/// One account on one device: the whole wallet.
#[derive(Debug, uniffi::Object)]
pub struct Wallet {
    pub(crate) inner: Arc<CoreWallet>,
    pub(crate) locale: CoreLocale,
}

impl Wallet {
    /// Runs `f` on the core wallet on the runtime, converting its error.
    pub(crate) async fn call<T, Fut>(
        &self,
        f: impl FnOnce(Arc<CoreWallet>) -> Fut,
    ) -> Result<T, WalletFfiError>
    where
        T: Send + 'static,
        Fut: std::future::Future<Output = Result<T, WalletError>> + Send + 'static,
    {
        run(self.locale, f(Arc::clone(&self.inner))).await
    }
}

#[uniffi::export]
impl Wallet {
    /// Opens the wallet in `config.data_dir`; an existing vault opens locked.
    #[uniffi::constructor]
    pub fn new(config: WalletConfig) -> Result<Arc<Self>, WalletFfiError> {
        let fallback = config.locale.map_or_else(CoreLocale::from_host, Into::into);
        let config = sync(fallback, CoreConfig::try_from(config))?;
        let locale = config.locale;
        // The API client is built inside the runtime (its connection pool
        // spawns tasks there).
        let rt = sync(locale, crate::runtime::runtime())?;
        let _guard = rt.enter();
        let inner = sync(locale, CoreWallet::open(config))?;
        Ok(Arc::new(Self { inner, locale }))
    }

    /// The language of this wallet's user messages.
    pub fn locale(&self) -> Result<Locale, WalletFfiError> {
        Ok(self.locale.into())
    }

    /// True when a vault exists on this device (someone logged in before).
    pub fn has_account(&self) -> Result<bool, WalletFfiError> {
        Ok(self.inner.has_account())
    }

    /// True when the vault is unlocked.
    pub fn is_unlocked(&self) -> Result<bool, WalletFfiError> {
        Ok(self.inner.is_unlocked())
    }

    /// True when a server session is active.
    pub fn is_logged_in(&self) -> Result<bool, WalletFfiError> {
        Ok(self.inner.is_logged_in())
    }

    /// Locks the vault and forgets the in-memory session.
    pub fn lock(&self) -> Result<(), WalletFfiError> {
        self.inner.lock();
        Ok(())
    }
}
