//! Bad input never yields a 5xx and never writes anything: each kind gets a
//! 4xx problem+json with its own code.

use imwallet_tests::{World, cny, new_key};
use serde_json::json;

#[tokio::test]
async fn every_kind_of_bad_transfer_gets_its_own_code_and_writes_nothing() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let to = json!({"user_id": bob.user_id});
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("malformed json", "{\"to\": ".into(), 400, "malformed_json"),
        ("not json at all", "hello".into(), 400, "malformed_json"),
        (
            "unknown field",
            json!({"to": to, "amount": cny("1.00"), "tip": 1}).to_string(),
            400,
            "unknown_field",
        ),
        (
            "unknown nested field",
            json!({"to": {"user_id": bob.user_id, "x": 1}, "amount": cny("1.00")}).to_string(),
            400,
            "unknown_field",
        ),
        (
            "unknown money field",
            json!({"to": to, "amount": {"amount": "1.00", "currency": "CNY", "minor": 100}})
                .to_string(),
            400,
            "unknown_field",
        ),
        (
            "missing field",
            json!({"to": to}).to_string(),
            400,
            "missing_field",
        ),
        (
            "amount as number",
            json!({"to": to, "amount": {"amount": 1.0, "currency": "CNY"}}).to_string(),
            400,
            "wrong_type",
        ),
        (
            "to as string",
            json!({"to": "bob", "amount": cny("1.00")}).to_string(),
            400,
            "wrong_type",
        ),
        (
            "zero",
            json!({"to": to, "amount": cny("0.00")}).to_string(),
            422,
            "non_positive_amount",
        ),
        (
            "negative",
            json!({"to": to, "amount": cny("-1.00")}).to_string(),
            422,
            "non_positive_amount",
        ),
        (
            "overflow",
            json!({"to": to, "amount": cny("99999999999999999999.00")}).to_string(),
            422,
            "amount_overflow",
        ),
        (
            "too many decimals",
            json!({"to": to, "amount": cny("1.001")}).to_string(),
            422,
            "too_many_decimals",
        ),
        (
            "decimals on JPY",
            json!({"to": to, "amount": {"amount": "1.5", "currency": "JPY"}}).to_string(),
            422,
            "too_many_decimals",
        ),
        (
            "garbage amount",
            json!({"to": to, "amount": cny("1e3")}).to_string(),
            422,
            "invalid_amount",
        ),
        (
            "unsupported currency",
            json!({"to": to, "amount": {"amount": "1.00", "currency": "XXX"}}).to_string(),
            422,
            "unsupported_currency",
        ),
        (
            "lower-case currency",
            json!({"to": to, "amount": {"amount": "1.00", "currency": "cny"}}).to_string(),
            422,
            "unsupported_currency",
        ),
        (
            "unknown recipient id",
            json!({"to": {"user_id": "usr_nope"}, "amount": cny("1.00")}).to_string(),
            404,
            "recipient_not_found",
        ),
        (
            "oversized body",
            format!("{{\"memo\": \"{}\"}}", "x".repeat(70_000)),
            413,
            "payload_too_large",
        ),
    ];
    let before = w.server.row_counts();
    for (what, body, status, code) in cases {
        let key = new_key();
        let r = alice
            .client
            .raw(
                "POST",
                "/v1/transfers",
                &[
                    ("Content-Type", "application/json"),
                    ("Idempotency-Key", &key),
                ],
                Some(body.as_bytes()),
            )
            .await;
        assert_eq!((r.status, r.code()), (status, code), "{what}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{what}"
        );
    }
    let r = alice
        .client
        .raw(
            "POST",
            "/v1/transfers",
            &[("Idempotency-Key", "k-ct")],
            Some(b"{}"),
        )
        .await;
    r.assert_problem(415, "unsupported_media_type");
    let r = alice
        .client
        .raw(
            "POST",
            "/v1/transfers",
            &[("Content-Type", "text/plain"), ("Idempotency-Key", "k-ct2")],
            Some(b"{}"),
        )
        .await;
    r.assert_problem(415, "unsupported_media_type");
    assert_eq!(w.server.row_counts(), before, "bad input wrote something");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn unknown_routes_methods_and_ids_are_problem_json() {
    let w = World::manual().await;
    let user = w.user().await;
    user.client
        .get("/v1/nope")
        .await
        .assert_problem(404, "route_not_found");
    user.client
        .send("PUT", "/v1/me", Some(json!({})), &[])
        .await
        .assert_problem(405, "method_not_allowed");
    user.client
        .get("/v1/transactions/txn_unknown")
        .await
        .assert_problem(404, "transaction_not_found");
    user.client
        .post("/v1/cards/card_unknown/verify", json!({"code": "123456"}))
        .await
        .assert_problem(404, "card_not_found");
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": "card_unknown", "amount": cny("1.00")}),
        )
        .await
        .assert_problem(404, "card_not_found");
    user.client
        .post(
            "/v1/quotes",
            json!({"operation": "teleport", "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_value");
    user.client
        .post(
            "/v1/quotes",
            json!({"operation": "transfer", "amount": cny("1.00"), "points": 5}),
        )
        .await
        .assert_problem(422, "invalid_value");
    user.client
        .post("/v1/cards", json!({"number": 4242424242424242u64, "expiry_month": 1, "expiry_year": 2099, "holder_name": "A"}))
        .await
        .assert_problem(400, "wrong_type");
    user.client
        .post("/v1/cards", json!({"number": "4242424242424242", "expiry_month": 13, "expiry_year": 2099, "holder_name": "A"}))
        .await
        .assert_problem(422, "invalid_value");
}

#[tokio::test]
async fn sandbox_endpoints_can_be_disabled() {
    let config = imwallet_sandbox::config::Config {
        sandbox_endpoints: false,
        ..imwallet_sandbox::config::Config::for_tests()
    };
    let w = World::with(imwallet_tests::TestServer::start_with(config, true).await).await;
    w.app
        .get("/v1/sandbox/outbox")
        .await
        .assert_problem(404, "sandbox_disabled");
    w.app
        .post(
            "/v1/merchants",
            json!({"name": "A", "city": "B", "currency": "CNY"}),
        )
        .await
        .assert_problem(404, "sandbox_disabled");
    w.app
        .post_idem("/v1/sandbox/transactions/txn_x/reverse", json!({}))
        .await
        .assert_problem(404, "sandbox_disabled");
}
