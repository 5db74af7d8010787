//! The API contract: the spec and the server agree on every operation, and
//! every error code the server can produce is enumerated in the spec.

use imwallet_sandbox::problem::ErrorCode;
use imwallet_sandbox::routes;
use imwallet_tests::spec;

#[test]
fn every_spec_operation_is_served_and_every_route_is_in_the_spec() {
    let mut served: Vec<(String, String)> = routes::list()
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    served.sort();
    let documented = spec::operations();
    let missing: Vec<_> = documented.iter().filter(|o| !served.contains(o)).collect();
    let undocumented: Vec<_> = served.iter().filter(|o| !documented.contains(o)).collect();
    assert!(
        missing.is_empty(),
        "in the spec but not served: {missing:?}"
    );
    assert!(
        undocumented.is_empty(),
        "served but not in the spec: {undocumented:?}"
    );
}

#[test]
fn the_spec_enumerates_exactly_the_servers_error_codes() {
    let enumerated: Vec<String> = spec::spec()["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    let served: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(enumerated, served);
}

#[test]
fn money_moving_posts_require_an_idempotency_key_in_the_spec() {
    let spec = spec::spec();
    for path in [
        "/v1/top-ups",
        "/v1/payments",
        "/v1/transfers",
        "/v1/withdrawals",
        "/v1/fx/conversions",
        "/v1/merchants/{merchant_id}/paycode-charges",
        "/v1/merchants/{merchant_id}/orders/{order_id}/refunds",
        "/v1/sandbox/transactions/{transaction_id}/reverse",
        "/v1/sandbox/withdrawals/{transaction_id}/complete",
        "/v1/sandbox/risk/holds/{transaction_id}/release",
        "/v1/sandbox/risk/holds/{transaction_id}/reject",
    ] {
        let params = spec["paths"][path]["post"]["parameters"]
            .as_array()
            .unwrap();
        assert!(
            params
                .iter()
                .any(|p| p["$ref"] == "#/components/parameters/IdempotencyKey"),
            "{path}"
        );
    }
}

/// One journey that calls every operation of the spec successfully over
/// HTTP (each response validated against its schema by the client).
#[tokio::test]
async fn every_operation_answers_successfully_over_http() {
    use imwallet_tests::{World, cny};
    use serde_json::json;
    let w = World::manual().await;
    let c = w.server.client();
    c.get("/healthz").await.ok(200);
    w.app.get("/v1/apps/current").await.ok(200);
    let alice = w.user().await;
    let bob = w.user().await;
    let a = &alice.client;
    a.get("/v1/me").await.ok(200);
    a.send("PATCH", "/v1/me", Some(json!({"display_name": "A"})), &[])
        .await
        .ok(200);
    a.get("/v1/me/security-events").await.ok(200);
    let card = w.funded(&alice, "1000.00").await;
    a.get("/v1/cards").await.ok(200);
    a.get("/v1/balances").await.ok(200);
    a.post(
        "/v1/quotes",
        json!({"operation": "transfer", "amount": cny("1.00")}),
    )
    .await
    .ok(200);
    let merchant = w.merchant().await;
    w.app
        .get(&format!("/v1/merchants/{merchant}"))
        .await
        .ok(200);
    w.app
        .get(&format!("/v1/merchants/{merchant}/qr"))
        .await
        .ok(200);
    let paid_key = imwallet_tests::new_key();
    let paid = a
        .post_key(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00")}),
            &paid_key,
        )
        .await;
    a.get(&format!("/v1/me/operations/{paid_key}"))
        .await
        .ok(200);
    // offline payment code: provision, rotate, charge
    let device = a.post("/v1/me/paycode-devices", json!({})).await;
    let device_id = device.ok(201)["device_id"].as_str().unwrap().to_owned();
    let rotated = a
        .post("/v1/me/paycode-devices", json!({"device_id": device_id}))
        .await;
    let secret = rotated.ok(200)["secret"].as_str().unwrap();
    let secret: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&secret[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let secret =
        imwallet_protocol::qr::paycode::PaycodeSecret::from_bytes(secret.try_into().unwrap());
    let code = imwallet_protocol::qr::paycode::generate(
        &secret,
        &device_id,
        (imwallet_tests::T0 / 1000) as u64,
    )
    .unwrap();
    w.app
        .post_idem(
            &format!("/v1/merchants/{merchant}/paycode-charges"),
            json!({"code": code, "amount": cny("1.00")}),
        )
        .await
        .ok(201);
    // merchant orders: create, read, list, pay by scanning, refund, close
    let orders = format!("/v1/merchants/{merchant}/orders");
    let order = w
        .app
        .post(
            &orders,
            json!({"out_trade_no": "c-1", "amount": cny("3.00"), "description": "tea"}),
        )
        .await;
    let order = order.ok(201).clone();
    let order_id = order["order_id"].as_str().unwrap();
    w.app.get(&orders).await.ok(200);
    w.app.get(&format!("{orders}/{order_id}")).await.ok(200);
    w.app
        .get(&format!("{orders}/by-out-trade-no/c-1"))
        .await
        .ok(200);
    a.post_idem("/v1/payments", json!({"payload": order["qr_payload"]}))
        .await
        .ok(201);
    w.app
        .post_idem(
            &format!("{orders}/{order_id}/refunds"),
            json!({"amount": cny("1.00")}),
        )
        .await
        .ok(201);
    let unpaid = w
        .app
        .post(
            &orders,
            json!({"out_trade_no": "c-2", "amount": cny("3.00"), "description": "tea"}),
        )
        .await;
    let unpaid = unpaid.ok(201)["order_id"].as_str().unwrap().to_owned();
    w.app
        .post(&format!("{orders}/{unpaid}/close"), json!({}))
        .await
        .ok(200);
    w.app.get("/v1/events").await.ok(200);
    let hook = w
        .app
        .post(
            "/v1/webhook-endpoints",
            json!({"url": "http://127.0.0.1:9/hook", "events": ["order.closed"]}),
        )
        .await;
    let hook = hook.ok(201)["endpoint_id"].as_str().unwrap().to_owned();
    w.app.get("/v1/webhook-endpoints").await.ok(200);
    let hooked = w
        .app
        .post(
            &orders,
            json!({"out_trade_no": "c-hook", "amount": cny("2.00"), "description": "tea"}),
        )
        .await;
    let hooked = hooked.ok(201)["order_id"].as_str().unwrap().to_owned();
    w.app
        .post(&format!("{orders}/{hooked}/close"), json!({}))
        .await
        .ok(200);
    let sent = w
        .app
        .get(&format!("/v1/webhook-endpoints/{hook}/deliveries"))
        .await;
    let delivery = sent.ok(200)["items"][0]["delivery_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resent = w
        .app
        .post(
            &format!("/v1/webhook-endpoints/{hook}/deliveries/{delivery}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(resent.status, 202);
    w.app
        .post(
            &format!("/v1/webhook-endpoints/{hook}/rotate-secret"),
            json!({}),
        )
        .await
        .ok(200);
    let gone = w
        .app
        .send(
            "DELETE",
            &format!("/v1/webhook-endpoints/{hook}"),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, 204);
    let in_app = w
        .app
        .post(
            &orders,
            json!({"out_trade_no": "c-3", "amount": cny("1.00"), "description": "tea"}),
        )
        .await;
    let token = in_app.ok(201)["order_token"].as_str().unwrap().to_owned();
    a.get(&format!("/v1/order-previews/{token}")).await.ok(200);
    let paid_id = paid.ok(201)["id"].as_str().unwrap().to_owned();
    a.post_idem(
        "/v1/transfers",
        json!({"to": {"user_id": bob.user_id}, "amount": cny("5.00")}),
    )
    .await
    .ok(201);
    w.server.advance_s(61);
    a.post("/v1/verification-codes", json!({"purpose": "withdraw"}))
        .await
        .ok(202);
    let code = w.code_for(&alice.phone).await;
    let wd = a
        .post_idem(
            "/v1/withdrawals",
            json!({"card_id": card, "amount": cny("20.00"), "code": code}),
        )
        .await;
    let wd_id = wd.ok(201)["id"].as_str().unwrap().to_owned();
    w.app
        .post_idem(
            &format!("/v1/sandbox/withdrawals/{wd_id}/complete"),
            json!({}),
        )
        .await
        .ok(200);
    w.app
        .post_idem(
            &format!("/v1/sandbox/transactions/{paid_id}/reverse"),
            json!({}),
        )
        .await
        .ok(201);
    let q = a
        .post(
            "/v1/fx/quotes",
            json!({"sell": cny("7.20"), "buy_currency": "USD"}),
        )
        .await;
    let quote = q.ok(201)["quote_id"].as_str().unwrap().to_owned();
    a.post_idem("/v1/fx/conversions", json!({"quote_id": quote}))
        .await
        .ok(201);
    a.get("/v1/transactions").await.ok(200);
    a.get(&format!("/v1/transactions/{paid_id}")).await.ok(200);
    a.get("/v1/points").await.ok(200);
    w.app
        .post(
            "/v1/sandbox/coupons",
            json!({"user_id": alice.user_id, "kind": "percent", "percent_off_bps": 500, "min_spend": cny("1.00"), "expires_at": imwallet_tests::T0 + 86_400_000}),
        )
        .await
        .ok(201);
    a.get("/v1/coupons").await.ok(200);
    // risk holds: a second server with a low hold limit
    let config = imwallet_sandbox::config::Config {
        risk: imwallet_sandbox::config::RiskLimits {
            hold_above_minor: 100,
            velocity_max: 0,
            velocity_window_s: 60,
        },
        ..imwallet_sandbox::config::Config::for_tests()
    };
    let w2 = World::with(imwallet_tests::TestServer::start_with(config, true).await).await;
    let h = w2.user().await;
    let h2 = w2.user().await;
    w2.funded(&h, "100.00").await;
    let t1 = h
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": h2.user_id}, "amount": cny("2.00")}),
        )
        .await;
    let t2 = h
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": h2.user_id}, "amount": cny("3.00")}),
        )
        .await;
    h.client.get("/v1/risk/holds").await.ok(200);
    let id1 = t1.ok(202)["id"].as_str().unwrap().to_owned();
    let id2 = t2.ok(202)["id"].as_str().unwrap().to_owned();
    w2.app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id1}/release"), json!({}))
        .await
        .ok(200);
    w2.app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id2}/reject"), json!({}))
        .await
        .ok(200);
    // cards: remove; account: freeze, unfreeze, password, refresh, logout, reset
    assert_eq!(
        a.send("DELETE", &format!("/v1/cards/{card}"), None, &[])
            .await
            .status,
        204
    );
    a.raw("POST", "/v1/me/freeze", &[], None).await.ok(200);
    a.post("/v1/me/unfreeze", json!({"password": "correct horse"}))
        .await
        .ok(200);
    let r = a
        .raw(
            "POST",
            "/v1/me/password",
            &[("Content-Type", "application/json")],
            Some(
                json!({"current_password": "correct horse", "new_password": "another password"})
                    .to_string()
                    .as_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status, 204);
    let fresh = w
        .app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": alice.refresh_token}),
        )
        .await;
    let access = fresh.ok(200)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        w.app
            .with_token(&access)
            .raw("POST", "/v1/auth/logout", &[], None)
            .await
            .status,
        204
    );
    w.server.advance_s(61);
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "reset_password", "destination": bob.phone}),
        )
        .await
        .ok(202);
    let code = w.code_for(&bob.phone).await;
    let r = w
        .app
        .raw(
            "POST",
            "/v1/auth/password-reset",
            &[("Content-Type", "application/json")],
            Some(
                json!({"identifier": bob.phone, "code": code, "new_password": "new password 2"})
                    .to_string()
                    .as_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status, 204);
    let done = spec::succeeded();
    let missing: Vec<_> = spec::operations()
        .into_iter()
        .filter(|o| !done.contains(o))
        .collect();
    assert!(
        missing.is_empty(),
        "operations never answered 2xx: {missing:?}"
    );
    w.server.assert_ledger_sound();
    w2.server.assert_ledger_sound();
}
