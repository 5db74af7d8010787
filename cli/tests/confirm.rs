//! Money never moves silently (issue 16, item 4): top-up, pay, transfer
//! and withdraw show the quote with the payee and ask; a declined or
//! unanswered question moves nothing (checked in the sandbox's ledger) and
//! exits 10 in either language; `--yes` (or a typed yes) goes ahead. The
//! payer's receipt shows what the payer paid, not the merchant's fee.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    Server, Session, assert_ok, assert_one_line_error, home, home_arg, imwallet, ledger_minor,
    sign_up, stdout,
};

const PASSWORD: &str = "confirm test password";

/// `imwallet --home H [--lang L] args...` with scripted stdin lines.
async fn run(home: &str, lang: &str, args: &[&str], lines: &[&str]) -> std::process::Output {
    let mut all = vec!["--home", home, "--lang", lang];
    all.extend_from_slice(args);
    let mut session = Session::start(imwallet(&all));
    for l in lines {
        session.line(l);
    }
    session.finish().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_confirmation_moves_nothing_in_either_language_and_yes_goes_ahead() {
    let server = Server::start().await;
    let (_, payload) = server.merchant().await;
    let dir = home();
    let home = home_arg(dir.path());
    let phone = "+8613700005678";
    let user = sign_up(&server, &home, phone, PASSWORD).await;
    assert_eq!(ledger_minor(&server, &user), 0);

    // Top-up declined: English "n", Chinese "否", and no answer at all.
    let out = run(&home, "en", &["topup", "500.00"], &[PASSWORD, "n"]).await;
    let line = assert_one_line_error(&out, 10);
    assert!(line.contains("not confirmed: nothing was moved"), "{line}");
    let shown = stdout(&out);
    assert!(shown.contains("Top-up from Visa •••• 4242"), "{shown}");
    assert!(shown.contains("fee:       0.50 CNY"), "{shown}");
    assert!(shown.contains("arrives:   499.50 CNY"), "{shown}");
    let out = run(&home, "zh-CN", &["topup", "500.00"], &[PASSWORD, "否"]).await;
    let line = assert_one_line_error(&out, 10);
    assert!(line.contains("未确认：没有资金变动"), "{line}");
    assert!(
        stdout(&out).contains("从 Visa •••• 4242 充值"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("手续费"), "{}", stdout(&out));
    let out = run(&home, "en", &["topup", "500.00"], &[PASSWORD]).await;
    assert_one_line_error(&out, 10);
    assert_eq!(
        ledger_minor(&server, &user),
        0,
        "a declined top-up moved money"
    );

    // --yes goes ahead without a question; a typed "是" does too.
    let out = run(&home, "en", &["topup", "500.00", "--yes"], &[PASSWORD]).await;
    assert_ok(&out);
    assert_eq!(ledger_minor(&server, &user), 49_950);
    let out = run(&home, "zh-CN", &["topup", "100.00"], &[PASSWORD, "是"]).await;
    assert_ok(&out);
    assert_eq!(ledger_minor(&server, &user), 49_950 + 9_990);
    let balance = 49_950 + 9_990;

    // Pay declined in both languages: the merchant's name and city are
    // shown, and the merchant's fee is not the payer's.
    for (lang, no, payee) in [
        ("en", "no", "Payment to Tea House, Hangzhou"),
        ("zh-CN", "n", "付款给 Tea House（Hangzhou）"),
    ] {
        let out = run(
            &home,
            lang,
            &["pay", "-", "--amount", "12.50"],
            &[&payload, PASSWORD, no],
        )
        .await;
        assert_one_line_error(&out, 10);
        let shown = stdout(&out);
        assert!(shown.contains(payee), "{shown}");
        assert!(
            shown.contains("none for you") || shown.contains("由商户承担"),
            "{shown}"
        );
    }
    assert_eq!(
        ledger_minor(&server, &user),
        balance,
        "a declined payment moved money"
    );

    // Pay confirmed: the receipt says what the payer paid.
    let out = run(
        &home,
        "en",
        &["pay", "-", "--amount", "12.50"],
        &[&payload, PASSWORD, "y"],
    )
    .await;
    assert_ok(&out);
    let receipt = stdout(&out);
    assert!(
        receipt.contains("payment completed: amount 12.50 CNY, you paid 12.50 CNY"),
        "{receipt}"
    );
    let balance = balance - 1_250;
    assert_eq!(ledger_minor(&server, &user), balance);

    // Transfer declined in both languages: the phone is masked.
    for (lang, payee) in [
        ("en", "Transfer to +86139****0000"),
        ("zh-CN", "转账给 +86139****0000"),
    ] {
        let out = run(
            &home,
            lang,
            &["transfer", "+8613900000000", "5.00"],
            &[PASSWORD, ""],
        )
        .await;
        assert_one_line_error(&out, 10);
        assert!(stdout(&out).contains(payee), "{}", stdout(&out));
    }
    assert_eq!(
        ledger_minor(&server, &user),
        balance,
        "a declined transfer moved money"
    );

    // Withdraw declined in both languages: not even a code is sent.
    for lang in ["en", "zh-CN"] {
        let out = run(&home, lang, &["withdraw", "20.00"], &[PASSWORD, "n"]).await;
        assert_one_line_error(&out, 10);
    }
    assert!(server.codes(phone, "withdraw").await.is_empty());
    assert_eq!(
        ledger_minor(&server, &user),
        balance,
        "a declined withdrawal moved money"
    );

    // Withdraw with -y: the code is the next line.
    let mut withdraw = Session::start(imwallet(&["--home", &home, "withdraw", "20.00", "-y"]));
    withdraw.line(PASSWORD);
    let code = server.next_code(phone, "withdraw", 0).await;
    withdraw.line(&code);
    let out = withdraw.finish().await;
    assert_ok(&out);
    assert!(
        stdout(&out).contains("Withdrawal to Visa •••• 4242"),
        "{}",
        stdout(&out)
    );
    assert_eq!(ledger_minor(&server, &user), balance - 2_000);
    // paycode --watch draws a fresh code every --every seconds until Ctrl-C.
    let mut watch = imwallet(&["--home", &home, "paycode", "--watch", "--every", "1"]);
    watch
        .env("IMWALLET_PASSWORD", PASSWORD)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = watch.spawn().unwrap();
    // Read until two different codes were drawn (bounded by the test's
    // own timeout), then Ctrl-C.
    let reader = child.stdout.take().unwrap();
    // The reader stays open until the end: a closed stdout would end the
    // watch on its own (quietly), not by Ctrl-C.
    let (codes, _reader) = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut codes: Vec<String> = Vec::new();
        let mut reader = std::io::BufReader::new(reader);
        let mut line = String::new();
        while codes.len() < 2 && reader.read_line(&mut line).unwrap() > 0 {
            let l = line.trim_end().to_owned();
            if l.starts_with("IMWPAY1.") && codes.last() != Some(&l) {
                codes.push(l);
            }
            line.clear();
        }
        (codes, reader)
    })
    .await
    .unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", common::stderr(&out));
    assert!(codes.len() >= 2, "one code only: {codes:?}");
    let mut both = imwallet(&["--home", &home, "--json", "paycode", "--watch"]);
    both.env("IMWALLET_PASSWORD", PASSWORD);
    let out = common::output(both).await;
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));

    // Nothing was left open by the declined runs.
    let out = run(&home, "zh-CN", &["ops", "list"], &[PASSWORD]).await;
    assert_ok(&out);
    assert!(
        stdout(&out).contains("没有未结束的资金操作"),
        "{}",
        stdout(&out)
    );
    server.assert_ledger_sound();
}
