//! `imwallet shell` (issue 16 item 3) driven with stdin not a terminal
//! (line mode): one password, then several commands, a money movement with
//! its confirmation, a usage error that does not end the session, `exit`;
//! in both languages. Against a sandbox started by the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Server, Session, assert_ok, home, home_arg, imwallet, sign_up, stderr, stdout};

const PASSWORD: &str = "shell test password";

async fn session(lang: &str, phone: &str, topped_up: &str, hello: &str) {
    let server = Server::start().await;
    let dir = home();
    let home = home_arg(dir.path());
    sign_up(&server, &home, phone, PASSWORD).await;
    let mut shell = Session::start(imwallet(&["--lang", lang, "--home", &home, "shell"]));
    shell.line(PASSWORD); // the only time
    shell.line("balance");
    shell.line("topup 10.00");
    shell.line("y");
    shell.line("frobnicate");
    shell.line("--json balance");
    shell.line("history --limit 5");
    shell.line("exit");
    shell.line("balance"); // after exit: never read
    let out = shell.finish().await;
    assert_ok(&out);
    let text = stdout(&out);
    let err = stderr(&out);
    assert!(text.contains(hello), "{text}");
    assert!(text.contains(topped_up), "{text}\n{err}");
    // The --json line printed one object with the new balance.
    let object = text
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| panic!("no JSON line: {text}"));
    let v: serde_json::Value = serde_json::from_str(object).unwrap();
    assert_eq!(v["balances"][0]["amount"], "9.99", "{v}");
    // The misspelt command was one error line; the session went on.
    assert_eq!(err.matches("frobnicate").count(), 1, "{err}");
    // No second password prompt was needed: every line after the first was
    // a command (a wrong-password error would show on stderr).
    assert!(!err.contains("password"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_session_runs_several_commands_with_one_password_in_english() {
    session("en", "+8613700003001", "top-up completed", "Unlocked.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shell_session_runs_several_commands_with_one_password_in_chinese() {
    session("zh-CN", "+8613700003002", "充值", "已解锁").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_shell_forgets_the_password_and_asks_again() {
    let server = Server::start().await;
    let dir = home();
    let home = home_arg(dir.path());
    sign_up(&server, &home, "+8613700003003", PASSWORD).await;
    let mut shell = Session::start(imwallet(&["--home", &home, "shell", "--lock-after", "1"]));
    shell.line(PASSWORD);
    // Idle for longer than --lock-after: the next command asks again, and
    // the next stdin line is that password.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    shell.line("balance");
    shell.line(PASSWORD);
    shell.line("exit");
    let out = shell.finish().await;
    assert_ok(&out);
    let err = stderr(&out);
    assert!(err.contains("Locked after 1 s"), "{err}");
    assert_eq!(
        stdout(&out).matches("Balance").count(),
        2,
        "{}",
        stdout(&out)
    );
}
