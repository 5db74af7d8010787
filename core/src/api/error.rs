//! Typed errors of the API client, and the server's problem+json body.
//!
//! Messages carry no secrets: no API key, token, password, code or request
//! body ever appears in an [`ApiError`]. A server's `detail` text is kept
//! because the sandbox and the backend are written never to echo secrets.

use serde::Deserialize;
use std::time::Duration;

/// An RFC 9457 `application/problem+json` body as the wallet API sends it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Problem {
    /// HTTP status code.
    #[serde(default)]
    pub status: u16,
    /// Stable machine-readable code, enumerated in `api/openapi.yaml`
    /// (e.g. `insufficient_funds`, `verification_code_expired`).
    pub code: String,
    /// Short human-readable summary.
    #[serde(default)]
    pub title: String,
    /// Human-readable explanation of this occurrence.
    #[serde(default)]
    pub detail: Option<String>,
    /// Wrong tries left (verification codes, passwords), when the server says.
    #[serde(default)]
    pub attempts_left: Option<u32>,
    /// Seconds to wait before trying again, when the server says.
    #[serde(default)]
    pub retry_after_s: Option<u64>,
    /// Why the account is frozen (`self` or `risk`), for `account_frozen`.
    #[serde(default)]
    pub frozen_reason: Option<String>,
}

/// How a request failed before a complete HTTP response arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkFailure {
    /// The connection could not be established: the request never left.
    Connect,
    /// The connection broke after the request may have been sent.
    Interrupted,
    /// The TLS handshake failed (including a certificate pin mismatch).
    Tls,
}

/// Everything that can go wrong talking to the wallet API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// The client was configured wrongly (bad URL, bad key, bad pins).
    #[error("invalid API client configuration: {0}")]
    InvalidConfig(&'static str),
    /// Plain HTTP to a non-loopback host was requested.
    #[error("refusing plain HTTP to a non-loopback host; use https")]
    InsecureTransport,
    /// No complete response arrived.
    #[error("network error ({0:?})")]
    Network(NetworkFailure),
    /// The request did not complete within its timeout.
    #[error("the request timed out")]
    Timeout,
    /// The server answered with a problem+json error.
    #[error("server error {}: {}", .0.status, .0.code)]
    Problem(Box<Problem>),
    /// The server asked to slow down for longer than the client waits.
    #[error("rate limited; retry after {retry_after_s} s")]
    RateLimited {
        /// Seconds the server asked the client to wait.
        retry_after_s: u64,
    },
    /// The server answered an error without a problem+json body (e.g. a proxy's HTML page).
    #[error("unexpected HTTP status {status}")]
    UnexpectedStatus {
        /// HTTP status code.
        status: u16,
    },
    /// A success response whose body does not match the API contract.
    #[error("response does not match the API contract")]
    Decode,
    /// No session: the call needs a logged-in user.
    #[error("not logged in")]
    NotAuthenticated,
    /// The response body is larger than [`MAX_RESPONSE_BYTES`]; it was not
    /// read further. (For a money request the outcome is unknown.)
    #[error("the response body exceeds the client's size cap")]
    ResponseTooLarge,
}

/// The largest response body the client reads (4 MiB: a history page of
/// the biggest size is well under 1 MiB). A larger body is refused with
/// [`ApiError::ResponseTooLarge`] instead of being buffered.
pub const MAX_RESPONSE_BYTES: usize = 4 << 20;

impl ApiError {
    /// The problem code if the server sent one.
    pub fn problem_code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(problem) => Some(&problem.code),
            _ => None,
        }
    }

    /// True when the server may have applied the request: the caller must
    /// treat the outcome as unknown and reconcile, never resubmit under a
    /// new idempotency key.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            ApiError::Network(NetworkFailure::Interrupted) | ApiError::Timeout => true,
            ApiError::Problem(problem) => problem.status >= 500,
            ApiError::UnexpectedStatus { status } => *status >= 500,
            ApiError::ResponseTooLarge => true,
            _ => false,
        }
    }
}

/// A `Retry-After` header value in seconds (the HTTP-date form is not used
/// by the wallet API and is treated as absent).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn problem_json_parses_with_optional_fields() {
        let p: Problem = serde_json::from_str(
            r#"{"type":"about:blank","status":402,"code":"insufficient_funds","title":"Insufficient funds","extra":1}"#,
        )
        .unwrap();
        assert_eq!(p.code, "insufficient_funds");
        assert_eq!(p.status, 402);
        assert_eq!(p.detail, None);
    }

    #[test]
    fn retry_after_seconds_parse_and_dates_are_ignored() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn only_interrupted_timeouts_and_5xx_leave_the_outcome_unknown() {
        assert!(ApiError::Timeout.outcome_unknown());
        assert!(ApiError::Network(NetworkFailure::Interrupted).outcome_unknown());
        assert!(!ApiError::Network(NetworkFailure::Connect).outcome_unknown());
        assert!(ApiError::UnexpectedStatus { status: 502 }.outcome_unknown());
        assert!(!ApiError::UnexpectedStatus { status: 404 }.outcome_unknown());
    }
}
