//! The state every handler shares: database, clock, configuration, the
//! session cache and the password hasher.

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::hashing::PasswordHasher;
use crate::limits::Limits;
use crate::session_cache::SessionCache;
use std::sync::Arc;

/// Shared server state (cheap to clone).
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: Arc<Db>,
    /// The injectable clock.
    pub clock: Arc<dyn Clock>,
    /// The rules.
    pub config: Arc<Config>,
    /// Valid API keys and access tokens, by digest.
    pub sessions: Arc<SessionCache>,
    /// Argon2id hashing, bounded and counted.
    pub hasher: Arc<PasswordHasher>,
    /// In-memory rate limits (code sends per key, unknown logins).
    pub limits: Arc<Limits>,
}

impl AppState {
    /// Current time, Unix milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
