//! The sandbox behaves as a real backend would under attack (issue 10,
//! items 9 to 16): login lockout under parallel guesses, no Argon2id before
//! the cheap code check, keyed card fingerprints, single-payment dynamic
//! receive codes, operator endpoints scoped to their app and behind an
//! operator credential, bounded top-ups, per-purpose code caps and clean
//! free text.

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{Initiation, ReceiveCodeSpec, Receiver, build_receive_code};
use imwallet_sandbox::config::{Config, HashCost};
use imwallet_tests::{TestServer, World, cny};
use serde_json::json;

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
