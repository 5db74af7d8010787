//! The state every handler shares: database, clock and configuration.

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
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
}

impl AppState {
    /// Current time, Unix milliseconds.
    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }
}
