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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_whose_code_was_lost_is_resumed_by_cards_add() {
    let server = Server::start().await;
    let dir = home();
    let home = home_arg(dir.path());
    let phone = "+8613700002004";
    // Registered and logged in, no card yet.
    for (purpose, args) in [
        ("register", vec!["register", phone]),
        ("login", vec!["login", phone]),
    ] {
        let mut argv = vec![
            "--home",
            &home,
            "--server",
            &server.url,
            "--api-key",
            &server.api_key,
        ];
        argv.extend(args);
        let mut s = Session::start(imwallet(&argv));
        s.line("sign-up test password");
        let code = server.next_code(phone, purpose, 0).await;
        s.line(&code);
        assert_ok(&s.finish().await);
    }
    let add = |lines: Vec<String>| {
        let mut s = Session::start(imwallet(&[
            "--home",
            &home,
            "cards",
            "add",
            "5555555555554444",
            "--expiry",
            "12/2099",
            "--holder",
            "Mei Chen",
        ]));
        for l in lines {
            s.line(&l);
        }
        s
    };
    // The first attempt ends before its code is typed.
    let before = server.codes(phone, "bind_card").await.len();
    let out = add(vec!["sign-up test password".into()]).finish().await;
    assert_eq!(out.status.code(), Some(3), "{}", common::stderr(&out));
    server.next_code(phone, "bind_card", before).await;
    // `cards add` again resumes that card (a new code, or, this soon, the
    // newest one still stands).
    let mut again = add(vec!["sign-up test password".into()]);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let code = server.next_code(phone, "bind_card", 0).await;
    again.line(&code);
    let out = again.finish().await;
    assert_ok(&out);
    assert!(common::stdout(&out).contains("waiting for its code"));
    assert!(common::stdout(&out).contains("Card bound"));
}
