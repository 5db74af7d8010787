//! Webhook endpoints (issue 14 item 3) over real HTTP against a real
//! sandbox: an app registers, lists, rotates and deletes its endpoints; the
//! secret is shown only on creation and rotation; another app sees none.

use imwallet_tests::World;
use serde_json::{Value, json};

#[tokio::test]
async fn an_app_registers_lists_rotates_and_deletes_its_webhook_endpoints() {
    let w = World::manual().await;
    let created = w
        .app
        .post(
            "/v1/webhook-endpoints",
            json!({"url": "http://127.0.0.1:9/hook", "events": ["refund.succeeded", "order.paid", "order.paid"]}),
        )
        .await;
    let created = created.ok(201).clone();
    let id = created["endpoint_id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(created["events"], json!(["order.paid", "refund.succeeded"]));
    assert_eq!(created["previous_secret_expires_at"], Value::Null);

    // the list never shows a secret
    let list = w.app.get("/v1/webhook-endpoints").await.ok(200).clone();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["endpoint_id"], id.as_str());
    assert!(list["items"][0].get("secret").is_none());
    assert!(!list.to_string().contains(&secret));

    // bad input
    for body in [
        json!({"url": "ftp://x/hook", "events": ["order.paid"]}),
        json!({"url": "http://x/hook", "events": []}),
        json!({"url": "http://x/hook", "events": ["order.lost"]}),
    ] {
        w.app
            .post("/v1/webhook-endpoints", body)
            .await
            .assert_problem(422, "invalid_value");
    }

    // rotation: a new secret, the old one signs for 24 more hours
    let rotated = w
        .app
        .post(
            &format!("/v1/webhook-endpoints/{id}/rotate-secret"),
            json!({}),
        )
        .await;
    let rotated = rotated.ok(200).clone();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert_ne!(new_secret, secret);
    let until = rotated["previous_secret_expires_at"].as_i64().unwrap();
    assert_eq!(until, w.server.sandbox.state().now() + 24 * 3600 * 1000);
    w.server.advance_s(24 * 3600 + 1);
    let list = w.app.get("/v1/webhook-endpoints").await.ok(200).clone();
    assert_eq!(list["items"][0]["previous_secret_expires_at"], Value::Null);

    // another app can neither see nor touch it
    let other = w
        .server
        .client()
        .post("/v1/apps", json!({"name": "other"}))
        .await;
    let other = w
        .server
        .client()
        .with_key(other.ok(201)["api_key"].as_str().unwrap());
    assert_eq!(
        other.get("/v1/webhook-endpoints").await.ok(200)["items"],
        json!([])
    );
    other
        .send("DELETE", &format!("/v1/webhook-endpoints/{id}"), None, &[])
        .await
        .assert_problem(404, "webhook_endpoint_not_found");
    other
        .post(
            &format!("/v1/webhook-endpoints/{id}/rotate-secret"),
            json!({}),
        )
        .await
        .assert_problem(404, "webhook_endpoint_not_found");

    // deletion
    let gone = w
        .app
        .send("DELETE", &format!("/v1/webhook-endpoints/{id}"), None, &[])
        .await;
    assert_eq!(gone.status, 204);
    assert_eq!(
        w.app.get("/v1/webhook-endpoints").await.ok(200)["items"],
        json!([])
    );
    w.app
        .send("DELETE", &format!("/v1/webhook-endpoints/{id}"), None, &[])
        .await
        .assert_problem(404, "webhook_endpoint_not_found");
}
