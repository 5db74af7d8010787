//! `imwallet_protocol::wire` checked against `api/openapi.yaml`: every
//! request type the core sends validates against its schema (all optional
//! fields set, and none), and every response type round-trips a real
//! sandbox response exactly (a field the wire type lacks, misnames or
//! mistypes would change the JSON).

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::*;
use imwallet_tests::{Resp, World, cny};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn check_request<T: Serialize>(schema: &str, value: &T) {
    let json = serde_json::to_value(value).unwrap();
    let mut root = imwallet_tests::spec::spec().clone();
    root.as_object_mut().unwrap().insert(
        "$ref".into(),
        Value::String(format!("#/components/schemas/{schema}")),
    );
    let validator = jsonschema::draft202012::new(&root).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{schema}: {json} -> {errors:?}");
}

#[track_caller]
fn round_trip<T: Serialize + DeserializeOwned>(what: &str, resp: &Resp) -> T {
    let original = resp.body.clone();
    let typed: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("{what}: does not decode: {e}\n{original}"));
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        again, original,
        "{what}: the wire type loses or changes fields"
    );
    typed
}

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

#[test]
fn every_request_type_validates_against_its_schema() {
    let s = |v: &str| SecretText::new(v);
    check_request(
        "CodeRequest",
        &CodeRequest {
            purpose: Purpose::Register,
            destination: Some("+8613800000000".into()),
        },
    );
    check_request(
        "CodeRequest",
        &CodeRequest {
            purpose: Purpose::Withdraw,
            destination: None,
        },
    );
    check_request(
        "Registration",
        &Registration {
            phone: Some("+8613800000000".into()),
            email: None,
            password: s("long enough"),
            code: s("123456"),
            display_name: Some("A".into()),
        },
    );
    check_request(
        "Login",
        &Login {
            identifier: "a@b.example".into(),
            password: s("pw"),
        },
    );
    check_request(
        "LoginVerify",
        &LoginVerify {
            login_ticket: s("t"),
            code: s("123456"),
        },
    );
    check_request(
        "Refresh",
        &Refresh {
            refresh_token: s("r"),
        },
    );
    check_request(
        "PasswordReset",
        &PasswordReset {
            identifier: "a@b.example".into(),
            code: s("1"),
            new_password: s("long enough"),
        },
    );
    check_request("ProfileUpdate", &ProfileUpdate { display_name: None });
    check_request(
        "PasswordChange",
        &PasswordChange {
            current_password: s("x"),
            new_password: s("long enough"),
        },
    );
    check_request("Unfreeze", &Unfreeze { password: s("x") });
    check_request(
        "BindCard",
        &BindCard {
            number: s("4242424242424242"),
            expiry_month: 12,
            expiry_year: 2099,
            holder_name: "Li".into(),
        },
    );
    check_request("VerifyCard", &VerifyCard { code: s("123456") });
    check_request(
        "QuoteRequest",
        &QuoteRequest {
            operation: Operation::Payment,
            amount: yuan(100),
            coupon_id: Some("c".into()),
            points: Some(3),
        },
    );
    check_request(
        "QuoteRequest",
        &QuoteRequest {
            operation: Operation::TopUp,
            amount: yuan(100),
            coupon_id: None,
            points: None,
        },
    );
    check_request(
        "TopUpRequest",
        &TopUpRequest {
            card_id: "c".into(),
            amount: yuan(1),
        },
    );
    check_request(
        "PayRequest",
        &PayRequest {
            merchant_id: None,
            payload: Some("000201".into()),
            amount: Some(yuan(1)),
            coupon_id: Some("c".into()),
            points: Some(1),
            memo: Some("m".into()),
        },
    );
    check_request(
        "PayRequest",
        &PayRequest {
            merchant_id: Some("m".into()),
            payload: None,
            amount: None,
            coupon_id: None,
            points: None,
            memo: None,
        },
    );
    for to in [
        Recipient {
            phone: Some("+8613800000000".into()),
            ..Recipient::default()
        },
        Recipient {
            email: Some("a@b.example".into()),
            ..Recipient::default()
        },
        Recipient {
            user_id: Some("u".into()),
            ..Recipient::default()
        },
        Recipient {
            receive_code: Some("000201".into()),
            ..Recipient::default()
        },
    ] {
        check_request(
            "TransferRequest",
            &TransferRequest {
                to,
                amount: yuan(1),
                memo: Some("m".into()),
            },
        );
    }
    check_request(
        "WithdrawRequest",
        &WithdrawRequest {
            card_id: "c".into(),
            amount: yuan(1),
            code: s("123456"),
        },
    );
    check_request(
        "FxQuoteRequest",
        &FxQuoteRequest {
            sell: yuan(1),
            buy_currency: Currency::Usd,
        },
    );
    check_request(
        "FxConvertRequest",
        &FxConvertRequest {
            quote_id: "q".into(),
        },
    );
    check_request(
        "PaycodeProvisionRequest",
        &PaycodeProvisionRequest { device_id: None },
    );
    check_request(
        "PaycodeProvisionRequest",
        &PaycodeProvisionRequest {
            device_id: Some("d".into()),
        },
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_type_round_trips_a_real_response() {
    let world = World::new().await;
    let phone = world.phone();
    let sent = world
        .app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": phone}),
        )
        .await;
    sent.ok(202);
    round_trip::<CodeSent>("CodeSent", &sent);
    let code = world.code_for(&phone).await;
    let registered = world
        .app
        .post(
            "/v1/users",
            json!({"phone": phone, "password": "correct horse", "code": code}),
        )
        .await;
    registered.ok(201);
    round_trip::<Profile>("Profile (register)", &registered);
    let challenge = world
        .app
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "correct horse"}),
        )
        .await;
    challenge.ok(200);
    let challenge_typed = round_trip::<LoginChallenge>("LoginChallenge", &challenge);
    let code = world.code_for(&phone).await;
    let tokens = world
        .app
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": challenge_typed.login_ticket.expose(), "code": code}),
        )
        .await;
    tokens.ok(200);
    let tokens_typed = round_trip::<Tokens>("Tokens", &tokens);
    let user = world.app.with_token(tokens_typed.access_token.expose());

    let me = user.get("/v1/me").await;
    me.ok(200);
    round_trip::<Profile>("Profile", &me);
    let card = user
        .post(
            "/v1/cards",
            json!({"number": "4242424242424242", "expiry_month": 12, "expiry_year": 2099, "holder_name": "Li Lei"}),
        )
        .await;
    card.ok(201);
    let card_typed = round_trip::<Card>("Card", &card);
    let code = world.code_for(&phone).await;
    let verified = user
        .post(
            &format!("/v1/cards/{}/verify", card_typed.card_id),
            json!({"code": code}),
        )
        .await;
    verified.ok(200);
    round_trip::<Card>("Card (verified)", &verified);
    let cards = user.get("/v1/cards").await;
    cards.ok(200);
    round_trip::<CardList>("CardList", &cards);
    let quote = user
        .post(
            "/v1/quotes",
            json!({"operation": "top_up", "amount": cny("100.00")}),
        )
        .await;
    quote.ok(200);
    round_trip::<Quote>("Quote", &quote);
    let top_up = user
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card_typed.card_id, "amount": cny("100.00")}),
        )
        .await;
    top_up.ok(201);
    round_trip::<Transaction>("Transaction (top-up)", &top_up);
    let merchant = world.merchant().await;
    let paid = user
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("10.00"), "memo": "tea"}),
        )
        .await;
    paid.ok(201);
    round_trip::<Transaction>("Transaction (payment)", &paid);
    let balances = user.get("/v1/balances").await;
    balances.ok(200);
    round_trip::<Balances>("Balances", &balances);
    let page = user.get("/v1/transactions?updated_since=0&limit=10").await;
    page.ok(200);
    round_trip::<TransactionPage>("TransactionPage", &page);
    let holds = user.get("/v1/risk/holds").await;
    holds.ok(200);
    round_trip::<TransactionList>("TransactionList", &holds);
    let points = user.get("/v1/points").await;
    points.ok(200);
    round_trip::<Points>("Points", &points);
    let user_id = registered.body["user_id"].as_str().unwrap();
    world
        .app
        .post(
            "/v1/sandbox/coupons",
            json!({"user_id": user_id, "kind": "percent", "percent_off_bps": 500,
                   "min_spend": cny("1.00"), "expires_at": 4_102_444_800_000_i64}),
        )
        .await
        .ok(201);
    let coupons = user.get("/v1/coupons").await;
    coupons.ok(200);
    round_trip::<CouponList>("CouponList", &coupons);
    let fx = user
        .post(
            "/v1/fx/quotes",
            json!({"sell": cny("7.20"), "buy_currency": "USD"}),
        )
        .await;
    fx.ok(201);
    round_trip::<FxQuote>("FxQuote", &fx);
    let events = user.get("/v1/me/security-events").await;
    events.ok(200);
    round_trip::<SecurityEvents>("SecurityEvents", &events);
    let device = user.post("/v1/me/paycode-devices", json!({})).await;
    device.ok(201);
    round_trip::<PaycodeDevice>("PaycodeDevice", &device);
}
