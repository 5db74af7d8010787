//! In-memory cache of who is calling: API keys to apps and access tokens to
//! sessions, keyed by the SHA-256 digests of the secrets (never the secrets
//! themselves), so the hot path authenticates without a database trip.
//!
//! Correctness rests on [`Generations`](crate::db::Generations): every entry
//! is tagged with the change counter of the session tables it was read at.
//! Any update or delete of `apps`, `token_families` or `access_tokens`
//! (logout, reuse detection, password change, refresh rotation, ...) bumps
//! the counter before the change commits, and a lookup at a newer counter
//! drops every entry. Expiry is checked on every lookup against the
//! server's clock. Only positive answers are cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// SHA-256 digest of a secret.
pub type Digest = [u8; 32];

/// Entries kept at most per map; a full map is emptied.
const CAPACITY: usize = 100_000;

/// A cached valid access token.
#[derive(Debug, Clone)]
pub struct CachedToken {
    /// The user.
    pub user: Arc<str>,
    /// The token family (session).
    pub family: Arc<str>,
    /// Expiry, Unix ms.
    pub expires_at: i64,
}

#[derive(Debug, Default)]
struct Inner {
    generation: u64,
    apps: HashMap<Digest, Arc<str>>,
    tokens: HashMap<Digest, CachedToken>,
}

impl Inner {
    /// Moves to `generation` (dropping everything) if it is newer; whether
    /// entries of `generation` may be used or stored.
    fn at(&mut self, generation: u64) -> bool {
        if generation > self.generation {
            self.apps.clear();
            self.tokens.clear();
            self.generation = generation;
        }
        generation == self.generation
    }
}

/// The cache (one per server).
#[derive(Debug, Default)]
pub struct SessionCache {
    inner: Mutex<Inner>,
}

impl SessionCache {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A poisoned cache is still a valid cache: entries are immutable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The app of an API key digest, if cached at `generation`.
    pub fn app(&self, generation: u64, key: &Digest) -> Option<Arc<str>> {
        let mut inner = self.lock();
        inner.at(generation);
        inner.apps.get(key).cloned()
    }

    /// The session of an access-token digest, if cached at `generation` and
    /// not expired at `now`.
    pub fn token(&self, generation: u64, token: &Digest, now: i64) -> Option<CachedToken> {
        let mut inner = self.lock();
        inner.at(generation);
        inner
            .tokens
            .get(token)
            .filter(|t| t.expires_at > now)
            .cloned()
    }

    /// Remembers an app read from the database at `generation`.
    pub fn put_app(&self, generation: u64, key: Digest, app: Arc<str>) {
        let mut inner = self.lock();
        if inner.at(generation) {
            if inner.apps.len() >= CAPACITY {
                inner.apps.clear();
            }
            inner.apps.insert(key, app);
        }
    }

    /// Remembers a valid token read from the database at `generation`.
    pub fn put_token(&self, generation: u64, token: Digest, entry: CachedToken) {
        let mut inner = self.lock();
        if inner.at(generation) {
            if inner.tokens.len() >= CAPACITY {
                inner.tokens.clear();
            }
            inner.tokens.insert(token, entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(expires_at: i64) -> CachedToken {
        CachedToken {
            user: "usr_1".into(),
            family: "fam_1".into(),
            expires_at,
        }
    }

    #[test]
    fn entries_are_served_until_the_generation_moves_on() {
        let cache = SessionCache::default();
        cache.put_token(3, [1; 32], entry(100));
        cache.put_app(3, [2; 32], "app_1".into());
        assert!(cache.token(3, &[1; 32], 50).is_some());
        assert_eq!(cache.app(3, &[2; 32]).as_deref(), Some("app_1"));
        assert!(cache.token(4, &[1; 32], 50).is_none(), "a change drops all");
        assert!(cache.app(4, &[2; 32]).is_none());
        assert!(
            cache.app(3, &[2; 32]).is_none(),
            "never back to an old state"
        );
    }

    #[test]
    fn a_read_older_than_the_cache_is_not_stored() {
        let cache = SessionCache::default();
        cache.app(5, &[0; 32]);
        cache.put_token(4, [1; 32], entry(100));
        assert!(cache.token(5, &[1; 32], 0).is_none());
    }

    #[test]
    fn expired_tokens_are_not_served() {
        let cache = SessionCache::default();
        cache.put_token(0, [1; 32], entry(100));
        assert!(cache.token(0, &[1; 32], 99).is_some());
        assert!(cache.token(0, &[1; 32], 100).is_none());
    }
}
