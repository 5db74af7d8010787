//! The encrypted local store: two SQLite files opened together.
//!
//! - `vault.db` holds money-moving and key state (key material, unlock
//!   attempts, session tokens, profile, cards, settings and the outbox of
//!   pending operations). It runs with `synchronous=FULL` and is never
//!   deleted: if it is corrupt it is moved aside and reported
//!   ([`VaultError::Corrupt`]).
//! - `cache.db` holds what the server can give back (transaction history,
//!   points, coupons). It runs with `synchronous=NORMAL`; if it is corrupt it
//!   is rebuilt empty and the next sync refills it.
//!
//! Both are WAL databases with one writer connection behind a mutex (every
//! write is `BEGIN IMMEDIATE`) and a small pool of reader connections, so the
//! API is synchronous and meant to be called through `spawn_blocking`.
//! [`Vault`] is the entry point; repositories hang off it
//! (`vault.transactions()?`, `vault.outbox()?`, ...).

pub mod clock;
pub mod codec;
pub mod db;
pub mod error;
mod escrow;
mod format;
pub mod migrate;
pub mod owner;
pub mod repo;
pub mod vault;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::VaultError;
pub use vault::{BruteForcePolicy, OpenReport, Vault, VaultOptions, VaultPaths};
