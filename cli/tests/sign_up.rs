//! Sign-up never loses a code (issue 16 item 2): the password rule is
//! checked before a code is sent, and a wrong code is asked for again in
//! the same process, in both languages; scripted stdin against a sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, Session, assert_ok, assert_one_line_error, home, home_arg, imwallet};

/// A code of the same length that is surely not `code`.
fn wrong(code: &str) -> String {
    code.chars()
        .map(|c| if c == '1' { '2' } else { '1' })
        .collect()
}

async fn wrong_then_right(lang: &str, phone: &str, again: &str, done: &str) {
    let server = Server::start().await;
    let dir = home();
    let home = home_arg(dir.path());
    let mut register = Session::start(imwallet(&[
        "--lang",
        lang,
        "--home",
        &home,
        "--server",
        &server.url,
        "--api-key",
        &server.api_key,
        "register",
        phone,
        "--name",
        "Mei",
    ]));
    register.line("sign-up test password");
    let code = server.next_code(phone, "register", 0).await;
    register.line(&wrong(&code));
    register.line(&code);
    let out = register.finish().await;
    assert_ok(&out);
    let err = common::stderr(&out);
    assert!(err.contains(again), "{err}");
    let text = common::stdout(&out);
    assert!(text.contains(done), "{text}");
    // One code was sent: the retry used it, no second one.
    assert_eq!(server.codes(phone, "register").await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_is_asked_for_again_in_english() {
    wrong_then_right(
        "en",
        "+8613700002001",
        "That code is wrong",
        "Registered Mei",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_is_asked_for_again_in_chinese() {
    wrong_then_right("zh-CN", "+8613700002002", "验证码不对", "Mei").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_password_is_refused_before_a_code_is_sent() {
    let server = Server::start().await;
    let dir = home();
    let home = home_arg(dir.path());
    for (lang, rule) in [("en", "8 to 256 characters"), ("zh-CN", "8 到 256 个字符")] {
        let mut register = Session::start(imwallet(&[
            "--lang",
            lang,
            "--home",
            &home,
            "--server",
            &server.url,
            "--api-key",
            &server.api_key,
            "register",
            "+8613700002003",
        ]));
        register.line("short");
        let out = register.finish().await;
        let line = assert_one_line_error(&out, 3);
        assert!(line.contains(rule), "{line}");
    }
    assert!(server.codes("+8613700002003", "register").await.is_empty());
}
