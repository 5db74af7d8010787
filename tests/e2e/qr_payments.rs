//! Scan-to-pay over HTTP with `imwallet_protocol::qr`: merchant codes the
//! sandbox issues (static and dynamic), users' receive codes (paying one is
//! a transfer), offline payment codes a merchant charges once, and every
//! kind of bad payload refused with its own problem code and no writes.

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::paycode::{self, PaycodeSecret};
use imwallet_protocol::qr::{
    self, Initiation, PaymentPayload, ReceiveCodeSpec, Receiver, build_receive_code,
};
use imwallet_tests::{Client, T0, TestServer, UserSession, World, cny, minor, new_key};
use serde_json::{Value, json};

const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

/// A merchant's CNY settlement balance in minor units.
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

/// A user's receive code as the client app builds it.
fn receive_code(user_id: &str, amount: Option<i64>, reference: Option<&str>) -> String {
    build_receive_code(&ReceiveCodeSpec {
        initiation: if amount.is_some() {
            Initiation::Dynamic
        } else {
            Initiation::Static
        },
        receiver: Receiver::User(user_id),
        currency: Currency::Cny,
        amount: amount.map(|m| Money::new(m, Currency::Cny)),
        reference,
        name: "Han Meimei",
        city: "Shanghai",
        country: "CN",
        mcc: "0000",
    })
    .unwrap()
}

fn unhex(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// A provisioned device: its id and secret.
struct Device {
    id: String,
    secret: PaycodeSecret,
}

impl Device {
    fn code_at(&self, unix_s: i64) -> String {
        paycode::generate(&self.secret, &self.id, unix_s as u64).unwrap()
    }
}

async fn provision(user: &UserSession, device_id: Option<&str>) -> (Device, Value) {
    let body = match device_id {
        Some(id) => json!({"device_id": id}),
        None => json!({}),
    };
    let r = user.client.post("/v1/me/paycode-devices", body).await;
    let v = r.ok(if device_id.is_some() { 200 } else { 201 }).clone();
    let device = Device {
        id: v["device_id"].as_str().unwrap().to_owned(),
        secret: PaycodeSecret::from_bytes(unhex(v["secret"].as_str().unwrap())),
    };
    (device, v)
}

async fn charge(app: &Client, merchant: &str, code: &str, amount: &str) -> imwallet_tests::Resp {
    app.post_idem(
        &format!("/v1/merchants/{merchant}/paycode-charges"),
        json!({"code": code, "amount": cny(amount)}),
    )
    .await
}

#[tokio::test]
async fn static_and_dynamic_merchant_codes_pay_the_merchant_and_a_dynamic_one_only_once() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let before = w.cny(&user).await;

    let stat = w.app.get(&format!("/v1/merchants/{merchant}/qr")).await;
    let stat = stat.ok(200).clone();
    let stat_payload = stat["payload"].as_str().unwrap().to_owned();
    assert!(stat_payload.starts_with("000201010211"), "{stat_payload}");
    let PaymentPayload::ImwalletReceive(code) = qr::parse(&stat_payload).unwrap() else {
        panic!("not a wallet receive code: {stat_payload}");
    };
    assert_eq!(code.receiver, Receiver::Merchant(&merchant));
    assert_eq!(code.mpm.merchant_name, Some("Coffee"));
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": stat_payload, "amount": cny("10.00")}),
        )
        .await;
    assert_eq!(r.ok(201)["type"], "payment");
    assert_eq!(r.body["counterparty"]["id"], merchant.as_str());
    assert_eq!(r.body["fee"]["amount"], "0.06");

    let dynamic = w
        .app
        .get(&format!(
            "/v1/merchants/{merchant}/qr?amount=12.34&reference=order-42"
        ))
        .await;
    let dynamic = dynamic.ok(200).clone();
    assert_eq!(
        (&dynamic["initiation"], &dynamic["reference"]),
        (&json!("dynamic"), &json!("order-42"))
    );
    let dyn_payload = dynamic["payload"].as_str().unwrap().to_owned();
    assert!(dyn_payload.starts_with("000201010212"), "{dyn_payload}");
    let r = user
        .client
        .post_idem("/v1/payments", json!({"payload": dyn_payload}))
        .await;
    assert_eq!(r.ok(201)["amount"]["amount"], "12.34");
    assert_eq!(r.body["memo"], "order-42");
    assert_eq!(r.body["fee"]["amount"], "0.07");

    // paid: the dynamic code is spent, the static one stays payable
    let rows = w.server.row_counts();
    user.client
        .post_idem("/v1/payments", json!({"payload": dyn_payload}))
        .await
        .assert_problem(409, "payload_already_paid");
    assert_eq!(w.server.row_counts(), rows, "a refused payment wrote");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": stat_payload, "amount": cny("1.00")}),
        )
        .await
        .ok(201);

    // a dynamic code without a reference gets a fresh order each time
    let a = w
        .app
        .get(&format!("/v1/merchants/{merchant}/qr?amount=2.00"))
        .await
        .ok(200)["payload"]
        .clone();
    let b = w
        .app
        .get(&format!("/v1/merchants/{merchant}/qr?amount=2.00"))
        .await
        .ok(200)["payload"]
        .clone();
    assert_ne!(a, b);

    assert_eq!(w.cny(&user).await, before - 1000 - 1234 - 100);
    assert_eq!(
        merchant_cny(&w, &merchant).await,
        (1000 - 6) + (1234 - 7) + (100 - 1)
    );
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn a_users_receive_code_is_a_transfer_by_payment_or_by_transfer() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    let alice_before = w.cny(&alice).await;

    let bob_static = receive_code(&bob.user_id, None, None);
    let r = alice
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": bob_static, "amount": cny("5.00")}),
        )
        .await;
    assert_eq!(r.ok(201)["type"], "transfer");
    assert_eq!(r.body["counterparty"]["id"], bob.user_id.as_str());

    let bob_dynamic = receive_code(&bob.user_id, Some(321), Some("dinner"));
    let r = alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": bob_dynamic}, "amount": cny("3.21")}),
        )
        .await;
    assert_eq!(r.ok(201)["memo"], "dinner");
    // A fixed-amount code is paid once (sandbox_trust): pay another by payload.
    let bob_lunch = receive_code(&bob.user_id, Some(321), Some("lunch"));
    let r = alice
        .client
        .post_idem("/v1/payments", json!({"payload": bob_lunch}))
        .await;
    assert_eq!(r.ok(201)["amount"]["amount"], "3.21");

    let merchant = w.merchant().await;
    let merchant_code = w
        .app
        .get(&format!("/v1/merchants/{merchant}/qr"))
        .await
        .ok(200)["payload"]
        .clone();
    let rows = w.server.row_counts();
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": bob_dynamic}, "amount": cny("3.22")}),
        )
        .await
        .assert_problem(422, "amount_mismatch");
    alice
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": bob_static, "amount": cny("1.00"), "points": 1}),
        )
        .await
        .assert_problem(422, "invalid_value");
    alice
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": bob_static, "amount": cny("1.00"), "memo": "x".repeat(141)}),
        )
        .await
        .assert_problem(422, "invalid_value");
    alice
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": bob_static, "amount": {"amount": "1.00", "currency": "USD"}}),
        )
        .await
        .assert_problem(422, "currency_mismatch");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": receive_code("usr_nobody", None, None)}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(404, "recipient_not_found");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": receive_code(&alice.user_id, None, None)}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_recipient");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": merchant_code}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_recipient");
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": bob_static, "user_id": bob.user_id}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_recipient");
    assert_eq!(
        w.server.row_counts(),
        rows,
        "refused transfers wrote something"
    );

    assert_eq!(w.cny(&alice).await, alice_before - 500 - 321 - 321);
    assert_eq!(w.cny(&bob).await, 500 + 321 + 321);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn bad_payloads_get_typed_problems_with_kind_and_offset_and_write_nothing() {
    let w = World::manual().await;
    let user = w.user().await;
    let bob = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let dynamic = w
        .app
        .get(&format!("/v1/merchants/{merchant}/qr?amount=12.34"))
        .await
        .ok(200)["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    let (device, _) = provision(&user, None).await;
    let paycode = device.code_at(T0 / 1000);
    let home_made = build_receive_code(&ReceiveCodeSpec {
        initiation: Initiation::Dynamic,
        receiver: Receiver::Merchant(&merchant),
        currency: Currency::Cny,
        amount: Some(Money::new(1, Currency::Cny)),
        reference: None,
        name: "Coffee",
        city: "Shanghai",
        country: "CN",
        mcc: "5999",
    })
    .unwrap();
    let upi = "upi://pay?pa=shop@okbank&pn=Shop&am=10.00&cu=INR";
    assert!(qr::parse(upi).is_ok(), "the UPI sample must be valid");

    let crc_at = dynamic.rfind("6304").unwrap();
    let malformed: Vec<(&str, String)> = vec![
        (
            "amount changed, CRC kept",
            dynamic.replace("12.34", "12.35"),
        ),
        ("truncated", dynamic[..20].to_owned()),
        ("not a payload at all", "hello".to_owned()),
        ("bad length digits", "0002010102115x".to_owned()),
        (
            "foreign code with a broken CRC",
            PIX.replace("Fulano", "Fulana"),
        ),
    ];
    let before = w.server.row_counts();
    for (what, payload) in &malformed {
        let expected = qr::parse(payload).unwrap_err();
        let r = user
            .client
            .post_idem(
                "/v1/payments",
                json!({"payload": payload, "amount": cny("1.00")}),
            )
            .await;
        r.assert_problem(422, "payload_malformed");
        let e = &r.body["qr_error"];
        assert_eq!(
            (e["kind"].as_str(), e["offset"].as_u64(), e["tag"].as_str()),
            (
                Some(expected.kind.as_str()),
                Some(expected.offset as u64),
                expected.tag.as_deref()
            ),
            "{what}: {}",
            r.body
        );
        let detail = r.body["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(&format!(
                "{} at byte {}",
                expected.kind.as_str(),
                expected.offset
            )),
            "{what}: {detail}"
        );
        // the same payload as a transfer recipient
        user.client
            .post_idem(
                "/v1/transfers",
                json!({"to": {"receive_code": payload}, "amount": cny("1.00")}),
            )
            .await
            .assert_problem(422, "payload_malformed");
    }
    // the first case is the CRC, reported where `6304` starts
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": dynamic.replace("12.34", "12.35")}),
        )
        .await;
    assert_eq!(r.body["qr_error"]["kind"], "crc_mismatch");
    assert_eq!(r.body["qr_error"]["offset"], crc_at);

    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": PIX, "amount": cny("1.00")}),
        )
        .await;
    r.assert_problem(422, "payload_foreign");
    assert_eq!(
        (&r.body["format"], &r.body["scheme"]),
        (&json!("emv_mpm"), &json!("pix"))
    );
    let r = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"payload": upi, "amount": cny("1.00")}),
        )
        .await;
    r.assert_problem(422, "payload_foreign");
    assert_eq!(r.body["format"], "upi");
    user.client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"receive_code": PIX}, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "payload_foreign");
    user.client
        .post_idem("/v1/payments", json!({"payload": home_made}))
        .await
        .assert_problem(422, "payload_not_issued");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": paycode, "amount": cny("1.00")}),
        )
        .await
        .assert_problem(422, "invalid_payload");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": dynamic, "amount": cny("12.33")}),
        )
        .await
        .assert_problem(422, "amount_mismatch");
    user.client
        .post_idem(
            "/v1/payments",
            json!({"payload": receive_code(&bob.user_id, None, None)}),
        )
        .await
        .assert_problem(400, "missing_field");
    assert_eq!(
        w.server.row_counts(),
        before,
        "bad payloads wrote something"
    );
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn a_payment_code_is_charged_once_and_expired_forged_and_unknown_codes_are_refused() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let before = w.cny(&user).await;
    let (device, provisioned) = provision(&user, None).await;
    assert_eq!(provisioned["generation"], 0);
    assert_eq!(provisioned["drift_window_s"], 60);
    let now_s = T0 / 1000;

    let code = device.code_at(now_s);
    let key = new_key();
    let path = format!("/v1/merchants/{merchant}/paycode-charges");
    let body = json!({"code": code, "amount": cny("20.00")});
    let r = w.app.post_key(&path, body.clone(), &key).await;
    let charged = r.ok(201).clone();
    assert_eq!(
        (&charged["fee"]["amount"], &charged["net"]["amount"]),
        (&json!("0.12"), &json!("19.88"))
    );
    assert_eq!(charged["device_id"], device.id.as_str());
    // a retry with the same key replays; nothing moves twice
    let replay = w.app.post_key(&path, body, &key).await;
    assert_eq!(replay.ok(201), &charged);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let history = user
        .client
        .get(&format!(
            "/v1/transactions/{}",
            charged["transaction_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(history.ok(200)["counterparty"]["id"], merchant.as_str());

    let rows = w.server.row_counts();
    charge(&w.app, &merchant, &code, "20.00")
        .await
        .assert_problem(409, "paycode_reused");
    charge(&w.app, &merchant, &device.code_at(now_s - 1), "1.00")
        .await
        .assert_problem(409, "paycode_reused");
    w.server.advance_s(90);
    charge(&w.app, &merchant, &device.code_at(now_s + 5), "1.00")
        .await
        .assert_problem(422, "paycode_expired");
    charge(&w.app, &merchant, &device.code_at(now_s + 90 + 61), "1.00")
        .await
        .assert_problem(422, "paycode_not_yet_valid");
    let forger = Device {
        id: device.id.clone(),
        secret: PaycodeSecret::from_bytes([9; 32]),
    };
    charge(&w.app, &merchant, &forger.code_at(now_s + 90), "1.00")
        .await
        .assert_problem(422, "paycode_forged");
    let stranger = Device {
        id: "dev_nobody".into(),
        secret: PaycodeSecret::from_bytes([9; 32]),
    };
    charge(&w.app, &merchant, &stranger.code_at(now_s + 90), "1.00")
        .await
        .assert_problem(404, "paycode_unknown_device");
    let r = charge(&w.app, &merchant, "IMWPAY1.dev.123", "1.00").await;
    r.assert_problem(422, "payload_malformed");
    assert_eq!(r.body["qr_error"]["kind"], "malformed");
    charge(&w.app, &merchant, &device.code_at(now_s + 90), "1000.00")
        .await
        .assert_problem(422, "insufficient_funds");
    let foreign_app = w
        .server
        .client()
        .post("/v1/apps", json!({"name": "another shop"}))
        .await;
    let foreign_key = foreign_app.ok(201)["api_key"].as_str().unwrap().to_owned();
    charge(
        &w.server.client().with_key(&foreign_key),
        &merchant,
        &device.code_at(now_s + 90),
        "1.00",
    )
    .await
    .assert_problem(404, "merchant_not_found");
    w.app
        .post(
            &path,
            json!({"code": device.code_at(now_s + 90), "amount": cny("1.00")}),
        )
        .await
        .assert_problem(400, "idempotency_key_required");
    let mut after = w.server.row_counts();
    after.retain(|(t, _)| t != "apps");
    let mut expected = rows.clone();
    expected.retain(|(t, _)| t != "apps");
    assert_eq!(after, expected, "refused charges wrote something");

    // the code of the insufficient-funds attempt was not spent
    charge(&w.app, &merchant, &device.code_at(now_s + 90), "1.00")
        .await
        .ok(201);
    // rotation: the old secret stops verifying, the new one works
    let (rotated, v) = provision(&user, Some(&device.id)).await;
    assert_eq!(
        (v["generation"].as_i64(), rotated.id.as_str()),
        (Some(1), device.id.as_str())
    );
    assert_ne!(rotated.secret, device.secret);
    charge(&w.app, &merchant, &device.code_at(now_s + 91), "1.00")
        .await
        .assert_problem(422, "paycode_forged");
    charge(&w.app, &merchant, &rotated.code_at(now_s + 91), "1.00")
        .await
        .ok(201);
    user.client
        .post("/v1/me/paycode-devices", json!({"device_id": "dev_nobody"}))
        .await
        .assert_problem(404, "paycode_unknown_device");

    assert_eq!(w.cny(&user).await, before - 2000 - 100 - 100);
    assert_eq!(
        merchant_cny(&w, &merchant).await,
        (2000 - 12) + (100 - 1) + (100 - 1)
    );
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn a_spent_payment_code_stays_spent_after_a_restart() {
    let dir = std::env::temp_dir().join(format!(
        "imwallet-paycode-restart-{}-{}",
        std::process::id(),
        new_key()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("sandbox.db");
    let db = db.to_str().unwrap();
    let config = imwallet_sandbox::config::Config::for_tests;
    let w = World::with(TestServer::start_at(config(), true, db).await).await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let (device, _) = provision(&user, None).await;
    let code = device.code_at(T0 / 1000);
    charge(&w.app, &merchant, &code, "10.00").await.ok(201);
    let api_key = w.app.api_key.clone().unwrap();
    w.server.sandbox.shutdown().await;

    let server = TestServer::start_at(config(), true, db).await;
    let app = server.client().with_key(&api_key);
    charge(&app, &merchant, &code, "10.00")
        .await
        .assert_problem(409, "paycode_reused");
    charge(&app, &merchant, &device.code_at(T0 / 1000 + 1), "10.00")
        .await
        .ok(201);
    server.assert_ledger_sound();
    server.sandbox.shutdown().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_charges_of_one_code_accept_it_exactly_once() {
    let w = World::manual().await;
    let user = w.user().await;
    w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    let before = w.cny(&user).await;
    let (device, _) = provision(&user, None).await;
    let code = device.code_at(T0 / 1000);
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let app = w.app.clone();
            let merchant = merchant.clone();
            let code = code.clone();
            tokio::spawn(async move { charge(&app, &merchant, &code, "3.00").await })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        let r = t.await.unwrap();
        if r.status != 201 {
            r.assert_problem(409, "paycode_reused");
        }
        statuses.push(r.status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(w.cny(&user).await, before - 300);
    w.server.assert_ledger_sound();
}
