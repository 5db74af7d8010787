//! # imwallet-ffi
//!
//! The uniffi layer over `imwallet-core`: the whole `Wallet` facade for
//! Kotlin, Swift and Python. It converts types and forwards calls; it holds
//! no business rules. The exported surface is listed in `bindings/API.md`.
//!
//! Modules by capability: [`wallet`] (the object, config, constructor),
//! [`auth`], [`money`], [`cards`], [`history`], [`codes`], [`qr`];
//! [`errors`] (the one error type, from the core's error catalog),
//! [`runtime`] (the one tokio runtime), [`callbacks`] and [`logging`] (the
//! host's synchronous callbacks).

// `WalletFfiError` is large (every variant carries the catalog's
// `ErrorInfo`) and uniffi lowers errors by value, so it cannot be boxed.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("imwallet");

pub mod auth;
pub mod callbacks;
pub mod cards;
pub mod codes;
pub mod errors;
pub mod history;
pub mod logging;
pub mod money;
pub mod money_types;
pub mod qr;
pub mod runtime;
pub mod types;
pub mod wallet;

use std::sync::Arc;

use imwallet_core::wallet::Locale as CoreLocale;

use errors::WalletFfiError;
use logging::{LogLevel, LogSink};
use types::Locale;

/// The host's locale, the default of `WalletConfig.locale`.
pub(crate) fn host_locale() -> CoreLocale {
    CoreLocale::from_host()
}

/// The version of the core library, so a host app can log what it loaded.
#[uniffi::export]
pub fn core_version() -> Result<String, WalletFfiError> {
    Ok(env!("CARGO_PKG_VERSION").to_string())
}

/// The host's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`; English if unset).
#[uniffi::export]
pub fn default_locale() -> Result<Locale, WalletFfiError> {
    Ok(host_locale().into())
}

/// Sends the library's log records at `level` and above to `sink`
/// (redacted). Fails with `CallbackFailed` if the sink throws on the
/// first record.
#[uniffi::export]
pub fn set_log_sink(sink: Arc<dyn LogSink>, level: LogLevel) -> Result<(), WalletFfiError> {
    logging::install(sink, level)
}

/// Stops logging (the default state).
#[uniffi::export]
pub fn clear_log_sink() -> Result<(), WalletFfiError> {
    logging::clear();
    Ok(())
}

/// Panics on purpose (test builds only, cargo feature `test-panic`): proves
/// a Rust panic reaches the host as an exception and the library keeps
/// working.
#[cfg(feature = "test-panic")]
#[uniffi::export]
pub fn trigger_test_panic(message: String) -> Result<(), WalletFfiError> {
    panic!("test panic: {message}")
}
