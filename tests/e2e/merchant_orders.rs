//! Merchant orders and refunds (issue 14 items 1 and 2) over real HTTP
//! against a real sandbox on a temporary SQLite file: a merchant creates an
//! order, a user pays it by scanning its QR, and the refused payments
//! (paid twice, closed, expired, wrong amount) each get their own code;
//! partial and full refunds, a refund over the paid amount, an idempotent
//! refund replay, the payer's `refund` history entry, the event log, and
//! the ledger invariants after each step.

use imwallet_protocol::qr::{self, PaymentPayload, Receiver};
use imwallet_tests::{Resp, World, cny, minor, new_key};
use serde_json::{Value, json};

/// The merchant's CNY settlement balance in minor units.
async fn merchant_cny(w: &World, merchant: &str) -> i64 {
    let m = w.app.get(&format!("/v1/merchants/{merchant}")).await;
    m.ok(200)["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["currency"] == "CNY")
        .map(|b| minor(&b["amount"]))
        .unwrap_or(0)
}

async fn create(w: &World, merchant: &str, out_trade_no: &str, amount: &str) -> Resp {
    w.app
        .post(
            &format!("/v1/merchants/{merchant}/orders"),
            json!({
                "out_trade_no": out_trade_no,
                "amount": cny(amount),
                "description": "两杯咖啡 Two coffees",
                "expires_in_s": 600,
                "notify_url": "https://shop.example/notify",
            }),
        )
        .await
}

async fn order(w: &World, merchant: &str, id: &str) -> Value {
    w.app
        .get(&format!("/v1/merchants/{merchant}/orders/{id}"))
        .await
        .ok(200)
        .clone()
}

async fn refund(w: &World, merchant: &str, id: &str, amount: &str, key: &str) -> Resp {
    w.app
        .post_key(
            &format!("/v1/merchants/{merchant}/orders/{id}/refunds"),
            json!({"amount": cny(amount), "reason": "退货 returned"}),
            key,
        )
        .await
}

#[tokio::test]
async fn an_order_is_paid_once_by_scanning_and_each_refused_payment_has_its_code() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let before = w.cny(&user).await;

    let created = create(&w, &merchant, "shop-1001", "12.34").await;
    let o = created.ok(201).clone();
    let id = o["order_id"].as_str().unwrap().to_owned();
    assert_eq!(o["status"], "created");
    assert_eq!(o["amount"], cny("12.34"));
    assert!(o["order_token"].as_str().unwrap().starts_with("otk_"));
    let payload = o["qr_payload"].as_str().unwrap().to_owned();
    let PaymentPayload::ImwalletReceive(code) = qr::parse(&payload).unwrap() else {
        panic!("not a wallet receive code: {payload}");
    };
    assert_eq!(code.receiver, Receiver::Merchant(&merchant));
    assert_eq!(code.reference, Some(id.as_str()));
    assert!(payload.starts_with("000201010212"), "dynamic: {payload}");

    // the same out_trade_no and terms again is the same order; other terms are refused
    let again = create(&w, &merchant, "shop-1001", "12.34").await;
    assert_eq!(again.ok(200)["order_id"], id.as_str());
    create(&w, &merchant, "shop-1001", "12.35")
        .await
        .assert_problem(409, "out_trade_no_taken");
    let by_no = w
        .app
        .get(&format!(
            "/v1/merchants/{merchant}/orders/by-out-trade-no/shop-1001"
        ))
        .await;
    assert_eq!(by_no.ok(200)["order_id"], id.as_str());

    // wrong amount: refused, nothing written
    let rows = w.server.row_counts();
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": payload, "amount": cny("12.00")}),
        )
        .await
        .assert_problem(422, "order_amount_mismatch");
    assert_eq!(w.server.row_counts(), rows, "a refused payment wrote");

    // paid by scanning: the merchant fee reaches the ledger as for any payment
    let paid = user
        .client
        .post_idem("/v1/payments", json!({"payload": payload}))
        .await;
    let t = paid.ok(201).clone();
    assert_eq!(
        (&t["type"], &t["amount"]),
        (&json!("payment"), &cny("12.34"))
    );
    assert_eq!(t["fee"]["amount"], "0.07");
    assert_eq!(t["memo"], "两杯咖啡 Two coffees");
    let o = order(&w, &merchant, &id).await;
    assert_eq!(o["status"], "paid");
    assert_eq!(o["transaction_id"], t["id"]);
    assert_eq!(o["refundable"], cny("12.34"));
    assert_eq!(w.cny(&user).await, before - 1234);
    assert_eq!(merchant_cny(&w, &merchant).await, 1234 - 7);
    w.server.assert_ledger_sound();

    // paid twice
    let rows = w.server.row_counts();
    user.client
        .post_idem("/v1/payments", json!({"payload": payload}))
        .await
        .assert_problem(409, "order_already_paid");
    assert_eq!(w.server.row_counts(), rows);
    w.app
        .post(
            &format!("/v1/merchants/{merchant}/orders/{id}/close"),
            json!({}),
        )
        .await
        .assert_problem(409, "order_already_paid");

    // closed
    let closed = create(&w, &merchant, "shop-1002", "5.00").await;
    let closed = closed.ok(201).clone();
    let cid = closed["order_id"].as_str().unwrap();
    let r = w
        .app
        .post(
            &format!("/v1/merchants/{merchant}/orders/{cid}/close"),
            json!({}),
        )
        .await;
    assert_eq!(r.ok(200)["status"], "closed");
    user.client
        .post_idem("/v1/payments", json!({"payload": closed["qr_payload"]}))
        .await
        .assert_problem(409, "order_closed");

    // expired
    let late = create(&w, &merchant, "shop-1003", "6.00").await;
    let late = late.ok(201).clone();
    w.server.advance_s(601);
    let lid = late["order_id"].as_str().unwrap();
    assert_eq!(order(&w, &merchant, lid).await["status"], "expired");
    user.client
        .post_idem("/v1/payments", json!({"payload": late["qr_payload"]}))
        .await
        .assert_problem(409, "order_expired");

    // another app sees none of it
    let other = w
        .server
        .client()
        .post("/v1/apps", json!({"name": "other"}))
        .await;
    let other = w
        .server
        .client()
        .with_key(other.ok(201)["api_key"].as_str().unwrap());
    for path in [
        format!("/v1/merchants/{merchant}/orders/{id}"),
        format!("/v1/merchants/{merchant}/orders"),
    ] {
        other
            .get(&path)
            .await
            .assert_problem(404, "merchant_not_found");
    }

    // the event log: one event per change, in the transaction that made it
    let events = w.app.get("/v1/events").await.ok(200).clone();
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["order.closed", "order.paid"]);
    assert_eq!(
        events["items"][1]["data"]["object"]["order_id"],
        id.as_str()
    );
    assert_eq!(events["items"][1]["data"]["object"]["status"], "paid");
    let paid_only = w.app.get("/v1/events?type=order.paid&limit=1").await;
    assert_eq!(paid_only.ok(200)["items"].as_array().unwrap().len(), 1);
    assert_eq!(paid_only.body["next_cursor"], Value::Null);
    let none = other.get("/v1/events").await;
    assert_eq!(none.ok(200)["items"], json!([]));

    // listing, newest first, with cursor paging
    let page = w
        .app
        .get(&format!("/v1/merchants/{merchant}/orders?limit=2"))
        .await
        .ok(200)
        .clone();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["out_trade_no"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["shop-1003", "shop-1002"]);
    let next = page["next_cursor"].as_str().unwrap();
    let rest = w
        .app
        .get(&format!(
            "/v1/merchants/{merchant}/orders?limit=2&cursor={next}"
        ))
        .await
        .ok(200)
        .clone();
    assert_eq!(rest["items"][0]["out_trade_no"], "shop-1001");
    assert_eq!(rest["next_cursor"], Value::Null);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn partial_and_full_refunds_return_money_and_fee_by_the_rule_and_replay_once() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let o = create(&w, &merchant, "r-1", "12.34").await.ok(201).clone();
    let id = o["order_id"].as_str().unwrap().to_owned();

    // nothing to refund before it is paid
    refund(&w, &merchant, &id, "1.00", &new_key())
        .await
        .assert_problem(409, "order_not_refundable");
    user.client
        .post_idem("/v1/payments", json!({"payload": o["qr_payload"]}))
        .await
        .ok(201);
    let after_pay = w.cny(&user).await;
    let merchant_after_pay = merchant_cny(&w, &merchant).await;
    assert_eq!(merchant_after_pay, 1234 - 7);

    // a partial refund, replayed with its key: one refund
    let key = new_key();
    let first = refund(&w, &merchant, &id, "1.00", &key).await;
    let r1 = first.ok(201).clone();
    assert_eq!(r1["fee_returned"]["amount"], "0.01");
    let replay = refund(&w, &merchant, &id, "1.00", &key).await;
    assert_eq!(replay.ok(201)["refund_id"], r1["refund_id"]);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    refund(&w, &merchant, &id, "2.00", &key)
        .await
        .assert_problem(422, "idempotency_key_reused");
    let view = order(&w, &merchant, &id).await;
    assert_eq!(view["status"], "partially_refunded");
    assert_eq!(view["refunded"], cny("1.00"));
    assert_eq!(view["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(w.cny(&user).await, after_pay + 100);
    assert_eq!(merchant_cny(&w, &merchant).await, merchant_after_pay - 99);
    w.server.assert_ledger_sound();

    // a second partial, then more than is left is refused without writes
    refund(&w, &merchant, &id, "5.00", &new_key()).await.ok(201);
    let rows = w.server.row_counts();
    let over = refund(&w, &merchant, &id, "6.35", &new_key()).await;
    over.assert_problem(422, "refund_exceeds_paid");
    assert_eq!(over.body["refundable"], cny("6.34"));
    assert_eq!(w.server.row_counts(), rows);

    // the rest: the whole fee is back, the merchant has nothing of the order
    let last = refund(&w, &merchant, &id, "6.34", &new_key()).await;
    last.ok(201);
    let view = order(&w, &merchant, &id).await;
    assert_eq!(view["status"], "refunded");
    assert_eq!(view["refundable"], cny("0.00"));
    let fees: i64 = view["refunds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| minor(&r["fee_returned"]["amount"]))
        .sum();
    assert_eq!(fees, 7);
    assert_eq!(w.cny(&user).await, after_pay + 1234);
    assert_eq!(merchant_cny(&w, &merchant).await, 0);
    refund(&w, &merchant, &id, "0.01", &new_key())
        .await
        .assert_problem(422, "refund_exceeds_paid");

    let events = w
        .app
        .get("/v1/events?type=refund.succeeded&limit=2")
        .await
        .ok(200)
        .clone();
    assert_eq!(events["items"][0]["data"]["object"]["amount"], cny("6.34"));
    let cursor = events["next_cursor"].as_str().unwrap();
    let rest = w
        .app
        .get(&format!(
            "/v1/events?type=refund.succeeded&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(rest.ok(200)["items"].as_array().unwrap().len(), 1);

    // the payer sees each refund as a `refund` credit from the merchant
    let history = user.client.get("/v1/transactions").await.ok(200).clone();
    let refunds: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["type"] == "refund")
        .collect();
    assert_eq!(refunds.len(), 3);
    assert!(refunds.iter().all(|t| t["direction"] == "credit"
        && t["counterparty"]["id"] == merchant.as_str()
        && t["memo"] == "退货 returned"));
    assert_eq!(refunds[0]["balance_effect"], cny("6.34"));

    // the sandbox reversal does not bypass the order's refunds
    let payment = view["transaction_id"].as_str().unwrap();
    w.app
        .post_idem(
            &format!("/v1/sandbox/transactions/{payment}/reverse"),
            json!({}),
        )
        .await
        .assert_problem(409, "not_reversible");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn an_order_whose_held_payment_is_rejected_is_payable_again_and_not_refundable_while_held() {
    let config = imwallet_sandbox::config::Config {
        risk: imwallet_sandbox::config::RiskLimits {
            hold_above_minor: 100,
            velocity_max: 0,
            velocity_window_s: 60,
        },
        ..imwallet_sandbox::config::Config::for_tests()
    };
    let w = World::with(imwallet_tests::TestServer::start_with(config, true).await).await;
    let user = w.user().await;
    w.funded(&user, "50.00").await;
    let merchant = w.merchant().await;
    let before = w.cny(&user).await;
    let o = create(&w, &merchant, "h-1", "3.00").await.ok(201).clone();
    let id = o["order_id"].as_str().unwrap().to_owned();
    let held = user
        .client
        .post_idem("/v1/payments", json!({"payload": o["qr_payload"]}))
        .await;
    let txn = held.ok(202)["id"].as_str().unwrap().to_owned();
    assert_eq!(order(&w, &merchant, &id).await["status"], "paid");
    refund(&w, &merchant, &id, "1.00", &new_key())
        .await
        .assert_problem(409, "order_not_refundable");

    w.app
        .post_idem(&format!("/v1/sandbox/risk/holds/{txn}/reject"), json!({}))
        .await
        .ok(200);
    let view = order(&w, &merchant, &id).await;
    assert_eq!(
        (&view["status"], &view["transaction_id"]),
        (&json!("created"), &Value::Null)
    );
    assert_eq!(w.cny(&user).await, before);
    // payable again (held again by the same rule), not "already paid"
    user.client
        .post_idem("/v1/payments", json!({"payload": o["qr_payload"]}))
        .await
        .ok(202);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn an_order_is_previewed_and_paid_in_app_by_its_token_once() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "20.00").await;
    let merchant = w.merchant().await;
    let o = create(&w, &merchant, "t-1", "4.50").await.ok(201).clone();
    let token = o["order_token"].as_str().unwrap();

    let p = user
        .client
        .get(&format!("/v1/order-previews/{token}"))
        .await;
    let p = p.ok(200).clone();
    assert_eq!(
        (&p["merchant_name"], &p["amount"], &p["status"]),
        (&json!("Coffee"), &cny("4.50"), &json!("created"))
    );
    user.client
        .get("/v1/order-previews/otk_unknown")
        .await
        .assert_problem(404, "order_not_found");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"order_token": token, "merchant_id": merchant}),
        )
        .await
        .assert_problem(422, "invalid_payee");

    let paid = user
        .client
        .post_idem("/v1/payments", json!({"order_token": token}))
        .await;
    assert_eq!(paid.ok(201)["amount"], cny("4.50"));
    assert_eq!(
        order(&w, &merchant, o["order_id"].as_str().unwrap()).await["status"],
        "paid"
    );
    user.client
        .post_idem("/v1/payments", json!({"order_token": token}))
        .await
        .assert_problem(409, "order_already_paid");
    user.client
        .post_idem("/v1/payments", json!({"payload": o["qr_payload"]}))
        .await
        .assert_problem(409, "order_already_paid");
    w.server.assert_ledger_sound();
}
