//! Helpers shared by the end-to-end tests: start the real sandbox in-process
//! on an ephemeral loopback port, a tiny HTTP/1.1 client, the OpenAPI
//! response validator that checks every response the client receives, and
//! the common user journeys (app, registration, login, card, top-up).
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod chaos;
pub mod spec;
pub mod wallet;

use imwallet_sandbox::Sandbox;
use imwallet_sandbox::clock::{Clock, ManualClock, SystemClock};
use imwallet_sandbox::config::Config;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A sandbox running inside the test process.
pub struct TestServer {
    /// The server.
    pub sandbox: Sandbox,
    /// The manual clock, if the server was started with one.
    pub clock: Option<ManualClock>,
    /// The temporary directory of the database file, removed when the
    /// server is dropped (declared last: dropped after the sandbox).
    db_dir: Option<tempfile::TempDir>,
}

/// 2026-01-15T00:00:00Z, a fixed start for manual clocks.
pub const T0: i64 = 1_768_435_200_000;

impl TestServer {
    /// Starts a sandbox with test config and the wall clock, on a database
    /// file in a temporary directory (WAL, the production pragmas).
    pub async fn start() -> TestServer {
        TestServer::start_with(Config::for_tests(), false).await
    }

    /// Starts a sandbox with a manual clock at [`T0`].
    pub async fn start_manual() -> TestServer {
        TestServer::start_with(Config::for_tests(), true).await
    }

    /// Starts a sandbox with the given config; `manual` selects the clock.
    /// The database is a fresh file in a temporary directory, opened as in
    /// production (WAL, `synchronous=NORMAL`): what the tests see is what
    /// a deployed server does, fsyncs at checkpoints included.
    pub async fn start_with(config: Config, manual: bool) -> TestServer {
        let dir = tempfile::Builder::new()
            .prefix("imwallet-e2e-")
            .tempdir()
            .unwrap();
        let db = dir.path().join("sandbox.db");
        let mut server = TestServer::start_at(config, manual, db.to_str().unwrap()).await;
        server.db_dir = Some(dir);
        server
    }

    /// Starts a sandbox on SQLite's `:memory:` database (no WAL, no file,
    /// no fsync). Only for a test that says in a comment why a file does
    /// not suit it; everything else uses [`TestServer::start_with`].
    pub async fn start_in_memory(config: Config, manual: bool) -> TestServer {
        TestServer::start_at(config, manual, ":memory:").await
    }

    /// The database file, when the server runs on one this helper created.
    pub fn db_path(&self) -> Option<std::path::PathBuf> {
        self.db_dir.as_ref().map(|d| d.path().join("sandbox.db"))
    }

    /// Starts a sandbox on a database path (the caller owns the file).
    pub async fn start_at(config: Config, manual: bool, db: &str) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let clock = manual.then(|| ManualClock::new(T0));
        let dyn_clock: Arc<dyn Clock> = match &clock {
            Some(c) => Arc::new(c.clone()),
            None => Arc::new(SystemClock),
        };
        let sandbox = Sandbox::start(listener, db, config, dyn_clock)
            .await
            .unwrap();
        TestServer {
            sandbox,
            clock,
            db_dir: None,
        }
    }

    /// An anonymous client (no API key).
    pub fn client(&self) -> Client {
        Client {
            addr: self.sandbox.addr().to_string(),
            api_key: None,
            token: None,
            operator_key: None,
        }
    }

    /// Moves the manual clock forward.
    pub fn advance_s(&self, seconds: i64) {
        self.clock
            .as_ref()
            .expect("manual clock")
            .advance_s(seconds);
    }

    /// Asserts every ledger invariant holds.
    pub fn assert_ledger_sound(&self) {
        let report = self.sandbox.check_ledger().unwrap();
        assert!(
            report.is_sound(),
            "ledger violations: {:?}",
            report.violations
        );
    }

    /// Counts rows of a table (tests looking for "nothing written").
    pub fn count(&self, table: &str) -> i64 {
        self.sandbox
            .state()
            .db
            .read(|c| Ok(c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?))
            .unwrap()
    }

    /// A fingerprint of every table's row count.
    pub fn row_counts(&self) -> Vec<(String, i64)> {
        let tables: Vec<String> = self
            .sandbox
            .state()
            .db
            .read(|c| {
                let mut s =
                    c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
                let rows = s.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<Vec<String>, _>>()?)
            })
            .unwrap();
        tables
            .into_iter()
            .map(|t| {
                let n = self.count(&t);
                (t, n)
            })
            .collect()
    }
}

/// A response.
#[derive(Debug, Clone)]
pub struct Resp {
    /// HTTP status.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body parsed as JSON (`Null` when empty).
    pub body: Value,
}

impl Resp {
    /// A header value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The problem `code` of an error response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// Asserts a problem+json error with the status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Resp {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "body: {}",
            self.body
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        self
    }

    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn ok(&self, status: u16) -> &Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        &self.body
    }
}

static KEYS: AtomicU64 = AtomicU64::new(1);

/// A fresh idempotency key.
pub fn new_key() -> String {
    format!(
        "k-{}-{}",
        std::process::id(),
        KEYS.fetch_add(1, Ordering::Relaxed)
    )
}

/// A tiny HTTP/1.1 client (one connection per request) that validates every
/// response against `api/openapi.yaml`.
#[derive(Debug, Clone)]
pub struct Client {
    /// `host:port`
    pub addr: String,
    /// `X-Api-Key`
    pub api_key: Option<String>,
    /// Bearer token.
    pub token: Option<String>,
    /// `X-Sandbox-Operator-Key`, the server's operator credential
    /// (`/v1/sandbox/*`, `POST /v1/merchants`).
    pub operator_key: Option<String>,
}

impl Client {
    /// This client with an API key.
    pub fn with_key(&self, key: &str) -> Client {
        Client {
            api_key: Some(key.to_owned()),
            ..self.clone()
        }
    }

    /// This client with the server's operator credential.
    pub fn with_operator_key(&self, key: &str) -> Client {
        Client {
            operator_key: Some(key.to_owned()),
            ..self.clone()
        }
    }

    /// This client with a bearer token.
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            token: Some(token.to_owned()),
            ..self.clone()
        }
    }

    /// Sends a raw request; `extra` headers are added as given.
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        extra: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Resp {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(k) = &self.api_key {
            req.push_str(&format!("X-Api-Key: {k}\r\n"));
        }
        if let Some(t) = &self.token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        if let Some(k) = &self.operator_key {
            req.push_str(&format!("X-Sandbox-Operator-Key: {k}\r\n"));
        }
        for (k, v) in extra {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        let body = body.unwrap_or_default();
        if !body.is_empty() || method == "POST" || method == "PATCH" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut stream = TcpStream::connect(&self.addr).await.unwrap();
        stream.write_all(req.as_bytes()).await.unwrap();
        stream.write_all(body).await.unwrap();
        let mut buf = Vec::new();
        stream.read_to_end(&mut buf).await.unwrap();
        let resp = parse_response(&buf);
        spec::validate_response(method, path, &resp);
        resp
    }

    /// Sends JSON (with `Content-Type: application/json`).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Resp {
        let mut headers: Vec<(&str, &str)> = extra.to_vec();
        let bytes = body.map(|b| b.to_string().into_bytes());
        if bytes.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        self.raw(method, path, &headers, bytes.as_deref()).await
    }

    /// `GET path`
    pub async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, &[]).await
    }

    /// `POST path` with a JSON body.
    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send("POST", path, Some(body), &[]).await
    }

    /// `POST path` with a JSON body and a fresh `Idempotency-Key`.
    pub async fn post_idem(&self, path: &str, body: Value) -> Resp {
        let key = new_key();
        self.send("POST", path, Some(body), &[("Idempotency-Key", &key)])
            .await
    }

    /// `POST path` with a JSON body and the given `Idempotency-Key`.
    pub async fn post_key(&self, path: &str, body: Value, key: &str) -> Resp {
        self.send("POST", path, Some(body), &[("Idempotency-Key", key)])
            .await
    }
}

fn parse_response(buf: &[u8]) -> Resp {
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response has a header end");
    let head = std::str::from_utf8(&buf[..split]).unwrap();
    let mut body = &buf[split + 4..];
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    if let Some((_, len)) = headers.iter().find(|(k, _)| k == "content-length") {
        body = &body[..len.parse::<usize>().unwrap().min(body.len())];
    }
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into()))
    };
    Resp {
        status,
        headers,
        body,
    }
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct UserSession {
    /// Client with API key and access token.
    pub client: Client,
    /// User id.
    pub user_id: String,
    /// Phone number used to register.
    pub phone: String,
    /// Password.
    pub password: String,
    /// The refresh token of the session.
    pub refresh_token: String,
}

/// Everything a journey needs: the server and an app's client.
pub struct World {
    /// The server.
    pub server: TestServer,
    /// A client carrying the app's API key (and the server's operator
    /// credential, if it has one).
    pub app: Client,
    /// The app's API key.
    pub api_key: String,
    next_phone: AtomicU64,
}

impl World {
    /// A server with the wall clock and a fresh app.
    pub async fn new() -> World {
        World::with(TestServer::start().await).await
    }

    /// A server with a manual clock and a fresh app.
    pub async fn manual() -> World {
        World::with(TestServer::start_manual().await).await
    }

    /// A fresh app on the given server.
    pub async fn with(server: TestServer) -> World {
        let created = server
            .client()
            .post("/v1/apps", json!({"name": "e2e"}))
            .await;
        let key = created.ok(201)["api_key"].as_str().unwrap().to_owned();
        let mut app = server.client().with_key(&key);
        // The app's client also acts as the operator (outbox, merchants,
        // sandbox actions) when the server has the operator endpoints on.
        app.operator_key = server.sandbox.state().config.operator_key.clone();
        World {
            server,
            app,
            api_key: key,
            next_phone: AtomicU64::new(0),
        }
    }

    /// A fresh, unused phone number.
    pub fn phone(&self) -> String {
        format!(
            "+86138{:08}",
            self.next_phone.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// The newest code sent to `destination`.
    pub async fn code_for(&self, destination: &str) -> String {
        let path = format!(
            "/v1/sandbox/outbox?destination={}",
            destination.replace('+', "%2B")
        );
        let outbox = self.app.get(&path).await;
        outbox.ok(200)["messages"][0]["code"]
            .as_str()
            .expect("a code was sent")
            .to_owned()
    }

    /// Registers a user by phone (password `correct horse`).
    pub async fn register(&self, phone: &str) -> String {
        self.app
            .post(
                "/v1/verification-codes",
                json!({"purpose": "register", "destination": phone}),
            )
            .await
            .ok(202);
        let code = self.code_for(phone).await;
        let r = self
            .app
            .post(
                "/v1/users",
                json!({"phone": phone, "password": "correct horse", "code": code}),
            )
            .await;
        r.ok(201)["user_id"].as_str().unwrap().to_owned()
    }

    /// Logs in with password and second factor.
    pub async fn login(&self, phone: &str, password: &str) -> Value {
        let r = self
            .app
            .post(
                "/v1/auth/login",
                json!({"identifier": phone, "password": password}),
            )
            .await;
        let ticket = r.ok(200)["login_ticket"].as_str().unwrap().to_owned();
        let code = self.code_for(phone).await;
        self.app
            .post(
                "/v1/auth/login/verify",
                json!({"login_ticket": ticket, "code": code}),
            )
            .await
            .ok(200)
            .clone()
    }

    /// Registers and signs in a new user.
    pub async fn user(&self) -> UserSession {
        let phone = self.phone();
        let user_id = self.register(&phone).await;
        let tokens = self.login(&phone, "correct horse").await;
        UserSession {
            client: self
                .app
                .with_token(tokens["access_token"].as_str().unwrap()),
            user_id,
            phone,
            password: "correct horse".into(),
            refresh_token: tokens["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// Binds and verifies a card; returns its id.
    pub async fn card(&self, user: &UserSession, number: &str) -> String {
        let r = user
            .client
            .post(
                "/v1/cards",
                json!({"number": number, "expiry_month": 12, "expiry_year": 2099, "holder_name": "Li Lei"}),
            )
            .await;
        let card_id = r.ok(201)["card_id"].as_str().unwrap().to_owned();
        let code = self.code_for(&user.phone).await;
        user.client
            .post(
                &format!("/v1/cards/{card_id}/verify"),
                json!({"code": code}),
            )
            .await
            .ok(200);
        card_id
    }

    /// Tops up `amount` CNY from a fresh good card; returns the card id.
    pub async fn funded(&self, user: &UserSession, amount: &str) -> String {
        let card = self.card(user, "4242424242424242").await;
        user.client
            .post_idem(
                "/v1/top-ups",
                json!({"card_id": card, "amount": {"amount": amount, "currency": "CNY"}}),
            )
            .await
            .ok(201);
        card
    }

    /// Creates a CNY merchant; returns its id.
    pub async fn merchant(&self) -> String {
        let r = self
            .app
            .post(
                "/v1/merchants",
                json!({"name": "Coffee", "city": "Shanghai", "currency": "CNY"}),
            )
            .await;
        r.ok(201)["merchant_id"].as_str().unwrap().to_owned()
    }

    /// A user's balance in CNY minor units.
    pub async fn cny(&self, user: &UserSession) -> i64 {
        let b = user.client.get("/v1/balances").await;
        b.ok(200)["balances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["currency"] == "CNY")
            .map(|m| minor(&m["amount"]))
            .unwrap_or(0)
    }
}

/// Minor units of a 2-decimal amount string.
pub fn minor(amount: &Value) -> i64 {
    let s = amount.as_str().unwrap();
    let m =
        imwallet_protocol::money::Money::parse(s, imwallet_protocol::money::Currency::Cny).unwrap();
    m.minor
}

/// `{"amount": a, "currency": "CNY"}`
pub fn cny(a: &str) -> Value {
    json!({"amount": a, "currency": "CNY"})
}
