//! `imwallet demo` as a subprocess: it exits 0 and the final balances of
//! its `--json` transcript are what the sandbox ledger holds.
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
