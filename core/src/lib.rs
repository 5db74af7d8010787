//! # imwallet-core
//!
//! All client logic of the IM Wallet lives here, as ordinary async Rust:
//! the encrypted vault (`crypto`, `store`), the HTTP client of the wallet API
//! (`api`), registration and login (`auth`) and the facade a shell calls
//! (`wallet`). It holds no FFI types; `imwallet-ffi` wraps it for uniffi.
//!
//! Money and payment payloads come from [`imwallet_protocol`].

pub use imwallet_protocol as protocol;

pub mod api;
pub mod auth;
pub mod crypto;
pub mod store;
pub mod wallet;

pub use wallet::{Wallet, WalletConfig, WalletError};
