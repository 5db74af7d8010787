//! Magic cards and amounts of `POST /v1/top-ups` (the table "Magic values"
//! in `sandbox/README.md`): values that make the sandbox misbehave on
//! purpose, so clients can exercise their error paths against the real
//! server.
//!
//! - [`DECLINED_CARD`] is `402 card_declined`, [`NO_FUNDS_CARD`]
//!   `402 card_insufficient_funds`; [`VERIFY_CARD`] is
//!   `402 card_verification_required` until the top-up carries a
//!   `bind_card` code as `code`.
//! - [`RATE_LIMITED_MINOR`] (`429.00` in any currency) always answers
//!   `429 rate_limited` with `Retry-After: 1`; nothing is recorded.
//! - [`TIME_OUT_ONCE_MINOR`] (`408.00`) commits the top-up, then holds the
//!   answer for [`Config::magic_delay_ms`](crate::config::Config) the first
//!   time an `Idempotency-Key` is seen, so the client times out after the
//!   server committed (the unknown-outcome path); a retry with the same key,
//!   or `GET /v1/me/operations/{key}`, answers at once.
//!
//! Which keys already timed out is kept in memory: a restart forgets it.

use std::collections::HashSet;
use std::sync::Mutex;

/// The sandbox card that is always declined.
pub const DECLINED_CARD: &str = "4000000000000002";
/// The sandbox card that always lacks funds.
pub const NO_FUNDS_CARD: &str = "4000000000009995";
/// The sandbox card whose every top-up needs a second verification (a
/// `bind_card` code sent as `code`).
pub const VERIFY_CARD: &str = "4000000000003220";

/// Minor units of the top-up amount that is always rate-limited.
pub const RATE_LIMITED_MINOR: i64 = 42_900;
/// Minor units of the top-up amount whose first answer is late.
pub const TIME_OUT_ONCE_MINOR: i64 = 40_800;
/// Keys remembered at most (old ones are forgotten all at once).
const MAX_KEYS: usize = 50_000;

/// The idempotency keys whose answer was already held back once.
#[derive(Debug, Default)]
pub struct TimedOutOnce {
    keys: Mutex<HashSet<String>>,
}

impl TimedOutOnce {
    /// Whether this (user, key) pair has not been held back yet; marks it.
    pub fn first(&self, user: &str, key: &str) -> bool {
        let mut keys = match self.keys.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.insert(format!("{user}\n{key}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_held_back_once_per_user() {
        let once = TimedOutOnce::default();
        assert!(once.first("usr_a", "k1"));
        assert!(!once.first("usr_a", "k1"));
        assert!(once.first("usr_b", "k1"));
        assert!(once.first("usr_a", "k2"));
    }
}
