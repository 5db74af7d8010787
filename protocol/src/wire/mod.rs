//! The wire types of `api/openapi.yaml`: the JSON bodies the client sends
//! and receives, shared by the core and the sandbox so both sides agree on
//! one definition.
//!
//! Request bodies reject unknown fields (the server's contract); response
//! bodies ignore unknown fields, so an older client keeps working when the
//! server adds one. Amounts are [`Money`](crate::money::Money) in its wire
//! form `{"amount": "12.34", "currency": "CNY"}`; timestamps are Unix
//! milliseconds. Passwords, codes, tokens and card numbers are
//! [`SecretText`]: zeroized on drop, redacted in `Debug`.

pub mod accounts;
pub mod cards;
pub mod history;
pub mod moves;
mod secret;

pub use accounts::*;
pub use cards::*;
pub use history::*;
pub use moves::*;
pub use secret::SecretText;
