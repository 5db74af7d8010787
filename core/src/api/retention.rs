//! How long the server keeps idempotency records, as it advertises it in the
//! `Idempotency-Retention` header (seconds) of every successful money
//! response. Within that time a replay with the same `Idempotency-Key` is
//! answered from the stored result; after it, the same key would run the
//! request again, so the executor asks
//! `GET /v1/me/operations/{idempotency_key}` before replaying (ADR 0002).
//!
//! The client keeps the last value it saw in memory ([`Retention`], shared
//! by clones of the client); the executor persists it in the vault so a
//! restarted process knows it before its first response. Without either,
//! [`DEFAULT_RETENTION_S`] applies.

use std::sync::atomic::{AtomicU64, Ordering};

/// The response header naming the retention in seconds.
pub const HEADER: &str = "idempotency-retention";

/// The retention assumed before the server advertised one: 24 hours, the
/// contract's documented lower bound (the sandbox keeps 25 h).
pub const DEFAULT_RETENTION_S: u64 = 24 * 3600;

/// The shortest retention believed: a server that says less (or a broken
/// header) still gets one hour, so the client does not look up before
/// every replay on a glitch.
pub const MIN_RETENTION_S: u64 = 3600;

/// Parses a header value: decimal seconds, at least [`MIN_RETENTION_S`]
/// once clamped, `None` when it is not a number.
pub fn parse(value: &str) -> Option<u64> {
    let seconds: u64 = value.trim().parse().ok()?;
    Some(seconds.max(MIN_RETENTION_S))
}

/// The last retention the server advertised to this process (0 = none),
/// and the last value the wallet saved, so it saves only changes.
#[derive(Debug, Default)]
pub struct Retention {
    advertised: AtomicU64,
    saved: AtomicU64,
}

impl Retention {
    /// Records an advertised value (already parsed).
    pub fn record(&self, seconds: u64) {
        self.advertised.store(seconds, Ordering::Relaxed);
    }

    /// What the server said last, if it said anything to this process.
    pub fn advertised(&self) -> Option<u64> {
        match self.advertised.load(Ordering::Relaxed) {
            0 => None,
            s => Some(s),
        }
    }

    /// The advertised value if it differs from the one last marked saved.
    pub fn unsaved(&self) -> Option<u64> {
        self.advertised()
            .filter(|&s| s != self.saved.load(Ordering::Relaxed))
    }

    /// Notes that `seconds` is what the vault now holds.
    pub fn mark_saved(&self, seconds: u64) {
        self.saved.store(seconds, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_seconds_and_clamps_tiny_values() {
        assert_eq!(parse("90000"), Some(90_000));
        assert_eq!(parse(" 86400 "), Some(86_400));
        assert_eq!(parse("5"), Some(MIN_RETENTION_S));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-1"), None);
    }

    #[test]
    fn remembers_the_last_advertised_value() {
        let r = Retention::default();
        assert_eq!(r.advertised(), None);
        r.record(90_000);
        assert_eq!(r.advertised(), Some(90_000));
        assert_eq!(r.unsaved(), Some(90_000));
        r.mark_saved(90_000);
        assert_eq!(r.unsaved(), None);
        r.record(7_200);
        assert_eq!(r.unsaved(), Some(7_200));
    }
}
