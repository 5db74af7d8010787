//! The facade a shell calls: one [`Wallet`] per account and device, doing
//! the whole user journey of DESIGN.md sections 3 and 5 against the wallet
//! API and keeping what it must in the encrypted vault.
//!
//! Every method is async and returns `Result<_, WalletError>`; arguments and
//! results are owned types, and the wallet lives behind an `Arc`, so the
//! bindings expose it through uniffi as it is. Registration, login and the
//! local lock live in [`crate::auth`] (more `impl Wallet` blocks); money
//! movement goes through the exactly-once [`executor`].
//!
//! Blocking work (SQLite, Argon2) runs on tokio's blocking pool, never on
//! the caller's async worker.

mod cards;
pub mod catalog;
mod codes;
mod config;
mod error;
pub(crate) mod executor;
mod history;
mod money;
mod orders;
mod pending;

use std::sync::{Arc, RwLock};

use zeroize::Zeroizing;

use crate::api::{ApiClient, TokenPair};
use crate::store::repo::tokens::SessionTokens as StoredTokens;
use crate::store::{Vault, VaultError, VaultPaths};

pub use catalog::Locale;
pub use codes::ReceiveCodeRequest;
pub use config::WalletConfig;
pub use error::{CodeFailure, WalletError};
pub use executor::{OperationStatus, ReconcileReport};
pub use history::{
    CancelToken, HistoryPage, SpendingLine, SyncProgress, SyncReport, TransactionView, UtcMinute,
};
pub use money::{PayRequest, TransferTarget};
pub use orders::OrderPreview;

/// Shared slot for the vault: empty until the first login on this device
/// creates it.
pub(crate) type VaultSlot = Arc<RwLock<Option<Arc<Vault>>>>;

/// One account on one device.
pub struct Wallet {
    pub(crate) config: WalletConfig,
    pub(crate) api: ApiClient,
    pub(crate) vault: VaultSlot,
    pub(crate) paths: VaultPaths,
    /// Between the two login steps: the ticket and the password (to open
    /// the vault once the second factor succeeds).
    pub(crate) pending_login: std::sync::Mutex<Option<crate::auth::PendingLogin>>,
    /// Serialises money movement and reconciliation: one operation on the
    /// wire at a time per wallet.
    pub(crate) money_gate: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("has_vault", &self.current_vault().is_some())
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// Opens the wallet in `config.data_dir` (creating the directory). An
    /// existing vault is opened locked; without one, the first login or
    /// registration creates it.
    pub fn open(config: WalletConfig) -> Result<Arc<Self>, WalletError> {
        std::fs::create_dir_all(&config.data_dir).map_err(|e| WalletError::Storage {
            message: format!("cannot create the data directory ({})", e.kind()),
        })?;
        let paths = VaultPaths::in_dir(&config.data_dir);
        let vault = if paths.main.exists() {
            match Vault::open(&paths, config.vault.clone()) {
                Ok(vault) => Some(Arc::new(vault)),
                Err(VaultError::NoVault) => None,
                Err(e) => return Err(e.into()),
            }
        } else {
            None
        };
        let api = ApiClient::new(config.api.clone())?;
        let slot: VaultSlot = Arc::new(RwLock::new(vault));
        let persist_slot = Arc::clone(&slot);
        api.session().on_rotation(Arc::new(move |pair: &TokenPair| {
            persist_rotated_tokens(&persist_slot, pair);
        }));
        Ok(Arc::new(Self {
            config,
            api,
            vault: slot,
            paths,
            pending_login: std::sync::Mutex::new(None),
            money_gate: tokio::sync::Mutex::new(()),
        }))
    }

    /// True when a vault exists on this device (someone logged in before).
    pub fn has_account(&self) -> bool {
        self.current_vault().is_some()
    }

    /// True when the vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.current_vault().is_some_and(|v| v.is_unlocked())
    }

    /// The language of user messages, from the configuration.
    pub fn locale(&self) -> Locale {
        self.config.locale
    }

    /// True when a server session is active.
    pub fn is_logged_in(&self) -> bool {
        self.api.session().current().is_some()
    }

    pub(crate) fn current_vault(&self) -> Option<Arc<Vault>> {
        self.vault
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The vault, which must exist and be unlocked.
    pub(crate) fn unlocked_vault(&self) -> Result<Arc<Vault>, WalletError> {
        let vault = self.current_vault().ok_or(WalletError::NotLoggedIn)?;
        if !vault.is_unlocked() {
            return Err(WalletError::VaultLocked);
        }
        Ok(vault)
    }

    /// Runs `f` on the unlocked vault in the blocking pool.
    pub(crate) async fn with_vault<T, F>(&self, f: F) -> Result<T, WalletError>
    where
        T: Send + 'static,
        F: FnOnce(&Vault) -> Result<T, VaultError> + Send + 'static,
    {
        let vault = self.unlocked_vault()?;
        blocking(move || f(&vault).map_err(WalletError::from)).await
    }

    /// Fails with [`WalletError::NotLoggedIn`] without a session and with
    /// [`WalletError::VaultLocked`] while locked.
    pub(crate) fn require_session(&self) -> Result<(), WalletError> {
        self.unlocked_vault()?;
        if self.api.session().current().is_none() {
            return Err(WalletError::NotLoggedIn);
        }
        Ok(())
    }
}

/// Runs blocking work on tokio's blocking pool.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, WalletError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, WalletError> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| WalletError::internal("a blocking task panicked or was cancelled"))?
}

/// Converts stored tokens into the API session's pair.
pub(crate) fn pair_from_stored(stored: &StoredTokens) -> TokenPair {
    TokenPair {
        access_token: Zeroizing::new(stored.access.expose().to_owned()),
        refresh_token: Zeroizing::new(stored.refresh.expose().to_owned()),
    }
}

/// Saves a rotated token pair in the vault before the next request uses it
/// (into the session escrow while the vault is locked). Called from inside
/// the API client's refresh; failures are logged (the pair stays usable in
/// memory; the next login replaces it).
fn persist_rotated_tokens(slot: &VaultSlot, pair: &TokenPair) {
    let vault = slot
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    let Some(vault) = vault else { return };
    let stored = StoredTokens {
        access: crate::crypto::SecretString::new(pair.access_token.as_str()),
        refresh: crate::crypto::SecretString::new(pair.refresh_token.as_str()),
        access_expires_at_s: 0,
    };
    let saved = vault.save_rotated_session(&stored);
    if let Err(e) = saved {
        tracing::warn!(error = %e, "could not persist rotated session tokens");
    }
}
