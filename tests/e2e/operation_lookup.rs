//! `GET /v1/me/operations/{idempotency_key}` and `Idempotency-Retention`
//! (issue 10, item 5): money responses advertise the retention; a key the
//! caller's money request used finds its transaction, also after the
//! idempotency record expired; another user's key, an unused key and a
//! malformed one do not.

use imwallet_tests::{World, cny};
use serde_json::json;

#[tokio::test]
async fn a_money_request_is_found_by_its_key_after_the_retention_and_only_by_its_user() {
    let world = World::manual().await;
    let user = world.user().await;
    let card = world.card(&user, "4242424242424242").await;
    let top_up = user
        .client
        .post_key(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("12.00")}),
            "retention-k1",
        )
        .await;
    let txn_id = top_up.ok(201)["id"].as_str().unwrap().to_owned();
    let retention_s = world.server.sandbox.state().config.idempotency_ttl_s;
    assert_eq!(
        top_up.header("idempotency-retention"),
        Some(retention_s.to_string().as_str())
    );

    let found = user.client.get("/v1/me/operations/retention-k1").await;
    assert_eq!(found.ok(200)["id"], txn_id.as_str());
    user.client
        .get("/v1/me/operations/never-used")
        .await
        .assert_problem(404, "operation_not_found");
    user.client
        .get("/v1/me/operations/bad%20key")
        .await
        .assert_problem(400, "invalid_idempotency_key");
    let other = world.user().await;
    other
        .client
        .get("/v1/me/operations/retention-k1")
        .await
        .assert_problem(404, "operation_not_found");

    // Past the retention the key is forgotten by the idempotency table (a
    // replay would run again), but the lookup still answers.
    world.server.advance_s(retention_s + 60);
    let tokens = world.login(&user.phone, &user.password).await;
    let client = world
        .app
        .with_token(tokens["access_token"].as_str().unwrap());
    let found = client.get("/v1/me/operations/retention-k1").await;
    assert_eq!(found.ok(200)["id"], txn_id.as_str());
    assert_eq!(found.body["status"], "completed");
}
