//! `imwallet demo` as a subprocess: it exits 0 and the final balances of
//! its `--json` transcript are what the sandbox ledger holds; it narrates in
//! the POSIX locale's language and its `--json` is the same in both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, assert_ok, imwallet, output, stdout};
use imwallet_protocol::money::Money;
use serde_json::Value;

fn balances(v: &Value) -> Vec<Money> {
    serde_json::from_value(v.clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_against_a_sandbox_ends_with_the_ledger_balances() {
    let server = Server::start().await;
    let out = output(imwallet(&[
        "demo",
        "--json",
        "--server",
        &server.url,
        "--operator-key",
        imwallet_sandbox::config::TEST_OPERATOR_KEY,
    ]))
    .await;
    assert_ok(&out);
    let doc: Value = serde_json::from_str(&stdout(&out)).expect("one JSON document on stdout");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["embedded"], false);

    let alice = doc["users"]["alice"]["user_id"].as_str().unwrap();
    let bob = doc["users"]["bob"]["user_id"].as_str().unwrap();
    let merchant = doc["merchant"]["merchant_id"].as_str().unwrap();
    let finals = &doc["final_balances"];
    assert_eq!(
        balances(&finals["alice"]),
        server.ledger(&format!("user:{alice}"))
    );
    assert_eq!(
        balances(&finals["bob"]),
        server.ledger(&format!("user:{bob}"))
    );
    assert_eq!(
        balances(&finals["merchant"]),
        server.ledger(&format!("merchant:{merchant}"))
    );
    // Amounts are decimal strings with their currency.
    assert!(finals["alice"][0]["amount"].as_str().unwrap().contains('.'));
    assert_eq!(finals["alice"][0]["currency"], "CNY");
    // Every user-visible step is in the transcript; the histories explain it.
    let steps = doc["steps"].as_array().unwrap();
    assert!(steps.len() >= 20, "{} steps", steps.len());
    let alice_history = doc["histories"]["alice"].as_array().unwrap();
    let kinds: Vec<&str> = alice_history
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    for kind in ["top_up", "payment", "transfer", "withdrawal"] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    assert!(doc["points"]["alice"].as_i64().unwrap() > 0);
    assert!(
        !doc["spending_summary"]["alice"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let timing = &doc["timing"];
    assert!(timing["kdf_ms"].as_f64().unwrap() > 0.0);
    assert!(
        timing["total_excluding_kdf_ms"].as_f64().unwrap() <= timing["total_ms"].as_f64().unwrap()
    );
    server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_embedded_demo_reports_a_sound_ledger_that_matches_its_balances() {
    let out = output(imwallet(&["demo", "--json"])).await;
    assert_ok(&out);
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["embedded"], true);
    assert_eq!(doc["ledger"]["sound"], true);
    for who in ["alice", "bob", "merchant"] {
        assert_eq!(
            balances(&doc["final_balances"][who]),
            balances(&doc["ledger"]["balances"][who]),
            "{who}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_narrated_demo_shows_amounts_a_qr_and_the_history_tables() {
    let out = output(imwallet(&["demo"])).await;
    assert_ok(&out);
    let text = stdout(&out);
    for expected in [
        "== Top-up",
        "fee 1.00 CNY",
        "points earned",
        "discount 5.00 CNY",
        "▀",
        "== Histories",
        "│ when (",
        "Sandbox ledger check: sound",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

/// `imwallet demo` under a POSIX locale only (no language variable of ours).
fn demo_in(lang: &str, json: bool) -> std::process::Command {
    let mut c = imwallet(if json { &["demo", "--json"] } else { &["demo"] });
    c.env_remove("IMWALLET_LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", lang);
    c
}

/// Whether `text` has a CJK character.
fn has_cjk(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || ('\u{3000}'..='\u{303F}').contains(&c))
}

/// A transcript with what differs from run to run (ids, phones, codes,
/// amounts of time, timestamps, the port) blanked: every string or number
/// token that holds a digit becomes `#`.
fn stable(v: &Value) -> Value {
    fn blank(s: &str) -> String {
        s.split(' ')
            .map(|w| {
                if w.chars().any(|c| c.is_ascii_digit()) {
                    "#"
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
    match v {
        Value::String(s) => Value::String(blank(s)),
        Value::Number(_) => Value::String("#".into()),
        Value::Array(a) => Value::Array(a.iter().map(stable).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), stable(v))).collect()),
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_narrates_in_the_locale_and_its_json_is_the_same_in_both() {
    let zh = output(demo_in("zh_CN.UTF-8", false)).await;
    assert_ok(&zh);
    let zh = stdout(&zh);
    for expected in [
        "== 充值",
        "== 扫码付款",
        "注册成功",
        "沙盒账本检查：一致",
        "¥1,000.00",
    ] {
        assert!(zh.contains(expected), "missing {expected:?} in:\n{zh}");
    }
    for english in [
        "== Top-up",
        "registered as user",
        "Sandbox ledger check",
        "quote for",
    ] {
        assert!(!zh.contains(english), "English {english:?} in:\n{zh}");
    }
    let en = output(demo_in("en_US.UTF-8", false)).await;
    assert_ok(&en);
    let en = stdout(&en);
    assert!(
        en.contains("== Top-up") && en.contains("1,000.00 CNY"),
        "{en}"
    );
    assert!(!has_cjk(&en), "Chinese in the English narration:\n{en}");

    let zh = output(demo_in("zh_CN.UTF-8", true)).await;
    let en = output(demo_in("en_US.UTF-8", true)).await;
    assert_ok(&zh);
    assert_ok(&en);
    let zh: Value = serde_json::from_str(&stdout(&zh)).unwrap();
    let en: Value = serde_json::from_str(&stdout(&en)).unwrap();
    let zh_text = zh.to_string();
    assert!(
        !has_cjk(&zh_text) && !zh_text.contains('¥'),
        "the zh-CN transcript is not language-neutral"
    );
    assert_eq!(stable(&zh), stable(&en));
    assert!(zh["steps"].as_array().unwrap().len() > 20);
}
