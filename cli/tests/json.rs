//! Every command speaks JSON (issue 16, item 5): each terminal-wallet
//! command run with the global `--json` prints exactly one JSON object on
//! stdout — a success with its documented fields (docs/cli.md), a failure
//! as `{"error": {"code", "message", "retryable", "exit_code"}}` with the
//! same exit code as without `--json`. (`demo --json` is covered by
//! tests/demo.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, Session, home, home_arg, imwallet, output, stdout};
use imwallet_sandbox::config::TEST_OPERATOR_KEY;
use serde_json::Value;

const PASSWORD: &str = "json test password";

/// stdout as exactly one JSON object on one line, with the exit code.
#[track_caller]
fn one_object(out: &std::process::Output, what: &str) -> (Value, i32) {
    let text = stdout(out);
    assert_eq!(
        text.lines().count(),
        1,
        "{what}: one line expected on stdout: {text:?}\nstderr: {}",
        common::stderr(out)
    );
    let v: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what}: stdout is not one JSON value ({e}): {text}"));
    assert!(v.is_object(), "{what}: not an object: {v}");
    let code = out.status.code().unwrap();
    if code == 0 {
        assert!(v.get("error").is_none(), "{what}: {v}");
    } else {
        let e = &v["error"];
        assert!(e["code"].is_string(), "{what}: {v}");
        assert!(e["message"].is_string(), "{what}: {v}");
        assert!(e["retryable"].is_boolean(), "{what}: {v}");
        assert_eq!(e["exit_code"], code, "{what}: {v}");
    }
    (v, code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_terminal_wallet_command_prints_exactly_one_json_object() {
    let server = Server::start().await;
    let (_, payload) = server.merchant().await;
    let dir = home();
    let home = home_arg(dir.path());
    let phone = "+8613700009999";
    // `--json` with stdin lines, in the given language.
    let run = |args: &[&str], lines: &[&str], lang: &str| {
        let mut all = vec!["--home", home.as_str(), "--json", "--lang", lang];
        all.extend_from_slice(args);
        let mut s = Session::start(imwallet(&all));
        for l in lines {
            s.line(l);
        }
        s.finish()
    };

    let mut register = Session::start(imwallet(&[
        "--home",
        &home,
        "--server",
        &server.url,
        "--api-key",
        &server.api_key,
        "--json",
        "register",
        phone,
        "--name",
        "Mei",
    ]));
    register.line(PASSWORD);
    register.line(&server.next_code(phone, "register", 0).await);
    let (v, code) = one_object(&register.finish().await, "register");
    assert_eq!(code, 0);
    assert_eq!(v["profile"]["display_name"], "Mei");
    let user_id = v["profile"]["user_id"].as_str().unwrap().to_owned();
    server
        .post(
            "/v1/sandbox/coupons",
            serde_json::json!({
                "user_id": user_id,
                "kind": "fixed",
                "amount_off": {"amount": "5.00", "currency": "CNY"},
                "min_spend": {"amount": "20.00", "currency": "CNY"},
                "expires_at": 4_102_444_800_000_i64,
            }),
        )
        .await;

    let mut login = Session::start(imwallet(&["--home", &home, "login", phone, "--json"]));
    login.line(PASSWORD);
    login.line(&server.next_code(phone, "login", 0).await);
    let (v, _) = one_object(&login.finish().await, "login");
    assert!(v["profile"]["user_id"].is_string(), "{v}");

    let mut add = Session::start(imwallet(&[
        "--home",
        &home,
        "--json",
        "cards",
        "add",
        "4242424242424242",
        "--expiry",
        "12/2099",
        "--holder",
        "Mei Chen",
    ]));
    add.line(PASSWORD);
    add.line(&server.next_code(phone, "bind_card", 0).await);
    let (v, code) = one_object(&add.finish().await, "cards add");
    assert_eq!(code, 0);
    let card_id = v["card"]["card_id"].as_str().unwrap().to_owned();
    assert_eq!(v["card"]["last4"], "4242");

    // The same object in both languages (the quote and prompts are not in it).
    for lang in ["en", "zh-CN"] {
        let (v, code) = one_object(
            &run(&["quote", "topup", "500.00"], &[PASSWORD], lang).await,
            "quote",
        );
        assert_eq!(code, 0);
        assert_eq!(v["quote"]["fee"]["amount"], "0.50", "{v}");
    }
    let (v, _) = one_object(
        &run(&["topup", "500.00", "-y"], &[PASSWORD], "zh-CN").await,
        "topup",
    );
    assert_eq!(v["transaction"]["type"], "top_up", "{v}");
    assert_eq!(v["balances"][0]["amount"], "499.50", "{v}");
    assert_eq!(v["payee"], "Visa •••• 4242");

    // Declined with --json: the error object, exit 10, nothing moved.
    let (v, code) = one_object(
        &run(
            &["pay", "-", "--amount", "12.50"],
            &[&payload, PASSWORD, "n"],
            "en",
        )
        .await,
        "pay declined",
    );
    assert_eq!(
        (code, &v["error"]["code"]),
        (10, &Value::from("not_confirmed"))
    );
    let (v, _) = one_object(
        &run(
            &["pay", "-", "--amount", "12.50", "--yes"],
            &[&payload, PASSWORD],
            "en",
        )
        .await,
        "pay",
    );
    assert_eq!(v["transaction"]["type"], "payment", "{v}");
    assert_eq!(v["quote"]["fee_payer"], "merchant", "{v}");
    assert_eq!(v["payee"], "Tea House, Hangzhou");

    // A refused transfer: an error object with the server's refusal.
    let (v, code) = one_object(
        &run(
            &["transfer", "+8613900000001", "1.00", "-y"],
            &[PASSWORD],
            "en",
        )
        .await,
        "transfer",
    );
    assert_ne!(code, 0, "{v}");

    let mut withdraw = Session::start(imwallet(&[
        "--home", &home, "--json", "withdraw", "20.00", "--yes",
    ]));
    withdraw.line(PASSWORD);
    withdraw.line(&server.next_code(phone, "withdraw", 0).await);
    let (v, code) = one_object(&withdraw.finish().await, "withdraw");
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["transaction"]["type"], "withdrawal");

    for (args, key) in [
        (&["unlock"][..], "profile"),
        (&["balance"][..], "points"),
        (&["cards", "list"][..], "cards"),
        (&["history"][..], "transactions"),
        (
            &["history", "--offline", "--limit", "1"][..],
            "transactions",
        ),
        (&["summary"][..], "summary"),
        (&["receive", "--amount", "3.00"][..], "payload"),
        (&["paycode"][..], "payload"),
        (&["ops", "list"][..], "operations"),
        (&["coupons"][..], "coupons"),
        (&["security"][..], "events"),
        (&["points"][..], "events"),
        (&["ops", "reconcile"][..], "unresolved"),
    ] {
        let (v, code) = one_object(&run(args, &[PASSWORD], "zh-CN").await, args[0]);
        assert_eq!(code, 0, "{args:?}: {v}");
        assert!(!v[key].is_null(), "{args:?}: {key} missing in {v}");
    }
    let (v, _) = one_object(&run(&["coupons"], &[PASSWORD], "en").await, "coupons");
    assert_eq!(v["coupons"][0]["amount_off"]["amount"], "5.00", "{v}");
    let mut human = Session::start(imwallet(&["--home", &home, "--lang", "zh-CN", "coupons"]));
    human.line(PASSWORD);
    let text = stdout(&human.finish().await);
    assert!(
        text.contains("满 ¥20.00 减 ¥5.00") && text.contains("可用"),
        "{text}"
    );
    let (v, _) = one_object(&run(&["points"], &[PASSWORD], "en").await, "points");
    assert_eq!(v["points"], 12, "{v}");
    let (v, _) = one_object(&run(&["history"], &[PASSWORD], "en").await, "history");
    assert_eq!(v["transactions"].as_array().unwrap().len(), 3, "{v}");

    let (v, code) = one_object(
        &run(&["cards", "remove", &card_id], &[PASSWORD], "en").await,
        "remove",
    );
    assert_eq!((code, &v["removed"]), (0, &Value::from(card_id.as_str())));

    // The sandbox helpers and qr parse.
    let (v, code) = one_object(
        &output(imwallet(&[
            "--server",
            &server.url,
            "--json",
            "sandbox",
            "app",
            "x",
        ]))
        .await,
        "sandbox app",
    );
    assert_eq!(code, 0);
    assert!(v["api_key"].is_string());
    let (v, code) = one_object(
        &output(imwallet(&[
            "--home",
            &home,
            "--json",
            "sandbox",
            "code",
            phone,
            "--operator-key",
            TEST_OPERATOR_KEY,
        ]))
        .await,
        "sandbox code",
    );
    assert_eq!((code, &v["purpose"]), (0, &Value::from("withdraw")));
    let (v, code) = one_object(
        &output(imwallet(&["--json", "qr", "parse", &payload])).await,
        "qr parse",
    );
    assert_eq!(code, 0, "{v}");
    let (v, code) = one_object(
        &output(imwallet(&["--json", "qr", "parse", "x"])).await,
        "qr bad",
    );
    assert_eq!(
        (code, &v["error"]["code"]),
        (2, &Value::from("invalid_payload"))
    );

    // Bad input, a usage error and no session: error objects, the usual codes.
    let (v, code) = one_object(&run(&["topup", "ten"], &[], "zh-CN").await, "bad amount");
    assert_eq!(
        (code, &v["error"]["code"]),
        (3, &Value::from("invalid_input"))
    );
    assert_eq!(v["error"]["field"], "amount");
    let (_, code) = one_object(&run(&["frobnicate"], &[], "en").await, "usage");
    assert_eq!(code, 64);
    // freeze: money stops (exit 7, account_frozen); unfreeze lifts it.
    let (v, code) = one_object(&run(&["freeze"], &[PASSWORD], "en").await, "freeze");
    assert_eq!(
        (code, &v["profile"]["status"]),
        (0, &Value::from("frozen")),
        "{v}"
    );
    let (v, code) = one_object(
        &run(
            &["pay", "-", "--amount", "1.00", "-y"],
            &[&payload, PASSWORD],
            "en",
        )
        .await,
        "frozen",
    );
    assert_eq!(
        (code, &v["error"]["code"]),
        (7, &Value::from("account_frozen")),
        "{v}"
    );
    let (v, code) = one_object(&run(&["unfreeze"], &[PASSWORD], "zh-CN").await, "unfreeze");
    assert_eq!(
        (code, &v["profile"]["status"]),
        (0, &Value::from("active")),
        "{v}"
    );
    let (v, _) = one_object(&run(&["security"], &[PASSWORD], "en").await, "security");
    assert_eq!(v["events"][0]["kind"], "unfrozen", "{v}");
    // password change: the current one, then the new one.
    let new = "json test password 2";
    let (v, code) = one_object(
        &run(&["password", "change"], &[PASSWORD, new], "en").await,
        "change",
    );
    assert_eq!(
        (code, &v["password_changed"]),
        (0, &Value::Bool(true)),
        "{v}"
    );
    let (v, code) = one_object(&run(&["balance"], &[PASSWORD], "en").await, "old password");
    assert_eq!(
        (code, &v["error"]["code"]),
        (4, &Value::from("wrong_password")),
        "{v}"
    );
    let (v, code) = one_object(&run(&["logout"], &[new], "en").await, "logout");
    assert_eq!((code, &v["logged_out"]), (0, &Value::Bool(true)));
    // password reset: the new password, then the code.
    let mut reset = Session::start(imwallet(&[
        "--home", &home, "--json", "password", "reset", phone,
    ]));
    reset.line(PASSWORD);
    reset.line(&server.next_code(phone, "reset_password", 0).await);
    let (v, code) = one_object(&reset.finish().await, "reset");
    assert_eq!((code, &v["password_reset"]), (0, &Value::Bool(true)), "{v}");
    let (v, code) = one_object(&run(&["balance"], &[new], "zh-CN").await, "after logout");
    assert_eq!(
        (code, &v["error"]["code"]),
        (6, &Value::from("not_logged_in"))
    );
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        !message.chars().any(|c| c >= '\u{2E80}'),
        "not language-neutral: {v}"
    );
}
