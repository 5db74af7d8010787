//! Helpers for driving the core's [`Wallet`] facade against the in-process
//! sandbox: a server configured for client journeys, wallets in temporary
//! directories, and sign-up / login through the wallet's own API with codes
//! read from the sandbox outbox.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use imwallet_core::api::RetryPolicy;
use imwallet_core::crypto::KdfPolicy;
use imwallet_core::store::VaultOptions;
use imwallet_core::wallet::{Wallet, WalletConfig};
use imwallet_protocol::wire::Purpose;
use imwallet_sandbox::config::Config;
use serde_json::json;

use crate::{TestServer, World};

/// The password every journey user starts with.
pub const PASSWORD: &str = "correct horse battery";

/// A sandbox config for client journeys: cheap hashing, no resend throttle,
/// a high daily code cap, no hold on large top-ups (journeys fund their
/// wallets with one) and (optionally) no velocity freeze.
pub fn journey_config(velocity_limit: bool) -> Config {
    let mut config = Config::for_tests();
    config.codes.resend_after_s = 0;
    config.codes.daily_cap = 10_000;
    config.top_up.hold_above_minor = 0;
    if !velocity_limit {
        config.risk.velocity_max = 0;
    }
    config
}

/// A world on a sandbox with [`journey_config`].
pub async fn journey_world(velocity_limit: bool) -> World {
    World::with(TestServer::start_with(journey_config(velocity_limit), false).await).await
}

/// Wallet settings for tests: the cheap KDF policy (the real policy is
/// tested in core), short timeouts and quick retries.
pub fn test_config(dir: &Path, base_url: &str, api_key: &str) -> WalletConfig {
    let mut config = WalletConfig::new(dir, base_url, api_key).unwrap();
    config.vault = VaultOptions {
        kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
        ..VaultOptions::default()
    };
    config.api.request_timeout = Duration::from_secs(5);
    config.api.retry = RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(1),
    };
    config
}

/// The server's base URL.
pub fn base_url(world: &World) -> String {
    format!("http://{}", world.server.sandbox.addr())
}

/// A wallet in `dir` talking to the world's sandbox directly.
pub fn open_wallet(world: &World, dir: &Path) -> Arc<Wallet> {
    open_wallet_at(world, dir, &base_url(world))
}

/// A wallet in `dir` talking to `url` (a chaos proxy, or a dead port).
pub fn open_wallet_at(world: &World, dir: &Path, url: &str) -> Arc<Wallet> {
    Wallet::open(test_config(dir, url, &world.api_key)).unwrap()
}

/// A loopback URL where nothing listens (the port was bound, then freed).
pub fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Registers `phone` through the wallet and logs in with the second factor.
pub async fn sign_up(world: &World, wallet: &Wallet, phone: &str, name: &str) -> String {
    wallet
        .request_code(Purpose::Register, Some(phone.to_owned()))
        .await
        .unwrap();
    let code = world.code_for(phone).await;
    let profile = wallet
        .register(
            phone.to_owned(),
            PASSWORD.to_owned(),
            code,
            Some(name.to_owned()),
        )
        .await
        .unwrap();
    log_in(world, wallet, phone, PASSWORD).await;
    profile.user_id
}

/// Logs in through the wallet (password, then the code from the outbox).
pub async fn log_in(world: &World, wallet: &Wallet, phone: &str, password: &str) {
    wallet
        .login(phone.to_owned(), password.to_owned())
        .await
        .unwrap();
    let code = world.code_for(phone).await;
    wallet.verify_login(code).await.unwrap();
}

/// Binds and verifies a card through the wallet; returns its id.
pub async fn bind_card(world: &World, wallet: &Wallet, phone: &str, number: &str) -> String {
    let card = wallet
        .bind_card(number.to_owned(), 12, 2099, "Li Lei".to_owned())
        .await
        .unwrap();
    let code = world.code_for(phone).await;
    wallet
        .verify_card(card.card_id.clone(), code)
        .await
        .unwrap();
    card.card_id
}

/// Creates a CNY merchant and returns `(merchant_id, static payload)`.
pub async fn merchant_with_code(world: &World, name: &str) -> (String, String) {
    let r = world
        .app
        .post(
            "/v1/merchants",
            json!({"name": name, "city": "Shanghai", "currency": "CNY"}),
        )
        .await;
    let id = r.ok(201)["merchant_id"].as_str().unwrap().to_owned();
    let qr = world.app.get(&format!("/v1/merchants/{id}/qr")).await;
    let payload = qr.ok(200)["payload"].as_str().unwrap().to_owned();
    (id, payload)
}

/// Outbox operations of the wallet in `dir`, counted by state, read from the
/// plaintext columns of `vault.db` (what a forensic look at the file shows).
pub fn outbox_states(dir: &Path) -> std::collections::BTreeMap<String, i64> {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("vault.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut stmt = conn
        .prepare("SELECT state, count(*) FROM pending_operations GROUP BY state")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Ledger transactions the user started, counted by kind.
pub fn server_txns_by(world: &World, user_id: &str) -> std::collections::BTreeMap<String, i64> {
    world
        .server
        .sandbox
        .state()
        .db
        .read(|c| {
            let mut stmt =
                c.prepare("SELECT kind, count(*) FROM txns WHERE user_id = ?1 GROUP BY kind")?;
            let rows = stmt.query_map([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .unwrap()
}

/// The sandbox ledger's balance of `owner` (`user:<id>`, `merchant:<id>`) in CNY minor units.
pub fn ledger_cny(world: &World, owner: &str) -> i64 {
    use imwallet_sandbox::ledger::{LedgerStore, SqliteLedger};
    world
        .server
        .sandbox
        .state()
        .db
        .read(|c| Ok(SqliteLedger::new(c).balances_of(owner)?))
        .unwrap()
        .into_iter()
        .find(|m| m.currency == imwallet_protocol::money::Currency::Cny)
        .map_or(0, |m| m.minor)
}

/// The sum of every cached history amount in CNY minor units (all pages).
pub async fn history_total(wallet: &Wallet) -> i64 {
    let mut total = 0;
    let mut offset = 0;
    loop {
        let page = wallet.history(500, offset).await.unwrap();
        total += page
            .items
            .iter()
            .filter(|t| t.amount.currency == imwallet_protocol::money::Currency::Cny)
            .map(|t| t.amount.minor)
            .sum::<i64>();
        match page.next_offset {
            Some(next) => offset = next,
            None => return total,
        }
    }
}
