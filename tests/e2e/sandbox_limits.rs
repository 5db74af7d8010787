//! The rest of issue 10's sandbox items: verification codes cannot be used
//! to lock a user out (item 12), top-ups are bounded and cannot break the
//! platform's funding account (item 11), every password check counts
//! toward the lock-out, withdrawals obey the risk hold, free text refuses
//! control and bidi characters, unknown identifiers answer login like
//! known ones (item 15), and an app sees only its own users and merchants.

use imwallet_sandbox::config::{Config, RiskLimits};
use imwallet_tests::{TestServer, World, cny};
use serde_json::json;

/// `+` in a query string.
fn q(phone: &str) -> String {
    phone.replace('+', "%2B")
}

/// A second app on the same server (its own API key, no operator key).
async fn other_app(w: &World) -> imwallet_tests::Client {
    let key = w
        .server
        .client()
        .post("/v1/apps", json!({"name": "other"}))
        .await;
    w.server
        .client()
        .with_key(key.ok(201)["api_key"].as_str().unwrap())
}

// --- Item 12: the code caps are no lock-out weapon. ---

#[tokio::test]
async fn reset_and_login_code_requests_by_others_do_not_block_a_correct_login() {
    let w = World::manual().await;
    let phone = w.phone();
    w.register(&phone).await;
    // Whoever has the app's key (it ships inside the app) asks for reset
    // codes until the daily cap answers, and for a login code just now.
    let mut refused = None;
    for _ in 0..12 {
        w.server.advance_s(61);
        let r = w
            .app
            .post(
                "/v1/verification-codes",
                json!({"purpose": "reset_password", "destination": phone}),
            )
            .await;
        if r.status == 429 {
            refused = Some(r.code().to_owned());
            break;
        }
        r.ok(202);
    }
    assert_eq!(refused.as_deref(), Some("daily_code_limit"));
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "login", "destination": phone}),
        )
        .await
        .ok(202);
    // The owner, with the right password, still gets a second factor at
    // once and signs in.
    let tokens = w.login(&phone, "correct horse").await;
    assert!(tokens["access_token"].is_string());
}

#[tokio::test]
async fn unauthenticated_code_requests_are_bounded_per_api_key() {
    let w = World::new().await;
    // the documented default: 300 per key per rolling hour
    for i in 0..300 {
        w.app
            .post(
                "/v1/verification-codes",
                json!({"purpose": "register", "destination": format!("+86139{i:08}")}),
            )
            .await
            .ok(202);
    }
    let r = w
        .app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": "+8613999999999"}),
        )
        .await;
    r.assert_problem(429, "too_many_code_requests");
    assert!(r.body["retry_after_s"].as_i64().unwrap() > 0);
    // another key is not affected
    other_app(&w)
        .await
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": "+8613999999999"}),
        )
        .await
        .ok(202);
}

// --- Item 11: bounded top-ups. ---

#[tokio::test]
async fn a_top_up_near_i64_max_is_refused_and_does_not_break_anyone_elses() {
    let w = World::new().await;
    let greedy = w.user().await;
    let card = w.card(&greedy, "4242424242424242").await;
    let top_up = |amount: &str| json!({"card_id": card, "amount": cny(amount)});
    let r = greedy
        .client
        .post_idem("/v1/top-ups", top_up("92233720368547758.07"))
        .await;
    r.assert_problem(422, "top_up_limit_exceeded");
    assert_eq!(r.body["scope"], "operation");
    assert_eq!(r.body["limit"], cny("100000.00"));
    greedy
        .client
        .post_idem("/v1/top-ups", top_up("92233720368547758.06"))
        .await
        .assert_problem(422, "top_up_limit_exceeded");
    // Everybody else still tops up in that currency.
    let other = w.user().await;
    w.funded(&other, "10.00").await;
    assert_eq!(w.cny(&other).await, 1_000 - 1);
    assert_eq!(w.cny(&greedy).await, 0);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn large_top_ups_are_held_and_a_day_has_a_limit() {
    let w = World::new().await;
    let user = w.user().await;
    let card = w.card(&user, "4242424242424242").await;
    let top_up = |amount: &str| json!({"card_id": card, "amount": cny(amount)});
    // above 50,000.00: held, nothing credited yet
    let r = user
        .client
        .post_idem("/v1/top-ups", top_up("60000.00"))
        .await;
    let held = r.ok(202).clone();
    assert_eq!(held["status"], "held");
    assert_eq!(w.cny(&user).await, 0);
    let holds = user.client.get("/v1/risk/holds").await;
    assert_eq!(holds.ok(200)["items"][0]["id"], held["id"]);
    let id = held["id"].as_str().unwrap();
    let released = w
        .app
        .post_idem(&format!("/v1/sandbox/risk/holds/{id}/release"), json!({}))
        .await;
    assert_eq!(released.ok(200)["status"], "completed");
    assert_eq!(w.cny(&user).await, 6_000_000 - 6_000);
    // 60,000 + 100,000 + 40,000 = the day's 200,000.00; one cent more is refused
    user.client
        .post_idem("/v1/top-ups", top_up("100000.00"))
        .await
        .ok(202);
    user.client
        .post_idem("/v1/top-ups", top_up("40000.00"))
        .await
        .ok(201);
    let r = user.client.post_idem("/v1/top-ups", top_up("0.01")).await;
    r.assert_problem(422, "top_up_limit_exceeded");
    assert_eq!(r.body["scope"], "day");
    w.server.assert_ledger_sound();
}

// --- Item 15: every password check counts; holds; text; timing. ---

#[tokio::test]
async fn wrong_passwords_at_password_change_and_unfreeze_count_toward_the_lockout() {
    let w = World::new().await;
    let user = w.user().await;
    let change = json!({"current_password": "wrong guess", "new_password": "another password"});
    let r = user.client.post("/v1/me/password", change.clone()).await;
    r.assert_problem(401, "wrong_password");
    assert_eq!(r.body["attempts_left"], 4);
    user.client
        .raw("POST", "/v1/me/freeze", &[], None)
        .await
        .ok(200);
    let r = user
        .client
        .post("/v1/me/unfreeze", json!({"password": "wrong guess"}))
        .await;
    r.assert_problem(401, "wrong_password");
    assert_eq!(r.body["attempts_left"], 3);
    for _ in 0..2 {
        user.client
            .post("/v1/me/password", change.clone())
            .await
            .assert_problem(401, "wrong_password");
    }
    user.client
        .post("/v1/me/password", change.clone())
        .await
        .assert_problem(429, "locked_out");
    // locked everywhere: the right password opens nothing for a while
    user.client
        .post("/v1/me/unfreeze", json!({"password": "correct horse"}))
        .await
        .assert_problem(429, "locked_out");
    w.app
        .post(
            "/v1/auth/login",
            json!({"identifier": user.phone, "password": "correct horse"}),
        )
        .await
        .assert_problem(429, "locked_out");
    let events = user.client.get("/v1/me/security-events").await;
    let kinds: Vec<&str> = events.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == "password_change_failed")
            .count(),
        4
    );
    assert!(kinds.contains(&"unfreeze_failed"), "{kinds:?}");
}

#[tokio::test]
async fn a_withdrawal_above_the_hold_limit_is_held_then_released_or_rejected() {
    let config = Config {
        risk: RiskLimits {
            hold_above_minor: 10_000,
            velocity_max: 0,
            velocity_window_s: 60,
        },
        ..Config::for_tests()
    };
    let w = World::with(TestServer::start_with(config, true).await).await;
    let user = w.user().await;
    let card = w.funded(&user, "500.00").await;
    let before = w.cny(&user).await;
    let withdraw = |code: String| json!({"card_id": card, "amount": cny("200.00"), "code": code});
    let mut ids = Vec::new();
    for _ in 0..2 {
        w.server.advance_s(61);
        user.client
            .post("/v1/verification-codes", json!({"purpose": "withdraw"}))
            .await
            .ok(202);
        let code = w.code_for(&user.phone).await;
        let r = user
            .client
            .post_idem("/v1/withdrawals", withdraw(code))
            .await;
        let t = r.ok(202).clone();
        assert_eq!(t["status"], "held");
        ids.push(t["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(w.cny(&user).await, before - 40_000);
    let released = w
        .app
        .post_idem(
            &format!("/v1/sandbox/risk/holds/{}/release", ids[0]),
            json!({}),
        )
        .await;
    assert_eq!(released.ok(200)["status"], "pending");
    let done = w
        .app
        .post_idem(
            &format!("/v1/sandbox/withdrawals/{}/complete", ids[0]),
            json!({}),
        )
        .await;
    assert_eq!(done.ok(200)["status"], "completed");
    let rejected = w
        .app
        .post_idem(
            &format!("/v1/sandbox/risk/holds/{}/reject", ids[1]),
            json!({}),
        )
        .await;
    assert_eq!(rejected.ok(200)["status"], "rejected");
    assert_eq!(w.cny(&user).await, before - 20_000);
    w.server.assert_ledger_sound();
}

#[tokio::test]
async fn free_text_with_control_or_bidi_characters_is_refused() {
    let w = World::new().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "10.00").await;
    for memo in [
        "pay \u{202E}gnp.exe",
        "line\nbreak",
        "\u{1b}[31mred",
        "x\u{2066}y",
    ] {
        let r = alice
            .client
            .post_idem(
                "/v1/transfers",
                json!({"to": {"user_id": bob.user_id}, "amount": cny("1.00"), "memo": memo}),
            )
            .await;
        r.assert_problem(422, "invalid_text");
        assert_eq!(r.body["field"], "memo");
    }
    alice
        .client
        .send(
            "PATCH",
            "/v1/me",
            Some(json!({"display_name": "Li\u{202E}Lei"})),
            &[],
        )
        .await
        .assert_problem(422, "invalid_text");
    w.app
        .post(
            "/v1/merchants",
            json!({"name": "Coffee\u{0}", "city": "Shanghai", "currency": "CNY"}),
        )
        .await
        .assert_problem(422, "invalid_text");
    // Text in any script, emoji included, is fine.
    alice
        .client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": bob.user_id}, "amount": cny("1.00"), "memo": "晚饭 🍜 café"}),
        )
        .await
        .ok(201);
    assert_eq!(w.cny(&alice).await, 1_000 - 1 - 100);
}

#[tokio::test]
async fn an_unknown_identifier_costs_the_same_hash_and_gets_the_same_answer() {
    let w = World::new().await;
    let phone = w.phone();
    w.register(&phone).await;
    let hasher = &w.server.sandbox.state().hasher;
    let login = |identifier: String| {
        let app = w.app.clone();
        async move {
            app.post(
                "/v1/auth/login",
                json!({"identifier": identifier, "password": "wrong guess"}),
            )
            .await
        }
    };
    // (the first unknown login also makes the dummy hash)
    login("warm-up@example.com".into()).await;
    let before = hasher.computed();
    let known = login(phone.clone()).await;
    let after_known = hasher.computed();
    let unknown = login("+8613700000000".into()).await;
    let after_unknown = hasher.computed();
    assert_eq!(
        after_known - before,
        1,
        "a known identifier checks one hash"
    );
    assert_eq!(after_unknown - after_known, 1, "so does an unknown one");
    for r in [&known, &unknown] {
        r.assert_problem(401, "wrong_password");
    }
    assert_eq!(known.body["detail"], unknown.body["detail"]);
    assert_eq!(known.body["attempts_left"], unknown.body["attempts_left"]);
    // and it locks out after as many tries as a known one
    for _ in 0..4 {
        login("+8613700000000".into()).await;
    }
    login("+8613700000000".into())
        .await
        .assert_problem(429, "locked_out");
}

// --- Apps see only their own users and merchants. ---

#[tokio::test]
async fn another_app_cannot_log_in_my_user_or_read_my_merchant() {
    let w = World::new().await;
    let phone = w.phone();
    w.register(&phone).await;
    let merchant = w.merchant().await;
    let other = other_app(&w).await;
    let r = other
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "correct horse"}),
        )
        .await;
    r.assert_problem(401, "wrong_password");
    other
        .post(
            "/v1/verification-codes",
            json!({"purpose": "reset_password", "destination": phone}),
        )
        .await
        .assert_problem(404, "user_not_found");
    other
        .get(&format!("/v1/merchants/{merchant}"))
        .await
        .assert_problem(404, "merchant_not_found");
    other
        .get(&format!("/v1/merchants/{merchant}/qr"))
        .await
        .assert_problem(404, "merchant_not_found");
    // the owning app still does all of it
    w.app
        .get(&format!("/v1/merchants/{merchant}"))
        .await
        .ok(200);
    let tokens = w.login(&phone, "correct horse").await;
    assert!(tokens["access_token"].is_string());
    let outbox = w
        .app
        .get(&format!("/v1/sandbox/outbox?destination={}", q(&phone)))
        .await;
    assert!(!outbox.ok(200)["messages"].as_array().unwrap().is_empty());
}
