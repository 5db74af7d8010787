//! Apps, API keys, verification codes, registration, login, sessions,
//! password reset and change, profile and self-freeze.

use imwallet_tests::{TestServer, World};
use serde_json::json;

#[tokio::test]
async fn health_needs_no_key_and_apps_are_self_service() {
    let server = TestServer::start().await;
    let anon = server.client();
    assert_eq!(anon.get("/healthz").await.ok(200)["status"], "ok");
    let created = anon.post("/v1/apps", json!({"name": "My shop app"})).await;
    let key = created.ok(201)["api_key"].as_str().unwrap().to_owned();
    let current = anon.with_key(&key).get("/v1/apps/current").await;
    assert_eq!(current.ok(200)["name"], "My shop app");
    anon.post("/v1/apps", json!({"name": ""}))
        .await
        .assert_problem(422, "invalid_value");
}

#[tokio::test]
async fn missing_or_invalid_api_key_is_refused() {
    let server = TestServer::start().await;
    let anon = server.client();
    anon.get("/v1/apps/current")
        .await
        .assert_problem(401, "missing_api_key");
    anon.with_key("sk_sandbox_nope")
        .get("/v1/apps/current")
        .await
        .assert_problem(401, "invalid_api_key");
    anon.with_key("sk_sandbox_nope")
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": "+8613800000001"}),
        )
        .await
        .assert_problem(401, "invalid_api_key");
}

#[tokio::test]
async fn user_endpoints_need_a_valid_bearer_token() {
    let w = World::new().await;
    w.app
        .get("/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    w.app
        .with_token("at_forged")
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn registration_login_and_profile_journey() {
    let w = World::manual().await;
    let user = w.user().await;
    let me = user.client.get("/v1/me").await;
    assert_eq!(me.ok(200)["phone"], user.phone.as_str());
    assert_eq!(me.body["status"], "active");
    let patched = user
        .client
        .send(
            "PATCH",
            "/v1/me",
            Some(json!({"display_name": "Han Meimei"})),
            &[],
        )
        .await;
    assert_eq!(patched.ok(200)["display_name"], "Han Meimei");
    let events = user.client.get("/v1/me/security-events").await;
    let kinds: Vec<&str> = events.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"registered") && kinds.contains(&"login"),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn registration_by_email_works_and_duplicates_are_refused() {
    let w = World::manual().await;
    let email = "mei@example.com";
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": email}),
        )
        .await
        .ok(202);
    let code = w.code_for(email).await;
    let r = w
        .app
        .post(
            "/v1/users",
            json!({"email": email, "password": "correct horse", "code": code}),
        )
        .await;
    assert_eq!(r.ok(201)["email"], email);
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": email}),
        )
        .await
        .assert_problem(409, "already_registered");
    w.app
        .post(
            "/v1/users",
            json!({"email": email, "password": "correct horse", "code": code}),
        )
        .await
        .assert_problem(409, "already_registered");
}

#[tokio::test]
async fn wrong_expired_and_reused_codes_are_refused() {
    let w = World::manual().await;
    let phone = w.phone();
    let send = json!({"purpose": "register", "destination": phone});
    w.app
        .post("/v1/verification-codes", send.clone())
        .await
        .ok(202);
    let code = w.code_for(&phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let body = |c: &str| json!({"phone": phone, "password": "correct horse", "code": c});
    let r = w.app.post("/v1/users", body(wrong)).await;
    r.assert_problem(422, "code_invalid");
    assert_eq!(r.body["attempts_left"], 4);
    // expired
    w.server.advance_s(601);
    w.app
        .post("/v1/users", body(&code))
        .await
        .assert_problem(422, "code_expired");
    // a new code works once, then it is used
    w.app
        .post("/v1/verification-codes", send.clone())
        .await
        .ok(202);
    let code = w.code_for(&phone).await;
    w.app.post("/v1/users", body(&code)).await.ok(201);
    let other = w.phone();
    // reused code for another registration of the same destination is refused
    w.app
        .post(
            "/v1/users",
            json!({"phone": phone, "password": "correct horse", "code": code}),
        )
        .await
        .assert_problem(409, "already_registered");
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": other}),
        )
        .await
        .ok(202);
    let other_code = w.code_for(&other).await;
    w.app
        .post(
            "/v1/users",
            json!({"phone": other, "password": "correct horse", "code": other_code}),
        )
        .await
        .ok(201);
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "login", "destination": other}),
        )
        .await
        .ok(202);
    let login_code = w.code_for(&other).await;
    let r = w
        .app
        .post(
            "/v1/auth/login",
            json!({"identifier": other, "password": "correct horse"}),
        )
        .await;
    // A login right after someone requested a code still gets its second
    // factor (issue 10, item 12: the throttle is no lock-out weapon).
    assert!(r.ok(200)["login_ticket"].is_string());
    let _ = login_code;
}

#[tokio::test]
async fn five_wrong_tries_void_a_code() {
    let w = World::manual().await;
    let phone = w.phone();
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": phone}),
        )
        .await
        .ok(202);
    let code = w.code_for(&phone).await;
    let wrong = if code == "999999" { "999998" } else { "999999" };
    for _ in 0..4 {
        w.app
            .post(
                "/v1/users",
                json!({"phone": phone, "password": "correct horse", "code": wrong}),
            )
            .await
            .assert_problem(422, "code_invalid");
    }
    w.app
        .post(
            "/v1/users",
            json!({"phone": phone, "password": "correct horse", "code": wrong}),
        )
        .await
        .assert_problem(422, "code_attempts_exceeded");
    w.app
        .post(
            "/v1/users",
            json!({"phone": phone, "password": "correct horse", "code": code}),
        )
        .await
        .assert_problem(422, "code_attempts_exceeded");
}

#[tokio::test]
async fn resend_is_throttled_for_60_seconds_and_capped_daily() {
    let w = World::manual().await;
    let phone = w.phone();
    let send = json!({"purpose": "register", "destination": phone});
    w.app
        .post("/v1/verification-codes", send.clone())
        .await
        .ok(202);
    let r = w.app.post("/v1/verification-codes", send.clone()).await;
    r.assert_problem(429, "resend_too_soon");
    assert!(r.header("retry-after").is_some());
    w.server.advance_s(60);
    w.app
        .post("/v1/verification-codes", send.clone())
        .await
        .ok(202);
    for _ in 0..8 {
        w.server.advance_s(61);
        w.app
            .post("/v1/verification-codes", send.clone())
            .await
            .ok(202);
    }
    w.server.advance_s(61);
    w.app
        .post("/v1/verification-codes", send.clone())
        .await
        .assert_problem(429, "daily_code_limit");
}

#[tokio::test]
async fn bad_destinations_and_weak_passwords_are_refused() {
    let w = World::manual().await;
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": "12345"}),
        )
        .await
        .assert_problem(422, "invalid_destination");
    w.app
        .post("/v1/verification-codes", json!({"purpose": "register"}))
        .await
        .assert_problem(400, "missing_field");
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "spam", "destination": "+8613800000000"}),
        )
        .await
        .assert_problem(422, "invalid_value");
    w.app
        .post(
            "/v1/users",
            json!({"phone": "+8613800000000", "password": "short", "code": "123456"}),
        )
        .await
        .assert_problem(422, "weak_password");
}

#[tokio::test]
async fn wrong_password_counts_down_then_locks_out() {
    let w = World::manual().await;
    let phone = w.phone();
    w.register(&phone).await;
    let r = w
        .app
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "wrong one"}),
        )
        .await;
    r.assert_problem(401, "wrong_password");
    assert_eq!(r.body["attempts_left"], 4);
    w.app
        .post(
            "/v1/auth/login",
            json!({"identifier": "+8619999999999", "password": "whatever1"}),
        )
        .await
        .assert_problem(401, "wrong_password");
    for _ in 0..3 {
        w.app
            .post(
                "/v1/auth/login",
                json!({"identifier": phone, "password": "wrong one"}),
            )
            .await
            .assert_problem(401, "wrong_password");
    }
    w.app
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "wrong one"}),
        )
        .await
        .assert_problem(429, "locked_out");
    w.app
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "correct horse"}),
        )
        .await
        .assert_problem(429, "locked_out");
    w.server.advance_s(901);
    w.login(&phone, "correct horse").await;
}

#[tokio::test]
async fn login_ticket_and_second_factor_are_checked() {
    let w = World::manual().await;
    let phone = w.phone();
    w.register(&phone).await;
    w.server.advance_s(61);
    let r = w
        .app
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": "correct horse"}),
        )
        .await;
    let ticket = r.ok(200)["login_ticket"].as_str().unwrap().to_owned();
    w.app
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": "lt_forged", "code": "123456"}),
        )
        .await
        .assert_problem(401, "login_ticket_invalid");
    let code = w.code_for(&phone).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    w.app
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": ticket, "code": wrong}),
        )
        .await
        .assert_problem(422, "code_invalid");
    w.app
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": ticket, "code": code}),
        )
        .await
        .ok(200);
    w.app
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": ticket, "code": code}),
        )
        .await
        .assert_problem(401, "login_ticket_invalid");
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let w = World::manual().await;
    let user = w.user().await;
    let first = user.refresh_token.clone();
    let r = w
        .app
        .post("/v1/auth/refresh", json!({"refresh_token": first}))
        .await;
    let second = r.ok(200)["refresh_token"].as_str().unwrap().to_owned();
    let access = r.body["access_token"].as_str().unwrap().to_owned();
    // the old access token died with the rotation; the new one works
    user.client
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    w.app.with_token(&access).get("/v1/me").await.ok(200);
    // replaying the first refresh token revokes the whole family
    w.app
        .post("/v1/auth/refresh", json!({"refresh_token": first}))
        .await
        .assert_problem(401, "refresh_token_reused");
    w.app
        .with_token(&access)
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    w.app
        .post("/v1/auth/refresh", json!({"refresh_token": second}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    w.app
        .post("/v1/auth/refresh", json!({"refresh_token": "rt_unknown"}))
        .await
        .assert_problem(401, "invalid_refresh_token");
}

#[tokio::test]
async fn a_refresh_retried_with_its_key_inside_the_window_replays_the_same_pair() {
    let w = World::manual().await;
    let user = w.user().await;
    let old = user.refresh_token.clone();
    let key = format!("refresh-{}", imwallet_tests::new_key());
    let body = json!({"refresh_token": old});
    let first = w.app.post_key("/v1/auth/refresh", body.clone(), &key).await;
    let pair = first.ok(200).clone();
    assert_eq!(first.header("idempotent-replayed"), None);
    // the response was "lost": the client retries with the same key and token
    w.server.advance_s(30);
    let again = w.app.post_key("/v1/auth/refresh", body.clone(), &key).await;
    assert_eq!(again.ok(200), &pair, "the same tokens, not a new rotation");
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    // nothing was revoked: the replayed pair works and rotates normally
    let access = pair["access_token"].as_str().unwrap();
    w.app.with_token(access).get("/v1/me").await.ok(200);
    let next = w
        .app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": pair["refresh_token"]}),
        )
        .await;
    let next_access = next.ok(200)["access_token"].as_str().unwrap().to_owned();
    w.app.with_token(&next_access).get("/v1/me").await.ok(200);
    // once the replayed pair has been used, the old token is plain reuse
    w.app
        .post_key("/v1/auth/refresh", body, &key)
        .await
        .assert_problem(401, "refresh_token_reused");
    w.app
        .with_token(&next_access)
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn reusing_a_rotated_token_without_its_key_revokes_the_family() {
    for retry_key in [None, Some("refresh-some-other-key")] {
        let w = World::manual().await;
        let user = w.user().await;
        let key = format!("refresh-{}", imwallet_tests::new_key());
        let body = json!({"refresh_token": user.refresh_token});
        let pair = w
            .app
            .post_key("/v1/auth/refresh", body.clone(), &key)
            .await
            .ok(200)
            .clone();
        let reuse = match retry_key {
            None => w.app.post("/v1/auth/refresh", body).await,
            Some(other) => w.app.post_key("/v1/auth/refresh", body, other).await,
        };
        reuse.assert_problem(401, "refresh_token_reused");
        let access = pair["access_token"].as_str().unwrap();
        w.app
            .with_token(access)
            .get("/v1/me")
            .await
            .assert_problem(401, "invalid_token");
        w.app
            .post(
                "/v1/auth/refresh",
                json!({"refresh_token": pair["refresh_token"]}),
            )
            .await
            .assert_problem(401, "invalid_refresh_token");
    }
}

#[tokio::test]
async fn a_refresh_retried_after_the_window_revokes_the_family() {
    let w = World::manual().await;
    let user = w.user().await;
    let key = format!("refresh-{}", imwallet_tests::new_key());
    let body = json!({"refresh_token": user.refresh_token});
    let pair = w
        .app
        .post_key("/v1/auth/refresh", body.clone(), &key)
        .await
        .ok(200)
        .clone();
    w.server.advance_s(61);
    w.app
        .post_key("/v1/auth/refresh", body, &key)
        .await
        .assert_problem(401, "refresh_token_reused");
    w.app
        .with_token(pair["access_token"].as_str().unwrap())
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn access_tokens_expire() {
    let w = World::manual().await;
    let user = w.user().await;
    user.client.get("/v1/me").await.ok(200);
    w.server.advance_s(901);
    user.client
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    let r = w
        .app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    r.ok(200);
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let w = World::manual().await;
    let user = w.user().await;
    let r = user.client.raw("POST", "/v1/auth/logout", &[], None).await;
    assert_eq!(r.status, 204);
    user.client
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    w.app
        .post(
            "/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token}),
        )
        .await
        .assert_problem(401, "invalid_refresh_token");
}

#[tokio::test]
async fn password_reset_and_change_revoke_sessions() {
    let w = World::manual().await;
    let user = w.user().await;
    w.server.advance_s(61);
    w.app
        .post(
            "/v1/verification-codes",
            json!({"purpose": "reset_password", "destination": user.phone}),
        )
        .await
        .ok(202);
    let code = w.code_for(&user.phone).await;
    w.app
        .post(
            "/v1/auth/password-reset",
            json!({"identifier": "+8619999999999", "code": code, "new_password": "new password 1"}),
        )
        .await
        .assert_problem(404, "user_not_found");
    let r = w
        .app
        .raw(
            "POST",
            "/v1/auth/password-reset",
            &[("Content-Type", "application/json")],
            Some(
                json!({"identifier": user.phone, "code": code, "new_password": "new password 1"})
                    .to_string()
                    .as_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    user.client
        .get("/v1/me")
        .await
        .assert_problem(401, "invalid_token");
    w.server.advance_s(61);
    w.app
        .post(
            "/v1/auth/login",
            json!({"identifier": user.phone, "password": "correct horse"}),
        )
        .await
        .assert_problem(401, "wrong_password");
    let tokens = w.login(&user.phone, "new password 1").await;
    let client = w.app.with_token(tokens["access_token"].as_str().unwrap());
    client
        .post(
            "/v1/me/password",
            json!({"current_password": "not it at all", "new_password": "third password"}),
        )
        .await
        .assert_problem(401, "wrong_password");
    let r = client
        .raw(
            "POST",
            "/v1/me/password",
            &[("Content-Type", "application/json")],
            Some(
                json!({"current_password": "new password 1", "new_password": "third password"})
                    .to_string()
                    .as_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    client.get("/v1/me").await.ok(200);
}

#[tokio::test]
async fn frozen_account_can_read_and_unfreeze_only() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.funded(&user, "100.00").await;
    let other = w.user().await;
    user.client
        .post("/v1/me/unfreeze", json!({"password": "correct horse"}))
        .await
        .assert_problem(409, "account_not_frozen");
    let r = user.client.raw("POST", "/v1/me/freeze", &[], None).await;
    assert_eq!(r.ok(200)["status"], "frozen");
    assert_eq!(r.body["frozen_reason"], "self");
    user.client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": other.user_id}, "amount": imwallet_tests::cny("1.00")}),
        )
        .await
        .assert_problem(403, "account_frozen");
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": imwallet_tests::cny("1.00")}),
        )
        .await
        .assert_problem(403, "account_frozen");
    user.client.get("/v1/balances").await.ok(200);
    user.client.get("/v1/transactions").await.ok(200);
    user.client
        .post("/v1/me/unfreeze", json!({"password": "wrong password"}))
        .await
        .assert_problem(401, "wrong_password");
    let r = user
        .client
        .post("/v1/me/unfreeze", json!({"password": "correct horse"}))
        .await;
    assert_eq!(r.ok(200)["status"], "active");
    user.client
        .post_idem(
            "/v1/transfers",
            json!({"to": {"user_id": other.user_id}, "amount": imwallet_tests::cny("1.00")}),
        )
        .await
        .ok(201);
    w.server.assert_ledger_sound();
}
