//! `imwallet sandbox code`: the newest code sent to a destination, of any
//! purpose unless `--purpose` names one; the code alone on stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, assert_ok, imwallet, output, stderr, stdout};
use imwallet_sandbox::config::TEST_OPERATOR_KEY;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_newest_code_of_any_purpose_is_shown_unless_a_purpose_is_named() {
    let server = Server::start().await;
    let phone = "+8613800000077";
    server
        .post(
            "/v1/verification-codes",
            json!({"purpose": "register", "destination": phone}),
        )
        .await;
    let register = server.next_code(phone, "register", 0).await;
    let ask = |purpose: Option<&str>| {
        let mut args = vec![
            "--server",
            &server.url,
            "--api-key",
            &server.api_key,
            "--home",
            "/nonexistent-imwallet-home",
            "sandbox",
            "code",
            phone,
            "--operator-key",
            TEST_OPERATOR_KEY,
        ];
        if let Some(p) = purpose {
            args.extend_from_slice(&["--purpose", p]);
        }
        imwallet(&args)
    };
    let any = output(ask(None)).await;
    assert_ok(&any);
    assert_eq!(stdout(&any).trim(), register);
    assert!(stderr(&any).contains("register"), "{}", stderr(&any));
    let named = output(ask(Some("register"))).await;
    assert_ok(&named);
    assert_eq!(stdout(&named).trim(), register);
    // No login code was sent: naming that purpose is refused (exit 7).
    let none = output(ask(Some("login"))).await;
    assert_eq!(none.status.code(), Some(7), "{}", stderr(&none));
}
