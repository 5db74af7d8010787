//! A token pair rotated while the vault is locked (issue 10, item 6): a
//! refresh in flight when the user locks completes after the lock. The
//! server has spent the old refresh token, so the new pair must survive a
//! restart, or the next launch presents the spent token and the server
//! revokes the whole session (`refresh_token_reuse_detected`).

use std::time::Duration;

use imwallet_tests::chaos::{ChaosProxy, Fault};
use imwallet_tests::wallet::{PASSWORD, journey_config, open_wallet_at, sign_up};
use imwallet_tests::{TestServer, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_rotated_while_locked_survives_a_restart_without_revoking_the_session() {
    let world = World::with(TestServer::start_with(journey_config(false), true).await).await;
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    sign_up(&world, &wallet, &world.phone(), "Lin").await;

    // The access token expires; the next call refreshes, and the answer of
    // the refresh is held back until the user has locked the vault.
    world.server.advance_s(901);
    let before = proxy.requests();
    proxy.set_script([Fault::Pass, Fault::Delay(Duration::from_millis(800))]);
    let call = {
        let wallet = wallet.clone();
        tokio::spawn(async move { wallet.balances().await })
    };
    while proxy.requests() < before + 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    wallet.lock();
    let _ = call.await.unwrap(); // its own outcome does not matter here
    assert!(!wallet.is_unlocked());
    drop(wallet);

    // The app restarts, past the server's refresh replay window, and unlocks.
    world.server.advance_s(120);
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    wallet.unlock(PASSWORD.into()).await.unwrap();
    wallet.balances().await.unwrap();
    world.server.advance_s(901);
    wallet.balances().await.unwrap();
    assert!(wallet.is_logged_in());
    let events = wallet.security_events().await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| e.kind == "refresh_token_reuse_detected"),
        "{events:?}"
    );
}
