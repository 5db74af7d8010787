//! Sessions and history through the `Wallet` facade: incremental sync with
//! progress and cancellation, token rotation persisted across a restart, and
//! a refresh whose response is lost.

use std::sync::{Arc, Mutex};

use imwallet_core::wallet::{CancelToken, SyncProgress, Wallet, WalletError};
use imwallet_protocol::money::Currency;
use imwallet_tests::chaos::{ChaosProxy, Fault};
use imwallet_tests::wallet::{
    PASSWORD, bind_card, history_total, journey_config, journey_world, open_wallet, open_wallet_at,
    sign_up, test_config,
};
use imwallet_tests::{TestServer, World, cny};
use serde_json::json;

/// Records progress and optionally cancels after the first page.
struct Recorder {
    seen: Mutex<Vec<u64>>,
    cancel_after_first: Option<Arc<CancelToken>>,
}

impl SyncProgress for Recorder {
    fn on_progress(&self, fetched: u64) {
        self.seen.lock().unwrap().push(fetched);
        if let Some(token) = &self.cancel_after_first {
            token.cancel();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_sync_reports_progress_can_be_cancelled_and_resumes() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(
        dir.path(),
        &imwallet_tests::wallet::base_url(&world),
        &world.api_key,
    );
    config.sync_page_size = 100;
    let wallet = Wallet::open(config).unwrap();
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "Pat").await;
    let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
    // 350 transactions made elsewhere (another session of the same user).
    let tokens = world.login(&phone, PASSWORD).await;
    let other = world
        .app
        .with_token(tokens["access_token"].as_str().unwrap());
    for i in 0..350 {
        other
            .post_idem(
                "/v1/top-ups",
                json!({"card_id": card, "amount": cny(&format!("{}.00", 1 + i % 9))}),
            )
            .await
            .ok(201);
    }

    // Cancelled after the first page: what arrived stays cached.
    let token = CancelToken::new();
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
        cancel_after_first: Some(token.clone()),
    });
    let err = wallet
        .sync_history(Some(recorder.clone()), Some(token))
        .await
        .unwrap_err();
    assert_eq!(err, WalletError::Cancelled);
    assert_eq!(*recorder.seen.lock().unwrap(), vec![100]);
    assert_eq!(wallet.history(500, 0).await.unwrap().items.len(), 100);

    // The next sync resumes from the cache and reports each page.
    let recorder = Arc::new(Recorder {
        seen: Mutex::new(Vec::new()),
        cancel_after_first: None,
    });
    let report = wallet
        .sync_history(Some(recorder.clone()), None)
        .await
        .unwrap();
    assert_eq!(report.cached, 350);
    let seen = recorder.seen.lock().unwrap().clone();
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert!(*seen.last().unwrap() >= 250, "{seen:?}");
    assert_eq!(
        history_total(&wallet).await,
        wallet.balance(Currency::Cny).await.unwrap().minor
    );

    // Nothing new: a sync fetches at most the boundary transaction again.
    let again = wallet.sync_history(None, None).await.unwrap();
    assert!(again.fetched <= 1, "{again:?}");
    assert_eq!(again.cached, 350);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_tokens_survive_a_restart_and_a_lost_refresh_response() {
    let world = World::with(TestServer::start_with(journey_config(false), true).await).await;
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "Ray").await;

    // The access token expires; the next call refreshes, and the refresh's
    // answer is lost after the server rotated: the retry with the same
    // Idempotency-Key gets the same rotation instead of a reuse alarm.
    world.server.advance_s(901);
    proxy.set_script([Fault::Pass, Fault::DropAfterServer]);
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap().minor, 0);
    assert_eq!(
        proxy.stats().dropped_after,
        1,
        "the refresh answer was lost"
    );
    let events = wallet.security_events().await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| e.kind == "refresh_token_reuse_detected"),
        "{events:?}"
    );

    // Expire again, refresh, then restart: the rotated pair was persisted,
    // so the new process refreshes with the current refresh token.
    world.server.advance_s(901);
    wallet.balances().await.unwrap();
    drop(wallet);
    world.server.advance_s(901);
    let wallet = open_wallet(&world, dir.path());
    wallet.unlock(PASSWORD.into()).await.unwrap();
    wallet.balances().await.unwrap();
    assert!(wallet.is_logged_in());
}
