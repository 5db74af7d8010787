//! In-memory rate limits that have no row of their own in the database:
//! unauthenticated verification-code sends per API key, and the login
//! attempts of identifiers nobody registered (so that an unknown
//! identifier answers exactly as a known one would: the same
//! `attempts_left`, the same lock-out).
//!
//! Both are per process: a restart forgets them. Both are bounded in
//! memory (old entries are dropped first).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Entries a map keeps at most before it forgets the oldest ones.
const MAX_ENTRIES: usize = 50_000;

/// Counts of events per client in a rolling window.
#[derive(Debug, Default)]
pub struct SendLimiter {
    sends: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl SendLimiter {
    /// Admits one event of `client` at `now` (Unix ms) if fewer than `max`
    /// happened in the `window_ms` before; otherwise returns the seconds
    /// until the oldest counted one leaves the window. `max == 0` admits
    /// everything.
    pub fn admit(&self, client: &str, now: i64, max: u32, window_ms: i64) -> Result<(), i64> {
        if max == 0 {
            return Ok(());
        }
        let mut sends = self.sends.lock().unwrap_or_else(|e| e.into_inner());
        if sends.len() >= MAX_ENTRIES && !sends.contains_key(client) {
            sends.retain(|_, q| q.back().is_some_and(|t| *t > now - window_ms));
            if sends.len() >= MAX_ENTRIES {
                sends.clear();
            }
        }
        let queue = sends.entry(client.to_owned()).or_default();
        while queue.front().is_some_and(|t| *t <= now - window_ms) {
            queue.pop_front();
        }
        if queue.len() >= max as usize {
            let oldest = queue.front().copied().unwrap_or(now);
            return Err(((oldest + window_ms - now) + 999) / 1000);
        }
        queue.push_back(now);
        Ok(())
    }
}

/// Login attempts of unknown identifiers, by SHA-256 of the identifier:
/// `(failed attempts, locked until)`, the same two numbers a user row
/// keeps.
#[derive(Debug, Default)]
pub struct PhantomAttempts {
    by_identifier: Mutex<HashMap<[u8; 32], (i64, i64)>>,
}

impl PhantomAttempts {
    /// Applies `f` to the identifier's counters (created as `(0, 0)`).
    pub fn with<T>(&self, identifier: &str, f: impl FnOnce(&mut (i64, i64)) -> T) -> T {
        use sha2::{Digest, Sha256};
        let key: [u8; 32] = Sha256::digest(identifier.as_bytes()).into();
        let mut map = self.by_identifier.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES && !map.contains_key(&key) {
            map.clear();
        }
        f(map.entry(key).or_insert((0, 0)))
    }
}

/// The in-memory limits of a running server.
#[derive(Debug, Default)]
pub struct Limits {
    /// Unauthenticated code sends per API key.
    pub anonymous_sends: SendLimiter,
    /// Login attempts of unknown identifiers.
    pub phantom_logins: PhantomAttempts,
    /// Top-ups of the time-out-once magic amount already held back.
    pub timed_out_once: crate::magic::TimedOutOnce,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_max_events_per_window_and_others_are_not_affected() {
        let limiter = SendLimiter::default();
        for i in 0..3 {
            limiter.admit("app_a", i * 1000, 3, 60_000).unwrap();
        }
        assert_eq!(limiter.admit("app_a", 10_000, 3, 60_000), Err(50));
        limiter.admit("app_b", 10_000, 3, 60_000).unwrap();
        // the first event leaves the window
        limiter.admit("app_a", 60_001, 3, 60_000).unwrap();
        limiter.admit("app_a", 60_002, 0, 60_000).unwrap();
    }
}
