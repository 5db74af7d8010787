//! Bad input: each kind prints one human line on stderr (no backtrace, no
//! Debug dump) and exits with its own non-zero code (the table in
//! `imwallet --help`). The wrong-password case, which needs an account,
//! is in `terminal.rs` (exit 4).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_one_line_error, home, home_arg, imwallet, output, stdout};

/// A profile pointing at a loopback port where nothing listens.
fn dead_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

fn offline(home: &str, rest: &[&str]) -> std::process::Command {
    let server = dead_server();
    let mut args = vec!["--home", home, "--server", &server, "--api-key", "key"];
    args.extend_from_slice(rest);
    imwallet(&args)
}

#[tokio::test]
async fn an_unknown_subcommand_is_a_usage_error_64() {
    let line = assert_one_line_error(&output(imwallet(&["frobnicate"])).await, 64);
    assert!(line.contains("frobnicate"), "{line}");
    // clap's suggestion is kept, in both languages.
    let line = assert_one_line_error(&output(imwallet(&["balanse"])).await, 64);
    assert!(line.contains("did you mean balance?"), "{line}");
    let line = assert_one_line_error(
        &output(imwallet(&[
            "--lang",
            "zh-CN",
            "topup",
            "1",
            "--currensy",
            "X",
        ]))
        .await,
        64,
    );
    assert!(line.contains("您是不是要输入 --currency"), "{line}");
}

#[tokio::test]
async fn a_malformed_amount_is_refused_before_anything_else_with_3() {
    let dir = home();
    for amount in ["12.345", "ten", "-5"] {
        let line = assert_one_line_error(
            &output(offline(&home_arg(dir.path()), &["topup", amount])).await,
            3,
        );
        assert!(line.contains("invalid amount"), "{line}");
    }
}

#[tokio::test]
async fn an_invalid_payload_is_refused_with_2() {
    let dir = home();
    let line = assert_one_line_error(
        &output(offline(
            &home_arg(dir.path()),
            &["pay", "00020101021226", "--amount", "1.00"],
        ))
        .await,
        2,
    );
    assert!(line.contains("payload refused"), "{line}");
    // `qr parse --json` keeps its contract: a JSON error object and exit 2.
    let out = output(imwallet(&["qr", "parse", "--json", "nonsense"])).await;
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["error"]["kind"], "unsupported_format");
}

#[tokio::test]
async fn an_unreachable_server_is_5() {
    let dir = home();
    let server = dead_server();
    let home = home_arg(dir.path());
    let args = [
        "--home",
        &home,
        "--server",
        &server,
        "--api-key",
        "key",
        "register",
        "+8613800000001",
    ];
    let mut register = imwallet(&args);
    register.env("IMWALLET_PASSWORD", "whatever password");
    let line = assert_one_line_error(&output(register).await, 5);
    // The URL is named (a typo in --server shows), with what to do.
    assert!(
        line.contains(&format!("cannot reach the server at {server}")),
        "{line}"
    );
    assert!(line.contains("--server URL"), "{line}");
}

#[tokio::test]
async fn a_command_without_a_configured_server_is_9_and_help_lists_the_exit_codes() {
    let dir = home();
    let line = assert_one_line_error(
        &output(imwallet(&["--home", &home_arg(dir.path()), "balance"])).await,
        9,
    );
    assert!(line.contains("--server"), "{line}");
    let help = output(imwallet(&["--help"])).await;
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    assert!(text.contains("Exit codes:"), "{text}");
    assert!(text.contains("64   usage"), "{text}");
}

#[tokio::test]
async fn ctrl_c_while_waiting_for_input_stops_cleanly_with_130() {
    let dir = home();
    let mut command = offline(&home_arg(dir.path()), &["register", "+8613800000002"]);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    // Kept open until the process has exited: closing it first (as
    // wait_with_output does) races the signal with an end of input.
    let stdin = child.stdin.take();
    // The readiness marker: the process has installed its SIGINT handler
    // (the command then waits on stdin inside it). Before that, SIGINT
    // would kill it the default way and the test would prove nothing.
    wait_until_sigint_is_caught(child.id()).await;
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    drop(stdin);
    let line = assert_one_line_error(&out, 130);
    assert_eq!(line, "imwallet: interrupted");
}

/// Waits (bounded, 20 s) until process `pid` catches SIGINT, read from the
/// kernel's record of its signal dispositions: the `SigCgt` mask in
/// `/proc/<pid>/status` on Linux, `ps -o sigcatch=` elsewhere. SIGINT is
/// signal 2, bit 1 of the mask.
async fn wait_until_sigint_is_caught(pid: u32) {
    const SIGINT_BIT: u64 = 1 << 1;
    for _ in 0..2_000 {
        if caught_signals(pid).is_some_and(|mask| mask & SIGINT_BIT != 0) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("process {pid} never installed its Ctrl-C handler");
}

/// The mask of signals `pid` catches, if it can be read.
fn caught_signals(pid: u32) -> Option<u64> {
    let hex = if cfg!(target_os = "linux") {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))?
            .trim()
            .to_owned()
    } else {
        let out = std::process::Command::new("ps")
            .args(["-o", "sigcatch=", "-p", &pid.to_string()])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    u64::from_str_radix(&hex, 16).ok()
}

#[tokio::test]
async fn a_negative_count_is_invalid_input_3_not_a_usage_error() {
    let dir = home();
    let home = home_arg(dir.path());
    for args in [
        vec!["pay", "000201", "--points", "-5"],
        vec!["quote", "payment", "1.00", "--points", "-1"],
        vec!["history", "--limit", "-3"],
        vec!["history", "--limit", "many"],
    ] {
        let line = assert_one_line_error(&output(offline(&home, &args)).await, 3);
        assert!(line.contains("invalid"), "{args:?}: {line}");
    }
    // An unknown option stays a usage error.
    assert_one_line_error(
        &output(offline(&home, &["history", "--lmit", "3"])).await,
        64,
    );
}

#[tokio::test]
async fn bytes_that_are_not_utf8_on_stdin_are_a_json_refusal_with_2() {
    use std::io::Write;
    let mut command = imwallet(&["qr", "parse", "--json", "-"]);
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&[b'0', b'0', 0xc3, 0x28, b'\n'])
        .unwrap();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["error"]["kind"], "malformed");
    assert_eq!(v["error"]["offset"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_api_key_is_explained_before_the_password_is_asked_for() {
    let server = common::Server::start().await;
    let dir = home();
    let home = home_arg(dir.path());
    for lang in ["en", "zh-CN"] {
        // No password on stdin: were it asked for first, this would be
        // "standard input ended" (exit 3).
        let out = output(imwallet(&[
            "--lang",
            lang,
            "--home",
            &home,
            "--server",
            &server.url,
            "--api-key",
            "not-a-key",
            "login",
            "+8613800000003",
        ]))
        .await;
        let line = assert_one_line_error(&out, 9);
        assert!(
            line.contains(&server.url) && line.contains("--api-key"),
            "{line}"
        );
    }
}
