//! Idempotency-Key: replay, conflict, concurrency.

use imwallet_tests::{World, cny, new_key};
use serde_json::json;

#[tokio::test]
async fn same_key_same_body_replays_the_stored_response_once() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let body = json!({"to": {"user_id": bob.user_id}, "amount": cny("10.00")});
    let key = new_key();
    let first = alice
        .client
        .post_key("/v1/transfers", body.clone(), &key)
        .await;
    first.ok(201);
    assert_eq!(first.header("idempotent-replayed"), None);
    let second = alice
        .client
        .post_key("/v1/transfers", body.clone(), &key)
        .await;
    assert_eq!(second.ok(201), &first.body);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(w.cny(&bob).await, 1_000);
    // keys are kept at least 24 h
    let txns = w.server.count("txns");
    w.server.advance_s(24 * 3600);
    let fresh = w
        .app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": alice.refresh_token}),
        )
        .await;
    let client = w
        .app
        .with_token(fresh.ok(200)["access_token"].as_str().unwrap());
    let third = client.post_key("/v1/transfers", body, &key).await;
    assert_eq!(third.ok(201), &first.body);
    assert_eq!(w.server.count("txns"), txns);
}

#[tokio::test]
async fn same_key_different_body_is_a_422_and_moves_nothing() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let key = new_key();
    alice
        .client
        .post_key(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("10.00")}),
            &key,
        )
        .await
        .ok(201);
    alice
        .client
        .post_key(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("11.00")}),
            &key,
        )
        .await
        .assert_problem(422, "idempotency_key_reused");
    alice
        .client
        .post_key(
            "/v1/payments",
            json!({"merchant_id": "mer_x", "amount": cny("10.00")}),
            &key,
        )
        .await
        .assert_problem(422, "idempotency_key_reused");
    assert_eq!(w.cny(&bob).await, 1_000);
}

#[tokio::test]
async fn missing_or_malformed_key_is_refused() {
    let w = World::manual().await;
    let alice = w.user().await;
    let body = json!({"to": {"user_id": "usr_x"}, "amount": cny("1.00")});
    alice
        .client
        .post("/v1/transfers", body.clone())
        .await
        .assert_problem(400, "idempotency_key_required");
    let long = "k".repeat(256);
    alice
        .client
        .post_key("/v1/transfers", body, &long)
        .await
        .assert_problem(400, "invalid_idempotency_key");
}

#[tokio::test]
async fn failed_requests_are_not_stored_so_a_retry_can_succeed() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    let card = w.card(&alice, "4242424242424242").await;
    let key = new_key();
    let body = json!({"to": {"user_id": bob.user_id}, "amount": cny("10.00")});
    alice
        .client
        .post_key("/v1/transfers", body.clone(), &key)
        .await
        .assert_problem(422, "insufficient_funds");
    alice
        .client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("20.00")}),
        )
        .await
        .ok(201);
    alice
        .client
        .post_key("/v1/transfers", body, &key)
        .await
        .ok(201);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_requests_with_one_key_make_exactly_one_transaction() {
    let w = World::new().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let before = w.server.count("txns");
    let postings_before = w.server.count("postings");
    let key = new_key();
    let body = json!({"to": {"user_id": bob.user_id}, "amount": cny("7.00")});
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let client = alice.client.clone();
        let key = key.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            client.post_key("/v1/transfers", body, &key).await
        }));
    }
    let mut ids = std::collections::HashSet::new();
    for t in tasks {
        let r = t.await.unwrap();
        match r.status {
            201 => {
                ids.insert(r.body["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(r.code(), "idempotency_in_progress"),
            other => panic!("unexpected {other}: {}", r.body),
        }
    }
    assert_eq!(ids.len(), 1, "every success is the same transaction");
    assert_eq!(w.server.count("txns") - before, 1);
    assert_eq!(
        w.server.count("postings") - postings_before,
        2,
        "free transfer: two lines"
    );
    assert_eq!(w.cny(&bob).await, 700);
    w.server.assert_ledger_sound();
}
