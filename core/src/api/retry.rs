//! When and how long to wait before retrying a request.
//!
//! The policy is pure (no clock, no I/O) so it can be tested exactly: the
//! client asks [`RetryPolicy::decide`] after each attempt and sleeps for the
//! returned delay. Back-off is exponential with "equal jitter": the delay for
//! attempt `n` (0-based) is uniformly random in `[d/2, d]` where
//! `d = min(max_delay, base_delay * 2^n)`, so clients that failed together do
//! not retry together. A server's `Retry-After` replaces the computed delay;
//! when it asks for longer than `max_retry_after`, the client gives up with
//! [`ApiError::RateLimited`](super::ApiError::RateLimited) instead of hanging.

use std::time::Duration;

/// Limits of the retry loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = never retry).
    pub max_attempts: u32,
    /// Delay before the first retry (before jitter).
    pub base_delay: Duration,
    /// Cap of the exponential delay.
    pub max_delay: Duration,
    /// Longest `Retry-After` the client is willing to wait inside one call.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(3),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The connection could not be made: the request never reached the server.
    ConnectFailed,
    /// The connection broke or timed out after the request may have been sent.
    Interrupted,
    /// The server answered with this status (and maybe a `Retry-After`).
    Status {
        /// HTTP status.
        status: u16,
        /// Whether the problem code says "the same request is still running".
        in_progress: bool,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
    },
}

/// The policy's answer after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then send the same request again (same idempotency key).
    RetryAfter(Duration),
    /// Do not retry: report the error.
    GiveUp,
    /// The server asked for a longer pause than the policy allows.
    RateLimited(Duration),
}

impl RetryPolicy {
    /// A policy that never retries.
    pub const NEVER: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        max_retry_after: Duration::ZERO,
    };

    /// Decides whether attempt number `attempt` (0-based, just failed with
    /// `outcome`) is retried. `replay_safe` is true for requests the server
    /// can receive twice without a second effect (GET/PUT/DELETE, or any
    /// request carrying an `Idempotency-Key`). `jitter` is a random value in
    /// `[0, 1]`, passed in to keep this function pure.
    pub fn decide(
        &self,
        attempt: u32,
        outcome: AttemptOutcome,
        replay_safe: bool,
        jitter: f64,
    ) -> Decision {
        let retryable = match outcome {
            AttemptOutcome::ConnectFailed => true,
            AttemptOutcome::Interrupted => replay_safe,
            AttemptOutcome::Status {
                status,
                in_progress,
                ..
            } => match status {
                409 => in_progress && replay_safe,
                429 => true,
                500..=599 => replay_safe,
                _ => false,
            },
        };
        if !retryable {
            return Decision::GiveUp;
        }
        let server_hint = match outcome {
            AttemptOutcome::Status { retry_after, .. } => retry_after,
            _ => None,
        };
        if let Some(hint) = server_hint
            && hint > self.max_retry_after
        {
            return Decision::RateLimited(hint);
        }
        if attempt + 1 >= self.max_attempts {
            return match server_hint {
                Some(hint) if matches!(outcome, AttemptOutcome::Status { status: 429, .. }) => {
                    Decision::RateLimited(hint)
                }
                _ => Decision::GiveUp,
            };
        }
        Decision::RetryAfter(server_hint.unwrap_or_else(|| self.backoff(attempt, jitter)))
    }

    /// The jittered exponential delay after attempt `attempt` (0-based).
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let factor = 1u32.checked_shl(attempt.min(30)).unwrap_or(u32::MAX);
        let ceiling = self.base_delay.saturating_mul(factor).min(self.max_delay);
        let jitter = jitter.clamp(0.0, 1.0);
        ceiling / 2 + ceiling.mul_f64(jitter) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER_ERROR: AttemptOutcome = AttemptOutcome::Status {
        status: 503,
        in_progress: false,
        retry_after: None,
    };

    fn status(status: u16) -> AttemptOutcome {
        AttemptOutcome::Status {
            status,
            in_progress: false,
            retry_after: None,
        }
    }

    #[test]
    fn client_errors_are_never_retried() {
        let policy = RetryPolicy::default();
        for code in [400, 401, 402, 403, 404, 409, 422] {
            assert_eq!(
                policy.decide(0, status(code), true, 0.5),
                Decision::GiveUp,
                "{code}"
            );
        }
    }

    #[test]
    fn in_progress_conflicts_server_errors_and_broken_connections_are_retried_when_replay_safe() {
        let policy = RetryPolicy::default();
        let in_progress = AttemptOutcome::Status {
            status: 409,
            in_progress: true,
            retry_after: None,
        };
        for outcome in [
            in_progress,
            SERVER_ERROR,
            AttemptOutcome::Interrupted,
            AttemptOutcome::ConnectFailed,
        ] {
            assert!(
                matches!(
                    policy.decide(0, outcome, true, 0.5),
                    Decision::RetryAfter(_)
                ),
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn a_post_without_idempotency_key_is_only_retried_if_it_never_left() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(0, AttemptOutcome::Interrupted, false, 0.5),
            Decision::GiveUp
        );
        assert_eq!(policy.decide(0, SERVER_ERROR, false, 0.5), Decision::GiveUp);
        assert!(matches!(
            policy.decide(0, AttemptOutcome::ConnectFailed, false, 0.5),
            Decision::RetryAfter(_)
        ));
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = RetryPolicy::default();
        let last = policy.max_attempts - 1;
        assert_eq!(
            policy.decide(last, SERVER_ERROR, true, 0.5),
            Decision::GiveUp
        );
        assert_eq!(
            RetryPolicy::NEVER.decide(0, SERVER_ERROR, true, 0.5),
            Decision::GiveUp
        );
    }

    #[test]
    fn retry_after_is_honoured_or_reported_when_too_long() {
        let policy = RetryPolicy::default();
        let ask = |secs| AttemptOutcome::Status {
            status: 429,
            in_progress: false,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            policy.decide(0, ask(2), false, 0.9),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        assert_eq!(
            policy.decide(0, ask(60), true, 0.9),
            Decision::RateLimited(Duration::from_secs(60))
        );
        let last = policy.max_attempts - 1;
        assert_eq!(
            policy.decide(last, ask(1), true, 0.9),
            Decision::RateLimited(Duration::from_secs(1))
        );
    }

    #[test]
    fn backoff_grows_exponentially_within_jitter_bounds_and_is_capped() {
        let policy = RetryPolicy::default();
        for attempt in 0..40 {
            let ceiling = policy
                .base_delay
                .saturating_mul(1 << attempt.min(20))
                .min(policy.max_delay);
            let low = policy.backoff(attempt, 0.0);
            let high = policy.backoff(attempt, 1.0);
            assert_eq!(low, ceiling / 2);
            assert_eq!(high, ceiling);
            assert!(high <= policy.max_delay);
        }
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(400));
    }
}
