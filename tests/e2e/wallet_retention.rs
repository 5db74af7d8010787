//! Exactly-once beyond the server's memory (issue 10, item 5; ADR 0002):
//! the sandbox keeps idempotency records for `idempotency_ttl_s` and says so
//! in `Idempotency-Retention`. An operation left `unknown` longer than that
//! is settled from `GET /v1/me/operations/{idempotency_key}` instead of
//! being replayed into a second payment; one the server never applied is
//! replayed with its original key. Both clocks (the sandbox's and the
//! device's) are moved by hand past the retention.

use std::sync::Arc;
use std::time::Duration;

use imwallet_core::store::clock::ManualClock;
use imwallet_core::wallet::{Wallet, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_tests::chaos::{ChaosProxy, Fault};
use imwallet_tests::wallet::{PASSWORD, bind_card, journey_config, server_txns_by, sign_up};
use imwallet_tests::{T0, TestServer, World};

struct Device {
    world: World,
    proxy: ChaosProxy,
    clock: Arc<ManualClock>,
    dir: tempfile::TempDir,
    wallet: Arc<Wallet>,
    user_id: String,
    card: String,
}

impl Device {
    /// A sandbox keeping idempotency records `ttl_s`, a device behind a
    /// fault proxy with a clock in step with the sandbox's, a signed-up
    /// user with a verified card.
    async fn start(ttl_s: i64) -> Device {
        let mut config = journey_config(false);
        config.idempotency_ttl_s = ttl_s;
        let world = World::with(TestServer::start_with(config, true).await).await;
        let proxy = ChaosProxy::start(world.server.sandbox.addr())
            .await
            .unwrap();
        let clock = ManualClock::new(T0 / 1000);
        let dir = tempfile::tempdir().unwrap();
        let wallet = Device::open(&world, &proxy, &clock, dir.path());
        let phone = world.phone();
        let user_id = sign_up(&world, &wallet, &phone, "Mei").await;
        let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
        Device {
            world,
            proxy,
            clock,
            dir,
            wallet,
            user_id,
            card,
        }
    }

    fn open(
        world: &World,
        proxy: &ChaosProxy,
        clock: &Arc<ManualClock>,
        dir: &std::path::Path,
    ) -> Arc<Wallet> {
        let mut config =
            imwallet_tests::wallet::test_config(dir, &proxy.base_url(), &world.api_key);
        config.vault.clock = Arc::clone(clock) as Arc<dyn imwallet_core::store::Clock>;
        config.api.retry.max_attempts = 2;
        Wallet::open(config).unwrap()
    }

    /// A top-up whose every attempt meets `fault`: its outcome is unknown.
    async fn top_up_unknown(&self, fault: Fault) -> String {
        self.proxy.set_fault(fault);
        let err = self
            .wallet
            .top_up(self.card.clone(), Money::new(10_000, Currency::Cny))
            .await
            .unwrap_err();
        self.proxy.set_fault(Fault::Pass);
        let WalletError::OutcomeUnknown { operation_id } = err else {
            panic!("expected an unknown outcome, got {err:?}");
        };
        operation_id
    }

    /// Moves both clocks.
    fn advance_s(&self, seconds: i64) {
        self.world.server.advance_s(seconds);
        self.clock
            .advance(Duration::from_secs(u64::try_from(seconds).unwrap()));
    }

    fn top_ups_on_server(&self) -> i64 {
        server_txns_by(&self.world, &self.user_id)
            .get("top_up")
            .copied()
            .unwrap_or(0)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_applied_operation_older_than_the_retention_is_settled_without_paying_twice() {
    let device = Device::start(25 * 3600).await;
    // The server applies the top-up, every answer is lost.
    let operation_id = device.top_up_unknown(Fault::DropAfterServer).await;
    assert_eq!(device.top_ups_on_server(), 1);

    // The phone stays offline for 26 hours: the server forgets the key.
    device.advance_s(26 * 3600);
    let report = device.wallet.reconcile_pending().await.unwrap();

    assert_eq!((report.completed, report.unresolved), (1, 0), "{report:?}");
    assert_eq!(
        device.top_ups_on_server(),
        1,
        "the top-up was applied twice"
    );
    let status = device.wallet.operation(operation_id).await.unwrap();
    assert_eq!(status.state, "completed");
    assert!(status.transaction_id.is_some_and(|t| t.starts_with("txn_")));
    device.world.server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operation_the_server_never_applied_is_replayed_once_after_the_retention() {
    let device = Device::start(25 * 3600).await;
    let operation_id = device.top_up_unknown(Fault::DropBeforeServer).await;
    assert_eq!(device.top_ups_on_server(), 0);

    device.advance_s(26 * 3600);
    let report = device.wallet.reconcile_pending().await.unwrap();

    assert_eq!((report.completed, report.unresolved), (1, 0), "{report:?}");
    assert_eq!(device.top_ups_on_server(), 1);
    let status = device.wallet.operation(operation_id).await.unwrap();
    assert_eq!(status.state, "completed");
    device.world.server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_advertised_retention_is_remembered_across_a_restart() {
    // A server that keeps keys only 2 hours: far below the client's
    // default of 24 hours, so only the advertised value protects.
    let mut device = Device::start(2 * 3600).await;
    // One completed top-up teaches the client the retention.
    device
        .wallet
        .top_up(device.card.clone(), Money::new(100, Currency::Cny))
        .await
        .unwrap();
    let operation_id = device.top_up_unknown(Fault::DropAfterServer).await;
    assert_eq!(device.top_ups_on_server(), 2);

    // The app is killed and restarted 3 hours later.
    device.wallet = Device::open(
        &device.world,
        &device.proxy,
        &device.clock,
        device.dir.path(),
    );
    device.wallet.unlock(PASSWORD.into()).await.unwrap();
    device.advance_s(3 * 3600);
    let report = device.wallet.reconcile_pending().await.unwrap();

    assert_eq!((report.completed, report.unresolved), (1, 0), "{report:?}");
    assert_eq!(
        device.top_ups_on_server(),
        2,
        "the top-up was applied twice"
    );
    let status = device.wallet.operation(operation_id).await.unwrap();
    assert_eq!(status.state, "completed");
}
