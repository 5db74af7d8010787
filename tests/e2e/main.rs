//! End-to-end tests: the real sandbox on a loopback port, driven over HTTP.
//! One binary with a module per area (links are slow).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod accounts;
mod bad_input;
mod chaos_proxy;
mod contract;
mod error_catalog;
mod history;
mod idempotency;
mod ledger_props;
mod merchant_orders;
mod merchant_webhook_delivery;
mod merchant_webhooks;
mod money;
mod operation_lookup;
mod qr_payments;
mod risk;
mod sandbox_limits;
mod sandbox_magic;
mod sandbox_trust;
mod wallet_canary;
mod wallet_chaos;
mod wallet_errors;
mod wallet_journey;
mod wallet_locked_rotation;
mod wallet_pay_order;
mod wallet_restart;
mod wallet_retention;
mod wallet_session;
mod wallet_trust;
mod wire_contract;
