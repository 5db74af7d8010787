//! Helpers for driving the built `imwallet` binary as a subprocess against
//! a sandbox started in the test process (real HTTP on loopback).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use imwallet_protocol::money::Money;
use imwallet_sandbox::Sandbox;
use imwallet_sandbox::clock::SystemClock;
use imwallet_sandbox::config::{Config, TEST_OPERATOR_KEY};
use imwallet_sandbox::ledger::{LedgerStore, SqliteLedger};
use serde_json::{Value, json};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_imwallet");

/// A sandbox in this process and an app on it.
pub struct Server {
    pub sandbox: Sandbox,
    pub url: String,
    pub api_key: String,
    http: reqwest::Client,
    /// The directory of the sandbox's database file (declared last:
    /// removed after the sandbox is dropped).
    _db_dir: tempfile::TempDir,
}

impl Server {
    /// Starts the sandbox (cheap server-side hashing) on a database file in
    /// a temporary directory, opened as in production (WAL,
    /// `synchronous=NORMAL`), and creates an app.
    pub async fn start() -> Server {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let db_dir = tempfile::Builder::new()
            .prefix("imwallet-cli-test-")
            .tempdir()
            .unwrap();
        let db = db_dir.path().join("sandbox.db");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sandbox = Sandbox::start(
            listener,
            db.to_str().unwrap(),
            Config::for_tests(),
            Arc::new(SystemClock),
        )
        .await
        .unwrap();
        let url = sandbox.base_url();
        let http = reqwest::Client::new();
        let app: Value = http
            .post(format!("{url}/v1/apps"))
            .json(&json!({"name": "cli tests"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let api_key = app["api_key"].as_str().unwrap().to_owned();
        Server {
            sandbox,
            url,
            api_key,
            http,
            _db_dir: db_dir,
        }
    }

    /// `GET path` with the app's key.
    pub async fn get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}{path}", self.url))
            .header("X-Api-Key", &self.api_key)
            .header("X-Sandbox-Operator-Key", TEST_OPERATOR_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// `POST path` with the app's key (and the operator credential).
    pub async fn post(&self, path: &str, body: Value) -> Value {
        self.http
            .post(format!("{}{path}", self.url))
            .header("X-Api-Key", &self.api_key)
            .header("X-Sandbox-Operator-Key", TEST_OPERATOR_KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Codes sent to `destination` for `purpose`, newest first.
    pub async fn codes(&self, destination: &str, purpose: &str) -> Vec<String> {
        let outbox = self
            .get(&format!(
                "/v1/sandbox/outbox?destination={}",
                destination.replace('+', "%2B")
            ))
            .await;
        outbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["purpose"] == purpose)
            .map(|m| m["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Waits (bounded) for a code newer than the `before` ones.
    pub async fn next_code(&self, destination: &str, purpose: &str, before: usize) -> String {
        for _ in 0..400 {
            let codes = self.codes(destination, purpose).await;
            if codes.len() > before {
                return codes[0].clone();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no {purpose} code was sent to {destination}");
    }

    /// A merchant and its static counter QR payload.
    pub async fn merchant(&self) -> (String, String) {
        let m = self
            .post(
                "/v1/merchants",
                json!({"name": "Tea House", "city": "Hangzhou", "currency": "CNY"}),
            )
            .await;
        let id = m["merchant_id"].as_str().unwrap().to_owned();
        let qr = self.get(&format!("/v1/merchants/{id}/qr")).await;
        (id, qr["payload"].as_str().unwrap().to_owned())
    }

    /// The ledger's balances of `owner` (`user:<id>`, `merchant:<id>`).
    pub fn ledger(&self, owner: &str) -> Vec<Money> {
        let owner = owner.to_owned();
        self.sandbox
            .state()
            .db
            .read(move |c| Ok(SqliteLedger::new(c).balances_of(&owner)?))
            .unwrap()
    }

    /// Asserts the ledger's invariants hold.
    pub fn assert_ledger_sound(&self) {
        let report = self.sandbox.check_ledger().unwrap();
        assert!(report.is_sound(), "{:?}", report.violations);
    }
}

/// An `imwallet` command with a clean environment for the profile.
pub fn imwallet(args: &[&str]) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("IMWALLET_SERVER")
        .env_remove("IMWALLET_API_KEY")
        .env_remove("IMWALLET_PASSWORD")
        .env_remove("IMWALLET_HOME")
        .env_remove("IMWALLET_SANDBOX_OPERATOR_KEY")
        // English unless a test asks for another language (`--lang` or
        // its own IMWALLET_LANG), whatever the machine's locale is.
        .env("IMWALLET_LANG", "en")
        .stdin(Stdio::null());
    c
}

/// Runs a command to the end, off the async workers (the sandbox keeps
/// serving meanwhile).
pub async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

/// A running command whose stdin the test types into.
pub struct Session {
    child: Child,
}

impl Session {
    /// Starts `command` with piped stdin, stdout and stderr.
    pub fn start(mut command: Command) -> Session {
        let child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Session { child }
    }

    /// Types one line.
    pub fn line(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
    }

    /// Closes stdin and waits for the end.
    pub async fn finish(mut self) -> Output {
        drop(self.child.stdin.take());
        tokio::task::spawn_blocking(move || self.child.wait_with_output().unwrap())
            .await
            .unwrap()
    }
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success, showing stderr otherwise.
#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

/// Asserts a failure with `code` and exactly one human line on stderr.
#[track_caller]
pub fn assert_one_line_error(o: &Output, code: i32) -> String {
    let err = stderr(o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "stderr: {err}\nstdout: {}",
        stdout(o)
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {err:?}");
    let line = lines[0];
    assert!(line.starts_with("imwallet: "), "{line}");
    for noise in ["panicked", "backtrace", "RUST_BACKTRACE", " { ", "Error {"] {
        assert!(!line.contains(noise), "{line}");
    }
    line.to_owned()
}

/// A fresh profile directory.
pub fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `--home DIR`
pub fn home_arg(dir: &Path) -> String {
    dir.display().to_string()
}

/// Registers `phone` through the CLI, logs in and binds the test card
/// 4242…4242, in the profile `home` (the server and key are saved there);
/// returns the user id.
pub async fn sign_up(server: &Server, home: &str, phone: &str, password: &str) -> String {
    let before = server.codes(phone, "register").await.len();
    let mut register = Session::start(imwallet(&[
        "--home",
        home,
        "--server",
        &server.url,
        "--api-key",
        &server.api_key,
        "register",
        phone,
        "--name",
        "Mei",
    ]));
    register.line(password);
    let code = server.next_code(phone, "register", before).await;
    register.line(&code);
    let out = register.finish().await;
    assert_ok(&out);
    let text = stdout(&out);
    let user_id = text
        .split("(user ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap()
        .to_owned();
    let mut login = Session::start(imwallet(&["--home", home, "login", phone]));
    login.line(password);
    let code = server.next_code(phone, "login", 0).await;
    login.line(&code);
    assert_ok(&login.finish().await);
    let mut add = Session::start(imwallet(&[
        "--home",
        home,
        "cards",
        "add",
        "4242424242424242",
        "--expiry",
        "12/2099",
        "--holder",
        "Mei Chen",
    ]));
    add.line(password);
    let code = server.next_code(phone, "bind_card", 0).await;
    add.line(&code);
    assert_ok(&add.finish().await);
    user_id
}

/// The user's ledger balance in minor units (0 when nothing was posted).
pub fn ledger_minor(server: &Server, user_id: &str) -> i64 {
    server
        .ledger(&format!("user:{user_id}"))
        .first()
        .map_or(0, |m| m.minor)
}
