//! Issue 10's client holes, through the `Wallet` facade against the real
//! sandbox: another account on the device leaves the first one's vault
//! alone (locked and unlocked), a definitive refusal of a money request
//! ends `failed`, not open, and an outbox stripped of every authenticated
//! header is refused at unlock, not replayed.

use std::sync::Arc;

use imwallet_core::wallet::{Wallet, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::Purpose;
use imwallet_tests::World;
use imwallet_tests::wallet::{
    PASSWORD, bind_card, journey_world, open_wallet, outbox_states, server_txns_by, sign_up,
};

/// Bob's password differs from Alice's, so a re-key would show.
const BOB_PASSWORD: &str = "bob's entirely different secret";

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

/// Registers a second account from another device; returns its phone.
async fn register_bob(world: &World) -> String {
    let dir = tempfile::tempdir().unwrap();
    let device = open_wallet(world, dir.path());
    let phone = world.phone();
    device
        .request_code(Purpose::Register, Some(phone.clone()))
        .await
        .unwrap();
    let code = world.code_for(&phone).await;
    device
        .register(phone.clone(), BOB_PASSWORD.to_owned(), code, None)
        .await
        .unwrap();
    phone
}

/// Bob logs in on Alice's device: refused with a typed error.
async fn bob_logs_in_on(world: &World, wallet: &Wallet, bob: &str) {
    wallet
        .login(bob.to_owned(), BOB_PASSWORD.to_owned())
        .await
        .unwrap();
    let code = world.code_for(bob).await;
    assert_eq!(
        wallet.verify_login(code).await.unwrap_err(),
        WalletError::Conflict {
            code: "different_account_on_device".into()
        }
    );
}

/// Alice's vault still opens with her password and holds her data.
async fn alice_is_intact(wallet: &Arc<Wallet>, alice: &str, card: &str) {
    wallet.lock();
    assert_eq!(
        wallet.unlock(BOB_PASSWORD.to_owned()).await.unwrap_err(),
        WalletError::WrongPassword { attempts_left: 9 }.clone(),
        "the vault must not be re-wrapped under the other account's password"
    );
    wallet.unlock(PASSWORD.to_owned()).await.unwrap();
    let profile = wallet.cached_profile().await.unwrap().unwrap();
    assert_eq!(profile.user_id, alice);
    let cards = wallet.cards().await.unwrap();
    assert!(cards.iter().any(|c| c.card_id == card));
    assert_eq!(wallet.history(10, 0).await.unwrap().items.len(), 1);
    // Alice's session still works (50.00 topped up, less the 0.05 fee).
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap(), yuan(4_995));
}

async fn alice_with_money(world: &World, dir: &std::path::Path) -> (Arc<Wallet>, String, String) {
    let wallet = open_wallet(world, dir);
    let phone = world.phone();
    let alice = sign_up(world, &wallet, &phone, "Alice").await;
    let card = bind_card(world, &wallet, &phone, "4242424242424242").await;
    wallet.top_up(card.clone(), yuan(5_000)).await.unwrap();
    (wallet, alice, card)
}

#[tokio::test]
async fn another_account_on_an_unlocked_device_leaves_the_vault_alone() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, alice, card) = alice_with_money(&world, dir.path()).await;
    let bob = register_bob(&world).await;
    bob_logs_in_on(&world, &wallet, &bob).await;
    alice_is_intact(&wallet, &alice, &card).await;
}

#[tokio::test]
async fn another_account_on_a_locked_device_leaves_the_vault_alone() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, alice, card) = alice_with_money(&world, dir.path()).await;
    let bob = register_bob(&world).await;
    // A restarted app: the vault is on disk and locked.
    drop(wallet);
    let wallet = open_wallet(&world, dir.path());
    bob_logs_in_on(&world, &wallet, &bob).await;
    alice_is_intact(&wallet, &alice, &card).await;
}

#[tokio::test]
async fn a_top_up_on_an_unverified_card_fails_definitively() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "Unverified").await;
    let card = wallet
        .bind_card("4242424242424242".to_owned(), 12, 2099, "Li Lei".to_owned())
        .await
        .unwrap();
    let err = wallet
        .top_up(card.card_id.clone(), yuan(100))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        WalletError::CardDeclined {
            reason: "card_not_verified".into()
        }
    );
    let states = outbox_states(dir.path());
    assert_eq!(states.get("failed"), Some(&1), "{states:?}");
    assert_eq!(states.len(), 1, "nothing left open: {states:?}");
    let report = wallet.reconcile_pending().await.unwrap();
    assert_eq!(report.unresolved, 0);
    assert_eq!(wallet.balance(Currency::Cny).await.unwrap(), yuan(0));
}

#[tokio::test]
async fn paying_a_paid_dynamic_code_fails_definitively() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, _, _) = alice_with_money(&world, dir.path()).await;
    let r = world
        .app
        .post(
            "/v1/merchants",
            serde_json::json!({"name": "Tea", "city": "Shanghai", "currency": "CNY"}),
        )
        .await;
    let merchant = r.ok(201)["merchant_id"].as_str().unwrap().to_owned();
    let qr = world
        .app
        .get(&format!(
            "/v1/merchants/{merchant}/qr?amount=1.00&reference=order-1"
        ))
        .await;
    let payload = qr.ok(200)["payload"].as_str().unwrap().to_owned();
    let pay = |payload: String| imwallet_core::wallet::PayRequest {
        payload,
        amount: None,
        coupon_id: None,
        points: None,
        memo: None,
    };
    wallet.pay(pay(payload.clone())).await.unwrap();
    let err = wallet.pay(pay(payload)).await.unwrap_err();
    assert!(
        matches!(&err, WalletError::Conflict { code } | WalletError::Unknown { code, .. }
            if code == "payload_already_paid"),
        "{err:?}"
    );
    let states = outbox_states(dir.path());
    assert_eq!(states.get("failed"), Some(&1), "{states:?}");
    assert!(!states.contains_key("unknown"), "{states:?}");
}

/// Issue 10, item 3: someone with the files erases every outbox header and
/// every setting (the `outbox.headers_v1` marker among them) and turns the
/// completed top-up into an open one under a fresh key. The vault's wrapped
/// key says its rows are sealed, so the unlock is refused: no money command
/// runs, and the server sees no second top-up.
#[tokio::test]
async fn an_outbox_stripped_of_every_header_is_refused_at_unlock_and_not_replayed() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let (wallet, alice, card) = alice_with_money(&world, dir.path()).await;
    assert_eq!(outbox_states(dir.path()).get("completed"), Some(&1));
    drop(wallet);
    rusqlite::Connection::open(dir.path().join("vault.db"))
        .unwrap()
        .execute_batch(
            "UPDATE pending_operations SET header = NULL, state = 'unknown',
                 idempotency_key = 'fresh-key';
             DELETE FROM settings;",
        )
        .unwrap();
    let wallet = open_wallet(&world, dir.path());
    let unlocked = wallet.unlock(PASSWORD.to_owned()).await;
    // What the next money command would do first.
    let reconciled = wallet.reconcile_pending().await;
    assert_eq!(
        server_txns_by(&world, &alice).get("top_up"),
        Some(&1),
        "the top-up was replayed: {reconciled:?}"
    );
    assert!(
        matches!(unlocked, Err(WalletError::Crypto { .. })),
        "{unlocked:?}"
    );
    assert!(reconciled.is_err());
    assert!(wallet.top_up(card, yuan(100)).await.is_err());
    assert_eq!(server_txns_by(&world, &alice).get("top_up"), Some(&1));
    world.server.assert_ledger_sound();
}
