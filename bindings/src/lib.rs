//! # imwallet-ffi
//!
//! The uniffi layer over `imwallet-core`. It converts types and forwards
//! calls; it holds no business rules. Kotlin, Swift and Python bindings are
//! generated from the compiled library with the workspace's `uniffi-bindgen`.

uniffi::setup_scaffolding!("imwallet");

pub mod qr;

/// The version of the core library, so a host app can log what it loaded.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
