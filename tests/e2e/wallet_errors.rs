//! Every error path a shell must show, through the `Wallet` facade against
//! the real sandbox: the typed error, and that nothing was lost or applied
//! twice.

use std::sync::Arc;

use imwallet_core::crypto::KdfPolicy;
use imwallet_core::store::{ManualClock, VaultOptions};
use imwallet_core::wallet::{CodeFailure, PayRequest, TransferTarget, Wallet, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::Purpose;
use imwallet_tests::chaos::{ChaosProxy, Fault};
use imwallet_tests::wallet::{
    PASSWORD, base_url, bind_card, dead_url, journey_config, journey_world, open_wallet,
    open_wallet_at, sign_up, test_config,
};
use imwallet_tests::{TestServer, World};

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

/// A signed-up user with a funded wallet: (wallet, phone, card).
async fn funded(world: &World, dir: &std::path::Path, minor: i64) -> (Arc<Wallet>, String, String) {
    let wallet = open_wallet(world, dir);
    let phone = world.phone();
    sign_up(world, &wallet, &phone, "Tester").await;
    let card = bind_card(world, &wallet, &phone, "4242424242424242").await;
    wallet.top_up(card.clone(), yuan(minor)).await.unwrap();
    (wallet, phone, card)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_second_factor_code_is_typed_and_the_right_one_still_works() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "A").await;
    wallet.logout().await.unwrap();
    wallet.login(phone.clone(), PASSWORD.into()).await.unwrap();
    let code = world.code_for(&phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = wallet.verify_login(wrong.into()).await.unwrap_err();
    assert_eq!(
        err,
        WalletError::VerificationFailed {
            reason: CodeFailure::Invalid,
            attempts_left: Some(4)
        }
    );
    wallet.verify_login(code).await.unwrap();
    assert!(wallet.is_logged_in());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_typed() {
    let world = World::with(TestServer::start_with(journey_config(true), true).await).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    let phone = world.phone();
    wallet
        .request_code(Purpose::Register, Some(phone.clone()))
        .await
        .unwrap();
    let code = world.code_for(&phone).await;
    world.server.advance_s(601);
    let err = wallet
        .register(phone, PASSWORD.into(), code, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            WalletError::VerificationFailed {
                reason: CodeFailure::Expired,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_passwords_are_counted_then_lock_out_and_never_delete_anything() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, phone, _) = funded(&world, dir.path(), 10_000).await;
    let balance = wallet.balance(Currency::Cny).await.unwrap();
    wallet.sync_history(None, None).await.unwrap();

    // At the server: a wrong password at login.
    let err = wallet
        .login(phone.clone(), "not my password".into())
        .await
        .unwrap_err();
    assert!(matches!(err, WalletError::WrongPassword { .. }), "{err:?}");

    // On the device, with a clock we control: five free tries, then a wait.
    drop(wallet);
    let clock = ManualClock::new(1_800_000_000);
    let mut config = test_config(dir.path(), &base_url(&world), &world.api_key);
    config.vault = VaultOptions {
        kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
        clock: clock.clone(),
        ..VaultOptions::default()
    };
    let wallet = Wallet::open(config).unwrap();
    assert!(!wallet.is_unlocked());
    for left in (5..=9).rev() {
        let err = wallet.unlock("guess".into()).await.unwrap_err();
        assert_eq!(
            err,
            WalletError::WrongPassword {
                attempts_left: left
            }
        );
    }
    let err = wallet.unlock(PASSWORD.into()).await.unwrap_err();
    assert!(
        matches!(err, WalletError::LockedOut { retry_after_s } if retry_after_s > 0),
        "{err:?}"
    );
    clock.advance(std::time::Duration::from_secs(31));
    wallet.unlock(PASSWORD.into()).await.unwrap();
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap(), balance);
    assert_eq!(wallet.history(10, 0).await.unwrap().items.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insufficient_funds_is_typed_and_moves_nothing() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, _, _) = funded(&world, dir.path(), 1_000).await;
    let before = wallet.balance(Currency::Cny).await.unwrap();
    let err = wallet
        .transfer(TransferTarget::Phone(world.phone()), yuan(1_000_000), None)
        .await
        .unwrap_err();
    // An unknown recipient is reported as such, before any funds check.
    assert_eq!(
        err,
        WalletError::NotFound {
            what: "recipient".into()
        }
    );
    let other_dir = tempfile::tempdir().unwrap();
    let other = open_wallet(&world, other_dir.path());
    let other_phone = world.phone();
    sign_up(&world, &other, &other_phone, "B").await;
    let err = wallet
        .transfer(TransferTarget::Phone(other_phone), yuan(1_000_000), None)
        .await
        .unwrap_err();
    assert_eq!(err, WalletError::InsufficientFunds);
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap(), before);
    assert_eq!(wallet.reconcile_pending().await.unwrap().unresolved, 0);
    world.server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_card_is_typed() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "C").await;
    let card = bind_card(&world, &wallet, &phone, "4000000000000002").await;
    let err = wallet.top_up(card.clone(), yuan(5_000)).await.unwrap_err();
    assert_eq!(
        err,
        WalletError::CardDeclined {
            reason: "card_declined".into()
        }
    );
    let no_funds = bind_card(&world, &wallet, &phone, "4000000000009995").await;
    let err = wallet.top_up(no_funds, yuan(5_000)).await.unwrap_err();
    assert!(matches!(err, WalletError::CardDeclined { .. }), "{err:?}");
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap(), yuan(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_account_refuses_money_with_a_typed_error() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, _, card) = funded(&world, dir.path(), 10_000).await;
    wallet.freeze().await.unwrap();
    let err = wallet.top_up(card.clone(), yuan(100)).await.unwrap_err();
    assert_eq!(
        err,
        WalletError::AccountFrozen {
            reason: Some("self".into())
        }
    );
    let err = wallet.unfreeze("wrong password".into()).await.unwrap_err();
    assert!(matches!(err, WalletError::WrongPassword { .. }), "{err:?}");
    wallet.unfreeze(PASSWORD.into()).await.unwrap();
    wallet.top_up(card, yuan(100)).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_risk_hold_is_typed_and_the_held_transaction_is_kept() {
    let mut config = journey_config(true);
    config.risk.hold_above_minor = 5_000;
    let world = World::with(TestServer::start_with(config, false).await).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, _, _) = funded(&world, dir.path(), 20_000).await;
    let other_dir = tempfile::tempdir().unwrap();
    let other = open_wallet(&world, other_dir.path());
    let other_phone = world.phone();
    sign_up(&world, &other, &other_phone, "D").await;
    let before = wallet.balance(Currency::Cny).await.unwrap();

    let err = wallet
        .transfer(TransferTarget::Phone(other_phone), yuan(6_000), None)
        .await
        .unwrap_err();
    let WalletError::RiskHold { transaction_id } = err else {
        panic!("expected a risk hold, got {err:?}");
    };
    // The funds are parked, not lost; the held transaction is in the history.
    assert_eq!(
        wallet.balance(Currency::Cny).await.unwrap().minor,
        before.minor - 6_000
    );
    assert_eq!(other.balance(Currency::Cny).await.unwrap(), yuan(0));
    let held = wallet.transaction(transaction_id.clone()).await.unwrap();
    assert_eq!(held.status, "held");
    assert_eq!(wallet.reconcile_pending().await.unwrap().unresolved, 0);

    // A reviewer releases it; the recipient gets the money once.
    world
        .app
        .post_idem(
            &format!("/v1/sandbox/risk/holds/{transaction_id}/release"),
            serde_json::json!({}),
        )
        .await
        .ok(200);
    assert_eq!(other.balance(Currency::Cny).await.unwrap(), yuan(6_000));
    world.server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_payloads_are_typed_and_never_reach_the_server() {
    let world = journey_world(true).await;
    // The wallet talks to the sandbox only through this proxy, which counts
    // every request: a refused payload must not cause a single one.
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "Tester").await;
    let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
    wallet.top_up(card, yuan(10_000)).await.unwrap();
    assert!(proxy.requests() > 0, "the wallet goes through the proxy");
    // A merchant code with one character changed: the CRC catches it.
    let (_, merchant_code) = imwallet_tests::wallet::merchant_with_code(&world, "Tea").await;
    let mut broken = merchant_code.into_bytes();
    let i = broken.iter().position(|b| *b == b'T').unwrap();
    broken[i] = b'X';
    let cases = [
        ("hello".to_owned(), "unsupported_format"),
        ("000201010211".to_owned(), "missing_field"),
        (
            "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT?amount=1".to_owned(),
            "not_payable",
        ),
        (String::from_utf8(broken).unwrap(), "crc_mismatch"),
    ];
    let balance = wallet.balance(Currency::Cny).await.unwrap();
    let rows = world.server.row_counts();
    for (payload, kind) in cases {
        let before = proxy.requests();
        let err = wallet
            .pay(PayRequest {
                payload: payload.clone(),
                amount: Some(yuan(100)),
                ..PayRequest::default()
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&err, WalletError::InvalidPayload { kind: k, .. } if k == kind),
            "{payload}: {err:?}"
        );
        assert_eq!(
            proxy.requests(),
            before,
            "{payload}: a refused payload reached the server"
        );
    }
    assert_eq!(world.server.row_counts(), rows, "nothing was written");
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap(), balance);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_network_is_typed_and_the_operation_is_not_applied() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, _, card) = funded(&world, dir.path(), 10_000).await;
    let before = wallet.balance(Currency::Cny).await.unwrap();
    drop(wallet);

    // Same device, but the network is down (nothing listens).
    let offline = open_wallet_at(&world, dir.path(), &dead_url());
    offline.unlock(PASSWORD.into()).await.unwrap();
    assert_eq!(offline.balances().await.unwrap_err(), WalletError::Network);
    assert_eq!(
        offline.top_up(card.clone(), yuan(500)).await.unwrap_err(),
        WalletError::Network
    );
    // Cached data still readable offline.
    assert_eq!(offline.history(10, 0).await.unwrap().items.len(), 1);
    drop(offline);

    // Back online: nothing was applied, nothing is left open.
    let online = open_wallet(&world, dir.path());
    online.unlock(PASSWORD.into()).await.unwrap();
    assert_eq!(online.reconcile_pending().await.unwrap().unresolved, 0);
    assert_eq!(online.balance(Currency::Cny).await.unwrap(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_is_typed_and_the_operation_is_reconciled_exactly_once() {
    let world = journey_world(true).await;
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "E").await;
    let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;

    proxy.set_fault(Fault::Status(500));
    assert_eq!(
        wallet.balances().await.unwrap_err(),
        WalletError::ServerUnavailable { status: 500 }
    );
    let err = wallet.top_up(card.clone(), yuan(700)).await.unwrap_err();
    let WalletError::OutcomeUnknown { operation_id } = err else {
        panic!("expected an unknown outcome, got {err:?}");
    };
    assert_eq!(
        wallet.operation(operation_id.clone()).await.unwrap().state,
        "unknown"
    );

    // The server answers after the answer was lost: the replay finds it applied.
    proxy.set_fault(Fault::DropAfterServer);
    let err = wallet.top_up(card.clone(), yuan(700)).await.unwrap_err();
    assert!(matches!(err, WalletError::OutcomeUnknown { .. }), "{err:?}");

    proxy.set_fault(Fault::Pass);
    let report = wallet.reconcile_pending().await.unwrap();
    assert_eq!(report.completed, 1);
    let op = wallet.operation(operation_id).await.unwrap();
    assert_eq!(op.state, "completed");
    let txns = world.server.count("txns");
    assert_eq!(txns, 1, "exactly one top-up in the ledger");
    let balance = wallet.balance(Currency::Cny).await.unwrap();
    assert_eq!(balance.minor, 700 - 1, "700 minus the 0.1% fee");
    world.server.assert_ledger_sound();
}
