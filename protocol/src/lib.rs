//! # imwallet-protocol
//!
//! What the wallet client and the server must agree on: [`money`] (amounts in
//! minor units with ISO 4217 currencies and the fee rule), the wire types of
//! `api/openapi.yaml`, and payment payloads. Pure: no I/O, no clocks, no
//! randomness.

pub mod money;
pub mod qr;
pub mod webhook;
pub mod wire;
