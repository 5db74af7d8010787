//! The sandbox behaves as a real backend would under attack (issue 10,
//! items 9 to 16): login lockout under parallel guesses, no Argon2id before
//! the cheap code check, keyed card fingerprints, single-payment dynamic
//! receive codes, operator endpoints scoped to their app and behind an
//! operator credential, bounded top-ups, per-purpose code caps and clean
//! free text.

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{Initiation, ReceiveCodeSpec, Receiver, build_receive_code};
use imwallet_sandbox::config::{Config, HashCost};
use imwallet_tests::{TestServer, World, cny, new_key};
use serde_json::json;

/// The operator credential of `Config::for_tests()` (sandbox/README.md).
const OPERATOR: (&str, &str) = ("X-Sandbox-Operator-Key", "op_sandbox_tests");

/// A user's fixed-amount receive code (what the phone shows).
fn dynamic_user_code(user_id: &str, minor: i64) -> String {
    build_receive_code(&ReceiveCodeSpec {
        initiation: Initiation::Dynamic,
        receiver: Receiver::User(user_id),
        currency: Currency::Cny,
        amount: Some(Money::new(minor, Currency::Cny)),
        reference: Some("dinner"),
        name: "Han Meimei",
        city: "Shanghai",
        country: "CN",
        mcc: "0000",
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_login_guesses_get_no_more_password_checks_than_the_lockout_allows() {
    // A hash that takes a few milliseconds, so the guesses overlap.
    let config = Config {
        hash_cost: HashCost { m_kib: 4096, t: 1 },
        ..Config::for_tests()
    };
    let w = World::with(TestServer::start_with(config, false).await).await;
    let phone = w.phone();
    w.register(&phone).await;
    let hashed_before = w.server.sandbox.state().hasher.computed();
    let mut guesses = Vec::new();
    for i in 0..40 {
        let app = w.app.clone();
        let phone = phone.clone();
        let password = if i == 39 {
            "correct horse".to_owned()
        } else {
            format!("wrong guess {i}")
        };
        guesses.push(tokio::spawn(async move {
            app.post(
                "/v1/auth/login",
                json!({"identifier": phone, "password": password}),
            )
            .await
        }));
    }
    let mut answers = Vec::new();
    for g in guesses {
        answers.push(g.await.unwrap());
    }
    let checked = w.server.sandbox.state().hasher.computed() - hashed_before;
    let wrong = answers
        .iter()
        .filter(|r| r.code() == "wrong_password")
        .count();
    let tickets = answers.iter().filter(|r| r.status == 200).count();
    let locked = answers.iter().filter(|r| r.code() == "locked_out").count();
    assert!(checked <= 5, "{checked} passwords were checked");
    assert!(wrong + tickets <= 5, "{wrong} wrong, {tickets} tickets");
    assert_eq!(wrong + tickets + locked, 40);
    // Locked now, whatever the order: the right password gets no ticket.
    w.app
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "correct horse"}),
        )
        .await
        .assert_problem(429, "locked_out");
}

#[tokio::test]
async fn a_wrong_registration_or_reset_code_costs_no_password_hash() {
    let w = World::new().await;
    let phone = w.phone();
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": phone}),
        )
        .await
        .ok(202);
    let code = w.code_for(&phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let hashed = || w.server.sandbox.state().hasher.computed();
    let before = hashed();
    w.app
        .post(
            "/v1/users",
            json!({"phone": phone, "password": "correct horse", "code": wrong}),
        )
        .await
        .assert_problem(422, "code_invalid");
    assert_eq!(
        hashed(),
        before,
        "registration hashed before the code check"
    );
    let r = w
        .app
        .post(
            "/v1/users",
            json!({"phone": phone, "password": "correct horse", "code": code}),
        )
        .await;
    r.ok(201);
    assert_eq!(hashed(), before + 1);
    let before = hashed();
    w.app
        .post(
            "/v1/auth/password-reset",
            json!({"identifier": phone, "code": "123456", "new_password": "battery staple"}),
        )
        .await
        .assert_problem(422, "code_invalid");
    assert_eq!(hashed(), before, "reset hashed before the code check");
    // and the account still logs in with its password
    w.login(&phone, "correct horse").await;
}

#[tokio::test]
async fn a_card_fingerprint_is_keyed_not_a_hash_of_the_card_number() {
    let w = World::new().await;
    let user = w.user().await;
    let number = "4242424242424242";
    w.card(&user, number).await;
    let stored: String = w
        .server
        .sandbox
        .state()
        .db
        .read(|c| Ok(c.query_row("SELECT fingerprint FROM cards", [], |r| r.get(0))?))
        .unwrap();
    let unsalted =
        imwallet_sandbox::secrets::sha256_hex(format!("{}:{number}", user.user_id).as_bytes());
    assert_ne!(stored, unsalted, "the fingerprint is brute-forceable");
    assert_eq!(stored.len(), 64);
    // the same card is still recognised as already bound
    user.client
        .post(
            "/v1/cards",
            json!({"number": number, "expiry_month": 12, "expiry_year": 2099, "holder_name": "Li Lei"}),
        )
        .await
        .assert_problem(409, "card_already_bound");
}

#[tokio::test]
async fn a_fixed_amount_user_receive_code_is_paid_once_by_payment_or_transfer() {
    let w = World::new().await;
    let payer = w.user().await;
    let payee = w.user().await;
    w.funded(&payer, "100.00").await;
    let code = dynamic_user_code(&payee.user_id, 1_000);
    payer
        .client
        .post_idem("/v1/payments", json!({"payload": code}))
        .await
        .ok(201);
    payer
        .client
        .post_idem("/v1/payments", json!({"payload": code}))
        .await
        .assert_problem(409, "payload_already_paid");
    payer
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": code}, "amount": cny("10.00")}),
        )
        .await
        .assert_problem(409, "payload_already_paid");
    assert_eq!(w.cny(&payee).await, 1_000);
    // a fresh code by transfer first, then by payment
    let other = dynamic_user_code(&payee.user_id, 500);
    payer
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": other}, "amount": cny("5.00")}),
        )
        .await
        .ok(201);
    payer
        .client
        .post_idem("/v1/payments", json!({"payload": other}))
        .await
        .assert_problem(409, "payload_already_paid");
    assert_eq!(w.cny(&payee).await, 1_500);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn operator_endpoints_refuse_an_api_key_without_the_operator_credential() {
    let w = World::new().await;
    let user = w.user().await;
    w.funded(&user, "10.00").await;
    let key_only = w.server.client().with_key(&w.api_key);
    key_only
        .get(&format!(
            "/v1/sandbox/outbox?destination={}",
            user.phone.replace('+', "%2B")
        ))
        .await
        .assert_problem(401, "invalid_operator_key");
    key_only
        .post(
            "/v1/merchants",
            json!({"name": "Coffee", "city": "Shanghai", "currency": "CNY"}),
        )
        .await
        .assert_problem(401, "invalid_operator_key");
    key_only
        .post_idem("/v1/sandbox/transactions/txn_x/reverse", json!({}))
        .await
        .assert_problem(401, "invalid_operator_key");
    key_only
        .send(
            "GET",
            "/v1/sandbox/outbox",
            None,
            &[("X-Sandbox-Operator-Key", "op_guessed")],
        )
        .await
        .assert_problem(401, "invalid_operator_key");
}

#[tokio::test]
async fn another_app_cannot_read_my_users_codes_or_move_their_money() {
    let w = World::new().await;
    let victim = w.user().await;
    w.funded(&victim, "100.00").await;
    let merchant = w.merchant().await;
    let paid = victim
        .client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00")}),
        )
        .await;
    let paid_id = paid.ok(201)["id"].as_str().unwrap().to_owned();
    // The attacker mints an app of their own and holds the operator
    // credential of the (test) server.
    let key = w
        .server
        .client()
        .post("/v1/apps", json!({"name": "x"}))
        .await;
    let attacker = w
        .server
        .client()
        .with_key(key.ok(201)["api_key"].as_str().unwrap());
    let op = |method: &'static str, path: String, body: Option<serde_json::Value>| {
        let attacker = attacker.clone();
        async move {
            let k = new_key();
            attacker
                .send(method, &path, body, &[OPERATOR, ("Idempotency-Key", &k)])
                .await
        }
    };
    // Another app's user is nobody to this app: no reset code is sent.
    attacker
        .post(
            "/v1/verification-codes",
            json!({"purpose": "reset_password", "destination": victim.phone}),
        )
        .await
        .assert_problem(404, "user_not_found");
    let path = format!(
        "/v1/sandbox/outbox?destination={}",
        victim.phone.replace('+', "%2B")
    );
    let outbox = op("GET", path, None).await;
    assert_eq!(
        outbox.ok(200)["messages"],
        json!([]),
        "the victim's codes leaked"
    );
    let path = format!("/v1/sandbox/transactions/{paid_id}/reverse");
    op("POST", path, Some(json!({})))
        .await
        .assert_problem(404, "transaction_not_found");
    let coupon = json!({"user_id": victim.user_id, "kind": "fixed", "amount_off": cny("1.00"),
                        "min_spend": cny("0.00"), "expires_at": 4_102_444_800_000_i64});
    op("POST", "/v1/sandbox/coupons".into(), Some(coupon))
        .await
        .assert_problem(404, "user_not_found");
    // The owning app still reads its user's code.
    let code = w.code_for(&victim.phone).await;
    assert_eq!(code.len(), 6);
    assert_eq!(w.cny(&victim).await, 10_000 - 1_000 - 10);
}

// --- Contract (item 17): what the schema says, the server does. ---

#[tokio::test]
async fn an_empty_profile_patch_is_refused_and_keeps_the_name() {
    let w = World::new().await;
    let user = w.user().await;
    let patch = |body: serde_json::Value| user.client.send("PATCH", "/v1/me", Some(body), &[]);
    patch(json!({"display_name": "Li Lei"})).await.ok(200);
    patch(json!({})).await.assert_problem(400, "missing_field");
    let me = user.client.get("/v1/me").await;
    assert_eq!(me.ok(200)["display_name"], "Li Lei");
    // an explicit null still clears it
    let cleared = patch(json!({"display_name": null})).await;
    assert_eq!(cleared.ok(200)["display_name"], serde_json::Value::Null);
}

#[tokio::test]
async fn null_is_not_a_value_for_optional_strings() {
    let w = World::new().await;
    let user = w.user().await;
    w.app
        .post(
            "/v1/merchants",
            json!({"name": "Coffee", "city": "Shanghai", "currency": "CNY", "mcc": null}),
        )
        .await
        .assert_problem(400, "wrong_type");
    w.app
        .post(
            "/v1/merchants",
            json!({"name": "Coffee", "city": "Shanghai", "currency": "CNY", "country": null}),
        )
        .await
        .assert_problem(400, "wrong_type");
    user.client
        .post("/v1/me/paycode-devices", json!({"device_id": null}))
        .await
        .assert_problem(400, "wrong_type");
    // absent is fine
    user.client
        .post("/v1/me/paycode-devices", json!({}))
        .await
        .ok(201);
}

#[tokio::test]
async fn an_integral_number_is_an_integer_and_errors_name_no_rust_types() {
    let w = World::new().await;
    let user = w.user().await;
    let card = |month: serde_json::Value, year: serde_json::Value| {
        user.client.post(
            "/v1/cards",
            json!({"number": "4242424242424242", "expiry_month": month,
                   "expiry_year": year, "holder_name": "Li Lei"}),
        )
    };
    let r = card(json!("12"), json!(2099)).await;
    r.assert_problem(400, "wrong_type");
    let detail = r.body["detail"].as_str().unwrap();
    for rust in [
        "u8", "u16", "u32", "u64", "i32", "i64", "usize", "struct ", "Option",
    ] {
        assert!(!detail.contains(rust), "a Rust type in {detail:?}");
    }
    card(json!(1.5), json!(2099))
        .await
        .assert_problem(400, "wrong_type");
    card(json!(1.0), json!(2099.0)).await.ok(201);
}

#[test]
fn the_idempotency_key_schema_has_the_pattern_the_server_enforces() {
    let spec: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../api/openapi.yaml"))
            .unwrap(),
    )
    .unwrap();
    let schema = &spec["components"]["parameters"]["IdempotencyKey"]["schema"];
    assert_eq!(schema["pattern"].as_str(), Some("^[!-~]+$"));
    assert_eq!(schema["maxLength"].as_u64(), Some(255));
}

#[tokio::test]
async fn a_self_freeze_signs_out_every_other_session() {
    let w = World::manual().await;
    let phone = w.user().await;
    // The thief's phone holds a second session of the same account.
    w.server.advance_s(61);
    let stolen = w.login(&phone.phone, "correct horse").await;
    let thief = w.app.with_token(stolen["access_token"].as_str().unwrap());
    thief.get("/v1/me").await.ok(200);
    phone.client.post("/v1/me/freeze", json!({})).await.ok(200);
    thief
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    w.app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": stolen["refresh_token"]}),
        )
        .await
        .assert_problem(401, "invalid_refresh_token");
    // the session that froze the account stays, to unfreeze it
    phone.client.get("/v1/me").await.ok(200);
}
