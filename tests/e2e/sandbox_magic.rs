//! The sandbox's magic values (the table "Magic values" in
//! `sandbox/README.md`), one test per row: cards that decline, lack funds
//! or ask for a second verification, the withdrawal that stays pending, the
//! top-up amount that times out once after committing (the client's
//! unknown outcome, reconciled exactly once) and the one that answers 429.

use std::time::Duration;

use imwallet_core::wallet::{Wallet, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_sandbox::magic::{DECLINED_CARD, NO_FUNDS_CARD, VERIFY_CARD};
use imwallet_tests::wallet::{
    bind_card, journey_config, ledger_cny, outbox_states, server_txns_by, sign_up, test_config,
};
use imwallet_tests::{TestServer, World, cny};
use serde_json::json;

#[tokio::test]
async fn magic_card_4000000000000002_is_declined_and_moves_nothing() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.card(&user, DECLINED_CARD).await;
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("5.00")}),
        )
        .await
        .assert_problem(402, "card_declined");
    assert_eq!(w.cny(&user).await, 0);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn magic_card_4000000000009995_has_insufficient_funds() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.card(&user, NO_FUNDS_CARD).await;
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("5.00")}),
        )
        .await
        .assert_problem(402, "card_insufficient_funds");
    assert_eq!(w.cny(&user).await, 0);
}

#[tokio::test]
async fn magic_card_4000000000003220_needs_a_second_verification_per_top_up() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.card(&user, VERIFY_CARD).await;
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("5.00")}),
        )
        .await
        .assert_problem(402, "card_verification_required");
    // The card's own code (bind_card), asked for as usual.
    w.server.advance_s(61);
    user.client
        .post("/v1/verification-codes", json!({"purpose": "bind_card"}))
        .await
        .ok(202);
    let code = w.code_for(&user.phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("5.00"), "code": wrong}),
        )
        .await
        .assert_problem(422, "code_invalid");
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("5.00"), "code": code}),
        )
        .await
        .ok(201);
    assert_eq!(w.cny(&user).await, 499, "5.00 less the 0.10 % fee");
    // Single use: the next top-up needs a new code.
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("5.00"), "code": code}),
        )
        .await
        .assert_problem(422, "code_already_used");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn magic_withdrawal_stays_pending_until_the_operator_completes_it() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.funded(&user, "100.00").await;
    w.server.advance_s(61);
    user.client
        .post("/v1/verification-codes", json!({"purpose": "withdraw"}))
        .await
        .ok(202);
    let code = w.code_for(&user.phone).await;
    let r = user
        .client
        .post_idem(
            "/v1/withdrawals",
            json!({"card_id": card, "amount": cny("10.00"), "code": code}),
        )
        .await;
    let id = r.ok(201)["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["status"], "pending");
    w.server.advance_s(600);
    let t = user.client.get(&format!("/v1/transactions/{id}")).await;
    assert_eq!(t.ok(200)["status"], "pending", "no time completes it");
    w.app
        .post_idem(&format!("/v1/sandbox/withdrawals/{id}/complete"), json!({}))
        .await
        .ok(200);
    let t = user.client.get(&format!("/v1/transactions/{id}")).await;
    assert_eq!(t.ok(200)["status"], "completed");
    w.server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn magic_amount_408_times_out_once_then_reconciles_exactly_once() {
    let mut config = journey_config(false);
    config.magic_delay_ms = 1_500;
    let world = World::with(TestServer::start_with(config, false).await).await;
    let dir = tempfile::tempdir().unwrap();
    let mut wc = test_config(
        dir.path(),
        &imwallet_tests::wallet::base_url(&world),
        &world.api_key,
    );
    wc.api.request_timeout = Duration::from_millis(400);
    wc.api.retry.max_attempts = 1;
    let wallet = Wallet::open(wc).unwrap();
    let phone = world.phone();
    let user_id = sign_up(&world, &wallet, &phone, "Ann").await;
    let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;

    let amount = Money::new(imwallet_sandbox::magic::TIME_OUT_ONCE_MINOR, Currency::Cny);
    let err = wallet.top_up(card.clone(), amount).await.unwrap_err();
    assert!(
        matches!(err, WalletError::OutcomeUnknown { .. }),
        "the client cannot know: {err:?}"
    );
    // The server committed before the answer was lost.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server_txns_by(&world, &user_id).get("top_up"), Some(&1));

    let report = wallet.reconcile_pending().await.unwrap();
    assert_eq!(
        (report.completed, report.failed, report.unresolved),
        (1, 0, 0)
    );
    let again = wallet.reconcile_pending().await.unwrap();
    assert_eq!((again.completed, again.failed, again.unresolved), (0, 0, 0));
    assert_eq!(server_txns_by(&world, &user_id).get("top_up"), Some(&1));
    assert_eq!(outbox_states(dir.path()).get("completed"), Some(&1));
    let balance = wallet.balance(Currency::Cny).await.unwrap();
    assert_eq!(
        balance.minor,
        ledger_cny(&world, &format!("user:{user_id}"))
    );
    assert!(balance.minor > 0);
    world.server.assert_ledger_sound();
}

#[tokio::test]
async fn magic_amount_429_is_always_rate_limited_and_records_nothing() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.card(&user, "4242424242424242").await;
    let key = imwallet_tests::new_key();
    for _ in 0..2 {
        let r = user
            .client
            .post_key(
                "/v1/top-ups",
                json!({"card_id": card, "amount": cny("429.00")}),
                &key,
            )
            .await;
        r.assert_problem(429, "rate_limited");
        assert_eq!(r.header("retry-after"), Some("1"));
        assert_eq!(r.body["retry_after_s"], 1);
    }
    assert_eq!(w.cny(&user).await, 0);
    assert_eq!(
        user.client
            .get(&format!("/v1/me/operations/{key}"))
            .await
            .code(),
        "operation_not_found"
    );
}
