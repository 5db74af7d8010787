//! The HTTP client of the wallet API (`api/openapi.yaml`).
//!
//! This module is the transport every other part of the core uses to talk to
//! the backend. It owns the rules a payment SDK must get right on a phone's
//! flaky network, in one place:
//!
//! - **Transport security** ([`config`], [`tls`]): HTTPS only, except
//!   loopback addresses (the sandbox); rustls with the `ring` provider and the
//!   Mozilla roots; optional SPKI pinning with a primary and a backup pin.
//! - **Retries** ([`retry`]): network errors, timeouts, `409` "request in
//!   progress", `429` (honouring `Retry-After`) and `5xx` are retried with
//!   exponential back-off and jitter, a bounded number of times. A `POST`
//!   without an `Idempotency-Key` is only retried when it never reached the
//!   server, so a retry can never duplicate a side effect.
//! - **Errors** ([`error`]): `application/problem+json` bodies become a typed
//!   [`Problem`] with the server's stable `code`; nothing secret (API key,
//!   tokens, request bodies) ever appears in an error or a log line.
//! - **Sessions** ([`session`]): the bearer token, refreshed single-flight.
//! - **Idempotency retention** ([`retention`]): how long the server answers
//!   a replay from its stored result, as its money responses advertise it.
//!
//! Cancellation is by dropping the future: every call is cancel-safe, and a
//! dropped money-moving call leaves its outcome to the idempotency key the
//! caller persisted before sending.

pub mod client;
pub mod config;
pub mod error;
pub mod request_id;
pub mod retention;
pub mod retry;
pub mod session;
pub mod tls;

pub use client::{ApiClient, ApiRequest};
pub use config::{ApiConfig, ApiKey};
pub use error::{ApiError, MAX_RESPONSE_BYTES, NetworkFailure, Problem};
pub use retry::RetryPolicy;
pub use session::{SessionTokens, TokenPair};
pub use tls::{PinSet, SpkiPin};
