//! Cards, quotes, top-ups, payments (by id and by QR payload, with coupons
//! and points), transfers, withdrawals, FX, merchants, reversals; fees agree
//! exactly with the quotes and the ledger stays sound.

use imwallet_tests::{World, cny, minor};
use serde_json::{Value, json};

fn amt(v: &Value) -> i64 {
    minor(&v["amount"])
}

#[tokio::test]
async fn cards_bind_verify_list_and_remove() {
    let w = World::manual().await;
    let user = w.user().await;
    let r = user
        .client
        .post(
            "/v1/cards",
            json!({"number": "4242 4242 4242 4242", "expiry_month": 12, "expiry_year": 2099, "holder_name": "Li Lei"}),
        )
        .await;
    let card = r.ok(201)["card_id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["status"], "pending_verification");
    assert_eq!(r.body["last4"], "4242");
    assert_eq!(r.body["brand"], "visa");
    // an unverified card cannot be charged
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(409, "card_not_verified");
    let code = w.code_for(&user.phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    user.client
        .post(&format!("/v1/cards/{card}/verify"), json!({"code": wrong}))
        .await
        .assert_problem(422, "code_invalid");
    let r = user
        .client
        .post(&format!("/v1/cards/{card}/verify"), json!({"code": code}))
        .await;
    assert_eq!(r.ok(200)["status"], "active");
    w.server.advance_s(61);
    user.client
        .post(
            "/v1/cards",
            json!({"number": "4242424242424242", "expiry_month": 12, "expiry_year": 2099, "holder_name": "Li Lei"}),
        )
        .await
        .assert_problem(409, "card_already_bound");
    let list = user.client.get("/v1/cards").await;
    assert_eq!(list.ok(200)["items"].as_array().unwrap().len(), 1);
    // the full number is stored nowhere
    let stored: i64 = w
        .server
        .sandbox
        .state()
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM cards WHERE fingerprint LIKE '%4242424242424242%' OR holder LIKE '%4242424242%'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(stored, 0);
    let r = user
        .client
        .send("DELETE", &format!("/v1/cards/{card}"), None, &[])
        .await;
    assert_eq!(r.status, 204);
    user.client
        .send("DELETE", &format!("/v1/cards/{card}"), None, &[])
        .await
        .assert_problem(404, "card_not_found");
    assert!(
        user.client.get("/v1/cards").await.ok(200)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn invalid_and_expired_cards_are_refused() {
    let w = World::manual().await;
    let user = w.user().await;
    let bind = |number: &str, year: u32| json!({"number": number, "expiry_month": 1, "expiry_year": year, "holder_name": "Li Lei"});
    user.client
        .post("/v1/cards", bind("4242424242424241", 2099))
        .await
        .assert_problem(422, "invalid_card_number");
    user.client
        .post("/v1/cards", bind("4242", 2099))
        .await
        .assert_problem(422, "invalid_card_number");
    user.client
        .post("/v1/cards", bind("4242424242424242", 2020))
        .await
        .assert_problem(422, "card_expired");
    assert_eq!(w.server.count("cards"), 0);
}

#[tokio::test]
async fn top_up_fee_matches_the_quote_and_test_cards_fail_on_purpose() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.card(&user, "4242424242424242").await;
    let q = user
        .client
        .post(
            "/v1/quotes",
            json!({"operation": "top_up", "amount": cny("100.00")}),
        )
        .await;
    let q = q.ok(200).clone();
    assert_eq!(q["fee"]["amount"], "0.10");
    assert_eq!(q["credit"]["amount"], "99.90");
    let t = user
        .client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("100.00")}),
        )
        .await;
    let t = t.ok(201);
    assert_eq!(t["fee"], q["fee"]);
    assert_eq!(t["balance_effect"], q["credit"]);
    assert_eq!(w.cny(&user).await, amt(&q["credit"]));

    w.server.advance_s(61);
    let declined = w.card(&user, "4000000000000002").await;
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": declined, "amount": cny("5.00")}),
        )
        .await
        .assert_problem(402, "card_declined");
    w.server.advance_s(61);
    let broke = w.card(&user, "4000000000009995").await;
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": broke, "amount": cny("5.00")}),
        )
        .await
        .assert_problem(402, "card_insufficient_funds");
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": "card_nope", "amount": cny("5.00")}),
        )
        .await
        .assert_problem(404, "card_not_found");
    assert_eq!(w.cny(&user).await, 9_990);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn transfer_by_phone_email_and_id_and_insufficient_funds() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "50.00").await;
    let start = w.cny(&alice).await;
    for to in [json!({"phone": bob.phone}), json!({"user_id": bob.user_id})] {
        let r = alice
            .client
            .post_idem(
                "/v1/transfers",
                json!({"to": to, "amount": cny("10.00"), "memo": "lunch"}),
            )
            .await;
        assert_eq!(r.ok(201)["direction"], "debit");
        assert_eq!(r.body["memo"], "lunch");
    }
    assert_eq!(w.cny(&bob).await, 2_000);
    assert_eq!(w.cny(&alice).await, start - 2_000);
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("1000.00")}),
        )
        .await
        .assert_problem(422, "insufficient_funds");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"email": "nobody@example.com"}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(404, "recipient_not_found");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": alice.user_id}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_recipient");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id, "phone": bob.phone}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_recipient");
    // bob sees the transfer as a credit
    let list = bob.client.get("/v1/transactions").await;
    let first = &list.ok(200)["items"][0];
    assert_eq!(first["direction"], "credit");
    assert_eq!(first["counterparty"]["id"], alice.user_id.as_str());
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn payment_with_coupon_and_points_posts_exactly_the_quote() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "500.00").await;
    let merchant = w.merchant().await;
    // earn points first
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("100.00")}),
        )
        .await;
    assert_eq!(r.ok(201)["points_earned"], 100);
    let points = user.client.get("/v1/points").await;
    assert_eq!(points.ok(200)["balance"], 100);
    let coupon = w
        .app
        .post(
            "/v1/sandbox/coupons",
            json!({"user_id": user.user_id, "kind": "fixed", "amount_off": cny("5.00"), "min_spend": cny("50.00"), "expires_at": imwallet_tests::T0 + 86_400_000}),
        )
        .await;
    let coupon_id = coupon.ok(201)["coupon_id"].as_str().unwrap().to_owned();
    let before = w.cny(&user).await;
    let q = user
        .client
        .post("/v1/quotes", json!({"operation": "payment", "amount": cny("60.00"), "coupon_id": coupon_id, "points": 50}))
        .await;
    let q = q.ok(200).clone();
    assert_eq!(q["debit"]["amount"], "54.50");
    assert_eq!(q["fee_payer"], "merchant");
    let r = user
        .client
        .post_idem("/v1/payments", json!({"merchant_id": merchant, "amount": cny("60.00"), "coupon_id": coupon_id, "points": 50}))
        .await;
    let t = r.ok(201).clone();
    assert_eq!(t["fee"], q["fee"]);
    assert_eq!(t["discount"], q["discount"]);
    assert_eq!(t["points_earned"], q["points_earned"]);
    assert_eq!(w.cny(&user).await, before - amt(&q["debit"]));
    let m = w.app.get(&format!("/v1/merchants/{merchant}")).await;
    let settled = amt(&m.ok(200)["balances"][0]);
    let first_fee = 60; // 0.6 % of 100.00
    assert_eq!(settled, (10_000 - first_fee) + amt(&q["credit"]));
    let coupons = user.client.get("/v1/coupons").await;
    assert_eq!(coupons.ok(200)["items"][0]["status"], "used");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("60.00"), "coupon_id": coupon_id}),
        )
        .await
        .assert_problem(409, "coupon_already_used");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00"), "points": 100000}),
        )
        .await
        .assert_problem(422, "invalid_value");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00"), "points": 999}),
        )
        .await
        .assert_problem(422, "insufficient_points");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn coupons_check_minimum_spend_expiry_and_percentages() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "500.00").await;
    let merchant = w.merchant().await;
    let issue = |body: Value| w.app.post("/v1/sandbox/coupons", body);
    let pct = issue(json!({"user_id": user.user_id, "kind": "percent", "percent_off_bps": 1000, "min_spend": cny("20.00"), "expires_at": imwallet_tests::T0 + 60_000})).await;
    let pct = pct.ok(201)["coupon_id"].as_str().unwrap().to_owned();
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00"), "coupon_id": pct}),
        )
        .await
        .assert_problem(422, "coupon_min_spend_not_met");
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("33.35"), "coupon_id": pct}),
        )
        .await;
    assert_eq!(r.ok(201)["discount"]["amount"], "3.34"); // 3.335 rounds half-up
    let late = issue(json!({"user_id": user.user_id, "kind": "fixed", "amount_off": cny("1.00"), "min_spend": cny("0.00"), "expires_at": imwallet_tests::T0 + 1_000})).await;
    let late = late.ok(201)["coupon_id"].as_str().unwrap().to_owned();
    w.server.advance_s(2);
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00"), "coupon_id": late}),
        )
        .await
        .assert_problem(422, "coupon_expired");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00"), "coupon_id": "cpn_nope"}),
        )
        .await
        .assert_problem(404, "coupon_not_found");
    issue(json!({"user_id": user.user_id, "kind": "percent", "min_spend": cny("1.00"), "expires_at": 0}))
        .await
        .assert_problem(422, "invalid_value");
    issue(json!({"user_id": "usr_nope", "kind": "fixed", "amount_off": cny("1.00"), "min_spend": cny("1.00"), "expires_at": 0}))
        .await
        .assert_problem(404, "user_not_found");
}

#[tokio::test]
async fn pay_by_scanned_static_and_dynamic_merchant_codes() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let stat = w.app.get(&format!("/v1/merchants/{merchant}/qr")).await;
    let stat = stat.ok(200).clone();
    assert_eq!(stat["initiation"], "static");
    let dynamic = w
        .app
        .get(&format!("/v1/merchants/{merchant}/qr?amount=12.34"))
        .await;
    let dynamic = dynamic.ok(200).clone();
    assert_eq!(dynamic["initiation"], "dynamic");
    let payload = dynamic["payload"].as_str().unwrap();
    assert!(payload.starts_with("000201010212"));
    let r = user
        .client
        .post_idem("/v1/payments", json!({"payload": payload}))
        .await;
    assert_eq!(r.ok(201)["amount"]["amount"], "12.34");
    assert_eq!(r.body["counterparty"]["id"], merchant.as_str());
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": stat["payload"], "amount": cny("1.00")}),
        )
        .await;
    r.ok(201);
    user.client
        .post_idem("/v1/payments", json!({"payload": stat["payload"]}))
        .await
        .assert_problem(400, "missing_field");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": payload, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "amount_mismatch");
    let tampered = payload.replace("12.34", "12.35");
    user.client
        .post_idem("/v1/payments", json!({"payload": tampered}))
        .await
        .assert_problem(422, "payload_malformed");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": payload, "merchant_id": merchant}),
        )
        .await
        .assert_problem(422, "invalid_payee");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": "mer_nope", "amount": cny("1.00")}),
        )
        .await
        .assert_problem(404, "merchant_not_found");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": {"amount": "1.00", "currency": "USD"}}),
        )
        .await
        .assert_problem(422, "currency_mismatch");
    w.app
        .get("/v1/merchants/mer_nope")
        .await
        .assert_problem(404, "merchant_not_found");
    w.app
        .get("/v1/merchants/mer_nope/qr")
        .await
        .assert_problem(404, "merchant_not_found");
    w.app
        .get(&format!("/v1/merchants/{merchant}/qr?amount=1.234"))
        .await
        .assert_problem(422, "too_many_decimals");
    w.app
        .post(
            "/v1/merchants",
            json!({"name": "X", "city": "Y", "currency": "CNY", "mcc": "12"}),
        )
        .await
        .assert_problem(422, "invalid_value");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn withdrawal_needs_a_code_and_goes_pending_then_completed() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.funded(&user, "100.00").await;
    let q = user
        .client
        .post(
            "/v1/quotes",
            json!({"operation": "withdrawal", "amount": cny("50.00")}),
        )
        .await;
    let q = q.ok(200).clone();
    assert_eq!(q["fee"]["amount"], "1.00"); // the minimum fee
    w.server.advance_s(61);
    user.client
        .post("/v1/verification-codes", json!({"purpose": "withdraw"}))
        .await
        .ok(202);
    let code = w.code_for(&user.phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let body = |c: &str| json!({"card_id": card, "amount": cny("50.00"), "code": c});
    user.client
        .post_idem("/v1/withdrawals", body(wrong))
        .await
        .assert_problem(422, "code_invalid");
    let before = w.cny(&user).await;
    let r = user.client.post_idem("/v1/withdrawals", body(&code)).await;
    let t = r.ok(201).clone();
    assert_eq!(t["status"], "pending");
    assert_eq!(t["fee"], q["fee"]);
    assert_eq!(w.cny(&user).await, before - 5_000);
    let id = t["id"].as_str().unwrap();
    let r = w
        .app
        .post_idem(&format!("/v1/sandbox/withdrawals/{id}/complete"), json!({}))
        .await;
    assert_eq!(r.ok(200)["status"], "completed");
    w.app
        .post_idem(&format!("/v1/sandbox/withdrawals/{id}/complete"), json!({}))
        .await
        .assert_problem(409, "withdrawal_not_pending");
    w.app
        .post_idem("/v1/sandbox/withdrawals/txn_nope/complete", json!({}))
        .await
        .assert_problem(404, "transaction_not_found");
    w.server.advance_s(61);
    user.client
        .post("/v1/verification-codes", json!({"purpose": "withdraw"}))
        .await
        .ok(202);
    let code = w.code_for(&user.phone).await;
    user.client
        .post_idem(
            "/v1/withdrawals",
            json!({"card_id": card, "amount": cny("999.00"), "code": code}),
        )
        .await
        .assert_problem(422, "insufficient_funds");
    w.app
        .post("/v1/verification-codes", json!({"purpose": "withdraw"}))
        .await
        .assert_problem(401, "unauthorized");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn fx_quote_and_conversion_between_own_balances() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let q = user
        .client
        .post(
            "/v1/fx/quotes",
            json!({"sell": cny("72.00"), "buy_currency": "USD"}),
        )
        .await;
    let q = q.ok(201).clone();
    assert_eq!(q["buy"], json!({"amount": "10.00", "currency": "USD"}));
    let id = q["quote_id"].as_str().unwrap();
    let r = user
        .client
        .post_idem("/v1/fx/conversions", json!({"quote_id": id}))
        .await;
    assert_eq!(r.ok(201)["type"], "fx_conversion");
    let b = user.client.get("/v1/balances").await;
    let balances = b.ok(200)["balances"].as_array().unwrap().clone();
    assert!(
        balances.contains(&json!({"amount": "10.00", "currency": "USD"})),
        "{balances:?}"
    );
    user.client
        .post_idem("/v1/fx/conversions", json!({"quote_id": id}))
        .await
        .assert_problem(409, "fx_quote_used");
    let q2 = user
        .client
        .post(
            "/v1/fx/quotes",
            json!({"sell": cny("1.00"), "buy_currency": "JPY"}),
        )
        .await;
    let id2 = q2.ok(201)["quote_id"].as_str().unwrap().to_owned();
    w.server.advance_s(61);
    user.client
        .post_idem("/v1/fx/conversions", json!({"quote_id": id2}))
        .await
        .assert_problem(422, "fx_quote_expired");
    user.client
        .post(
            "/v1/fx/quotes",
            json!({"sell": cny("1.00"), "buy_currency": "CNY"}),
        )
        .await
        .assert_problem(422, "same_currency");
    user.client
        .post(
            "/v1/fx/quotes",
            json!({"sell": cny("1.00"), "buy_currency": "XYZ"}),
        )
        .await
        .assert_problem(422, "unsupported_currency");
    user.client
        .post_idem("/v1/fx/conversions", json!({"quote_id": "fxq_nope"}))
        .await
        .assert_problem(404, "fx_quote_not_found");
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn reversal_books_the_opposite_and_is_refused_when_it_would_overdraw() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let merchant = w.merchant().await;
    let pay = alice
        .client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("20.00")}),
        )
        .await;
    let pay_id = pay.ok(201)["id"].as_str().unwrap().to_owned();
    let before = w.cny(&alice).await;
    let r = w
        .app
        .post_idem(
            &format!("/v1/sandbox/transactions/{pay_id}/reverse"),
            json!({}),
        )
        .await;
    let rev = r.ok(201).clone();
    assert_eq!(rev["type"], "reversal");
    assert_eq!(rev["reversal_of"], pay_id.as_str());
    assert_eq!(w.cny(&alice).await, before + 2_000);
    let original = alice
        .client
        .get(&format!("/v1/transactions/{pay_id}"))
        .await;
    assert_eq!(original.ok(200)["status"], "reversed");
    assert_eq!(original.body["reversed_by"], rev["id"]);
    w.app
        .post_idem(
            &format!("/v1/sandbox/transactions/{pay_id}/reverse"),
            json!({}),
        )
        .await
        .assert_problem(409, "already_reversed");
    let rev_id = rev["id"].as_str().unwrap();
    w.app
        .post_idem(
            &format!("/v1/sandbox/transactions/{rev_id}/reverse"),
            json!({}),
        )
        .await
        .assert_problem(409, "not_reversible");
    // bob spends what alice sent; reversing the transfer would overdraw bob
    let t = alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("30.00")}),
        )
        .await;
    let t_id = t.ok(201)["id"].as_str().unwrap().to_owned();
    bob.client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("25.00")}),
        )
        .await
        .ok(201);
    let counts = w.server.row_counts();
    w.app
        .post_idem(
            &format!("/v1/sandbox/transactions/{t_id}/reverse"),
            json!({}),
        )
        .await
        .assert_problem(422, "insufficient_funds");
    assert_eq!(
        w.server.row_counts(),
        counts,
        "a refused reversal writes nothing"
    );
    w.app
        .post_idem("/v1/sandbox/transactions/txn_nope/reverse", json!({}))
        .await
        .assert_problem(404, "transaction_not_found");
    w.server.assert_ledger_sound();
}
