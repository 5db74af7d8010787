//! The logged-in session: the current access and refresh tokens, and the
//! bookkeeping that makes a token refresh single-flight.
//!
//! Tokens are held in zeroizing strings and never printed. Each successful
//! refresh (or login) bumps a generation counter; a call that got `401` with
//! generation `g` only refreshes if the session is still at `g` when it gets
//! the refresh gate, so N concurrent calls cause one refresh, not N.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use zeroize::Zeroizing;

/// An access token and the refresh token that renews it.
#[derive(Clone, serde::Deserialize)]
pub struct TokenPair {
    /// Short-lived bearer token.
    pub access_token: Zeroizing<String>,
    /// Single-use token that yields the next pair (rotated on every refresh).
    pub refresh_token: Zeroizing<String>,
}

impl fmt::Debug for TokenPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenPair(<redacted>)")
    }
}

/// Called with the new pair after every rotation, so the caller can persist
/// it (encrypted) before the next request uses it.
pub type RotationListener = Arc<dyn Fn(&TokenPair) + Send + Sync>;

/// The session state shared by all calls of one [`ApiClient`](super::ApiClient).
#[derive(Default)]
pub struct SessionTokens {
    current: RwLock<Option<Arc<TokenPair>>>,
    generation: AtomicU64,
    pub(crate) refresh_gate: tokio::sync::Mutex<()>,
    listener: RwLock<Option<RotationListener>>,
}

impl fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokens")
            .field("logged_in", &self.current().is_some())
            .field("generation", &self.generation())
            .finish()
    }
}

impl SessionTokens {
    /// Installs a pair (after login, or restored from the vault).
    pub fn set(&self, pair: TokenPair) {
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = Some(Arc::new(pair));
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Installs a rotated pair and tells the listener.
    pub(crate) fn rotate(&self, pair: TokenPair) {
        let listener = self
            .listener
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        if let Some(listener) = listener {
            listener(&pair);
        }
        self.set(pair);
    }

    /// Forgets the tokens (logout, or a revoked session).
    pub fn clear(&self) {
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *current = None;
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// The current pair, if logged in.
    pub fn current(&self) -> Option<Arc<TokenPair>> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Changes every time the pair changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Registers the rotation listener (replacing any previous one).
    pub fn on_rotation(&self, listener: RotationListener) {
        *self
            .listener
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(listener);
    }
}
