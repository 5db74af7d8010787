//! Integration tests of the encrypted vault: brute-force protection, crash
//! safety (SIGKILL of a re-executed child), migrations from every earlier
//! schema, concurrency, canaries in the raw files, and tamper detection.
//!
//! Child processes are this same test binary re-executed with an
//! environment variable that tells one test to act as the child; without the
//! variable those tests run a short in-process version of the same work.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod brute_force;
mod canary;
mod concurrency;
mod crash;
mod escrow;
mod migration;
mod support;
mod tamper;
