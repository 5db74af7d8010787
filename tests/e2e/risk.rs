//! Risk rules: holds above the single-amount limit (release and reject),
//! velocity freeze.

use imwallet_sandbox::config::{Config, RiskLimits};
use imwallet_tests::{TestServer, World, cny};
use serde_json::json;

async fn world(risk: RiskLimits) -> World {
    let config = Config {
        risk,
        ..Config::for_tests()
    };
    World::with(TestServer::start_with(config, true).await).await
}

#[tokio::test]
async fn large_payment_is_held_then_released_to_the_merchant() {
    let w = world(RiskLimits {
        hold_above_minor: 10_000,
        velocity_max: 0,
        velocity_window_s: 60,
    })
    .await;
    let user = w.user().await;
    w.funded(&user, "500.00").await;
    let merchant = w.merchant().await;
    let before = w.cny(&user).await;
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("200.00")}),
        )
        .await;
    let t = r.ok(202).clone();
    assert_eq!(t["status"], "held");
    assert_eq!(
        w.cny(&user).await,
        before - 20_000,
        "held funds leave the wallet"
    );
    let holds = user.client.get("/v1/risk/holds").await;
    assert_eq!(holds.ok(200)["items"][0]["id"], t["id"]);
    let m = w.app.get(&format!("/v1/merchants/{merchant}")).await;
    assert!(m.ok(200)["balances"].as_array().unwrap().is_empty());
    let id = t["id"].as_str().unwrap();
    let r = w
        .app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id}/release"), json!({}))
        .await;
    assert_eq!(r.ok(200)["status"], "completed");
    let m = w.app.get(&format!("/v1/merchants/{merchant}")).await;
    assert_eq!(m.ok(200)["balances"][0]["amount"], "198.80");
    w.app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id}/release"), json!({}))
        .await
        .assert_problem(404, "hold_not_found");
    assert!(
        user.client.get("/v1/risk/holds").await.ok(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn rejected_hold_returns_the_funds() {
    let w = world(RiskLimits {
        hold_above_minor: 10_000,
        velocity_max: 0,
        velocity_window_s: 60,
    })
    .await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "500.00").await;
    let before = w.cny(&alice).await;
    let r = alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("150.00")}),
        )
        .await;
    let id = r.ok(202)["id"].as_str().unwrap().to_owned();
    let r = w
        .app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id}/reject"), json!({}))
        .await;
    assert_eq!(r.ok(200)["status"], "rejected");
    assert_eq!(r.body["balance_effect"]["amount"], "0.00");
    assert_eq!(w.cny(&alice).await, before);
    assert_eq!(w.cny(&bob).await, 0);
    w.app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id}/reject"), json!({}))
        .await
        .assert_problem(404, "hold_not_found");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn too_many_transactions_freeze_the_account() {
    let w = world(RiskLimits {
        hold_above_minor: 0,
        velocity_max: 3,
        velocity_window_s: 60,
    })
    .await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let send = || {
        alice.client.post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("1.00")}),
        )
    };
    for _ in 0..3 {
        send().await.ok(201);
    }
    send().await.assert_problem(403, "risk_velocity_exceeded");
    let r = send().await;
    r.assert_problem(403, "account_frozen");
    assert_eq!(r.body["frozen_reason"], "risk");
    let me = alice.client.get("/v1/me").await;
    assert_eq!(me.ok(200)["frozen_reason"], "risk");
    w.server.advance_s(61);
    alice
        .client
        .post("/v1/me/unfreeze", json!({"password": "correct horse"}))
        .await
        .ok(200);
    send().await.ok(201);
    assert_eq!(w.cny(&bob).await, 400);
}
