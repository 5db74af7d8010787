//! A sandbox in its own process, for the webhook durability test
//! (`tests/e2e/merchant_webhook_delivery.rs`), which SIGKILLs it and starts
//! another on the same database file. Prints `listening <addr>` once it
//! serves, then runs until killed.
//!
//! Configured by environment: `IMW_DB` (SQLite file), `IMW_POLL_MS` (the
//! delivery worker's poll interval), `IMW_BASE_MS`, `IMW_CAP_MS`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::Arc;

use imwallet_sandbox::Sandbox;
use imwallet_sandbox::clock::SystemClock;
use imwallet_sandbox::config::{Config, WebhookRules};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| v.parse().unwrap())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let db = std::env::var("IMW_DB").expect("IMW_DB must be set");
    let config = Config {
        webhooks: WebhookRules {
            retry_base_ms: env_u64("IMW_BASE_MS", 50) as i64,
            retry_cap_ms: env_u64("IMW_CAP_MS", 200) as i64,
            timeout_ms: 1000,
            poll_ms: env_u64("IMW_POLL_MS", 20),
            ..WebhookRules::default()
        },
        ..Config::for_tests()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = Sandbox::start(listener, &db, config, Arc::new(SystemClock))
        .await
        .unwrap();
    let mut out = std::io::stdout();
    writeln!(out, "listening {}", sandbox.addr()).unwrap();
    out.flush().unwrap();
    std::future::pending::<()>().await;
}
