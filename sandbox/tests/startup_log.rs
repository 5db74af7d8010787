//! The real `imwallet-sandbox` binary says in its startup log whether the
//! operator endpoints are on, and that they need the operator credential
//! (issue 10, item 10). The credential itself never reaches the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Kills the started server when the test ends, also on a failed assert.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary with `extra` arguments and returns its log lines up to
/// and including the `sandbox listening` line.
fn startup_log(extra: &[&str]) -> Vec<String> {
    let child = Command::new(env!("CARGO_BIN_EXE_imwallet-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--db", ":memory:"])
        .args(extra)
        .env_remove("IMWALLET_SANDBOX_OPERATOR_KEY")
        .env_remove("IMWALLET_SANDBOX_NO_SANDBOX_ENDPOINTS")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sandbox binary starts");
    let mut server = Server(child);
    let stdout = server.0.stdout.take().expect("piped stdout");
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("a log line");
        let done = line.contains("sandbox listening");
        lines.push(line);
        if done {
            return lines;
        }
    }
    panic!("the sandbox exited before it listened; log: {lines:#?}");
}

#[test]
fn startup_log_says_the_operator_endpoints_are_on_and_need_the_operator_key() {
    let secret = "op-key-that-must-not-be-logged-7f3a";
    let log = startup_log(&["--operator-key", secret]);
    let line = log
        .iter()
        .find(|l| l.contains("operator endpoints are ON"))
        .unwrap_or_else(|| panic!("no operator line in {log:#?}"));
    assert!(line.contains("WARN"), "a warning, not info: {line}");
    assert!(
        line.contains("X-Sandbox-Operator-Key"),
        "names the credential header: {line}"
    );
    assert!(line.contains("/v1/sandbox/"), "names the endpoints: {line}");
    assert!(
        log.iter().all(|l| !l.contains(secret)),
        "the operator key is in the log: {log:#?}"
    );
}

#[test]
fn startup_log_says_the_operator_endpoints_are_off_without_the_operator_key() {
    let log = startup_log(&[]);
    assert!(
        log.iter().any(|l| l.contains("operator endpoints are off")),
        "no operator line in {log:#?}"
    );
    assert!(log.iter().all(|l| !l.contains("are ON")), "{log:#?}");
}

#[test]
fn startup_log_says_the_operator_endpoints_are_off_when_the_sandbox_endpoints_are() {
    let log = startup_log(&["--operator-key", "k", "--no-sandbox-endpoints"]);
    assert!(
        log.iter().any(|l| l.contains("operator endpoints are off")),
        "no operator line in {log:#?}"
    );
}
