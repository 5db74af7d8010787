//! Transfers per second the sandbox sustains with 32 concurrent HTTP/1.1
//! keep-alive clients on loopback (file-backed SQLite in WAL mode), with the
//! ledger invariants checked afterwards.
//!
//! Baselines measured in the same run with the same clients: `GET /healthz`
//! (the HTTP stack alone) and `GET /v1/balances` (HTTP + API key + token +
//! one ledger read). Run with `cargo bench -p imwallet-sandbox`; set
//! `IMWALLET_BENCH_SECS` to change the measuring time per phase (default 5).
//!
//! The risk rules run as in production: the single-amount hold check with
//! the default limit and the velocity gate's query on every transfer with
//! the default `velocity_max` (it reads the sender's newest 30 movements).
//! Only the window is 0 s instead of 60 s: at this rate (about 100
//! transfers per user per second) a 60 s window would freeze every account
//! within the first second; with 0 s the same query runs and never trips.
//!
//! CPU per request is the process's user + system time (`/proc/self/stat`,
//! Linux only) over the requests of a phase: server and clients together,
//! since both run in this process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use imwallet_sandbox::Sandbox;
use imwallet_sandbox::clock::SystemClock;
use imwallet_sandbox::config::{Config, RiskLimits};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const CLIENTS: usize = 32;
const USERS: usize = 64;

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
    host: String,
}

impl Conn {
    async fn open(addr: &str) -> Conn {
        let stream = TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            reader: BufReader::new(stream),
            host: addr.to_owned(),
        }
    }

    /// Sends one request and reads the whole response: status and body.
    async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, Vec<u8>) {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (k, v) in headers {
            req.push_str(k);
            req.push_str(": ");
            req.push_str(v);
            req.push_str("\r\n");
        }
        if !body.is_empty() {
            req.push_str("Content-Type: application/json\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.reader.get_mut().write_all(&bytes).await.unwrap();
        let mut line = String::new();
        self.reader.read_line(&mut line).await.unwrap();
        let status: u16 = line.split(' ').nth(1).unwrap().parse().unwrap();
        let mut len = 0usize;
        loop {
            line.clear();
            self.reader.read_line(&mut line).await.unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().unwrap();
            }
        }
        let mut buf = vec![0; len];
        self.reader.read_exact(&mut buf).await.unwrap();
        (status, buf)
    }

    /// [`Conn::send`] with a JSON body, the response parsed as JSON.
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> (u16, Value) {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let (status, buf) = self.send(method, path, headers, body.as_bytes()).await;
        (status, serde_json::from_slice(&buf).unwrap_or(Value::Null))
    }
}

struct User {
    id: String,
    token: String,
}

async fn setup_user(conn: &mut Conn, key: &str, i: usize) -> User {
    let phone = format!("+86139{i:08}");
    let k = [("X-Api-Key", key)];
    let code_of = |v: &Value| v["messages"][0]["code"].as_str().unwrap().to_owned();
    let outbox = format!("/v1/sandbox/outbox?destination=%2B86139{i:08}");
    let operator = [
        ("X-Api-Key", key),
        (
            "X-Sandbox-Operator-Key",
            imwallet_sandbox::config::TEST_OPERATOR_KEY,
        ),
    ];
    conn.call(
        "POST",
        "/v1/verification-codes",
        &k,
        Some(&json!({"purpose": "register", "destination": phone})),
    )
    .await;
    let code = code_of(&conn.call("GET", &outbox, &operator, None).await.1);
    let (s, user) = conn
        .call(
            "POST",
            "/v1/users",
            &k,
            Some(&json!({"phone": phone, "password": "bench password", "code": code})),
        )
        .await;
    assert_eq!(s, 201, "{user}");
    let (_, ticket) = conn
        .call(
            "POST",
            "/v1/auth/login",
            &k,
            Some(&json!({"identifier": phone, "password": "bench password"})),
        )
        .await;
    let code = code_of(&conn.call("GET", &outbox, &operator, None).await.1);
    let (_, tokens) = conn
        .call(
            "POST",
            "/v1/auth/login/verify",
            &k,
            Some(&json!({"login_ticket": ticket["login_ticket"], "code": code})),
        )
        .await;
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    let auth = [("X-Api-Key", key), ("Authorization", bearer.as_str())];
    let (_, card) = conn
        .call(
            "POST",
            "/v1/cards",
            &auth,
            Some(&json!({"number": "4242424242424242", "expiry_month": 12, "expiry_year": 2099, "holder_name": "Bench"})),
        )
        .await;
    let card_id = card["card_id"].as_str().unwrap().to_owned();
    let code = code_of(&conn.call("GET", &outbox, &operator, None).await.1);
    conn.call(
        "POST",
        &format!("/v1/cards/{card_id}/verify"),
        &auth,
        Some(&json!({"code": code})),
    )
    .await;
    let idem = format!("setup-{i}");
    let top = [
        ("X-Api-Key", key),
        ("Authorization", bearer.as_str()),
        ("Idempotency-Key", idem.as_str()),
    ];
    let (s, t) = conn
        .call(
            "POST",
            "/v1/top-ups",
            &top,
            Some(
                &json!({"card_id": card_id, "amount": {"amount": "1000000.00", "currency": "CNY"}}),
            ),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    User {
        id: user["user_id"].as_str().unwrap().to_owned(),
        token,
    }
}

/// CPU time (user + system) of this whole process so far, in seconds, when
/// the platform exposes it (`/proc/self/stat`).
fn process_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are
    // fields 14 and 15 of the whole line, 12 and 13 after the name.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / clock_ticks_per_s())
}

/// `sysconf(_SC_CLK_TCK)` through `getconf` (no unsafe code here); 100 on
/// every Linux this runs on when `getconf` is missing.
fn clock_ticks_per_s() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Runs `CLIENTS` loops of `work` for `secs` seconds; returns requests/s
/// and the process CPU time per request (microseconds), if known.
async fn phase<F, Fut>(name: &str, addr: &str, secs: u64, work: F) -> (f64, Option<f64>)
where
    F: Fn(usize, u64, Conn) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Conn> + Send,
{
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for c in 0..CLIENTS {
        let (stop, done, work) = (stop.clone(), done.clone(), work.clone());
        let mut conn = Conn::open(addr).await;
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                conn = work(c, n, conn).await;
                n += 1;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // warm-up
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start_count = done.load(Ordering::Relaxed);
    let start = Instant::now();
    let cpu_start = process_cpu_s();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    let count = done.load(Ordering::Relaxed) - start_count;
    let elapsed = start.elapsed().as_secs_f64();
    let cpu_us = cpu_start
        .zip(process_cpu_s())
        .map(|(a, b)| (b - a) * 1e6 / count.max(1) as f64);
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let rate = count as f64 / elapsed;
    let cpu = cpu_us.map_or_else(|| "CPU n/a".to_owned(), |us| format!("{us:.0} us CPU/req"));
    println!(
        "{name:<32} {rate:>10.0} req/s  {cpu}  ({count} in {elapsed:.2} s, {CLIENTS} clients)"
    );
    (rate, cpu_us)
}

fn main() {
    let secs: u64 = std::env::var("IMWALLET_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let dir = std::env::temp_dir().join(format!("imwallet-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("bench.db");
        // Production risk rules; only the window differs (see the module doc).
        let config = Config {
            risk: RiskLimits { velocity_window_s: 0, ..RiskLimits::default() },
            ..Config::for_tests()
        };
        assert!(config.risk.velocity_max > 0 && config.risk.hold_above_minor > 0, "risk rules on");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let sandbox = Sandbox::start(listener, db.to_str().unwrap(), config, Arc::new(SystemClock)).await.unwrap();
        let addr = sandbox.addr().to_string();

        let mut conn = Conn::open(&addr).await;
        let (_, app) = conn.call("POST", "/v1/apps", &[], Some(&json!({"name": "bench"}))).await;
        let key: Arc<str> = app["api_key"].as_str().unwrap().into();
        let mut users = Vec::new();
        for i in 0..USERS {
            users.push(setup_user(&mut conn, &key, i).await);
        }
        let users = Arc::new(users);
        println!("setup: {USERS} users with 1,000,000.00 CNY each; SQLite file in WAL mode");

        let (health, health_cpu) = phase("baseline GET /healthz", &addr, secs, |_, _, mut c: Conn| async move {
            let (s, _) = c.call("GET", "/healthz", &[], None).await;
            assert_eq!(s, 200);
            c
        })
        .await;

        let (k2, u2) = (key.clone(), users.clone());
        let (reads, reads_cpu) = phase("baseline GET /v1/balances", &addr, secs, move |client, n, mut c: Conn| {
            let (key, users) = (k2.clone(), u2.clone());
            async move {
                let u = &users[(client + n as usize) % USERS];
                let bearer = format!("Bearer {}", u.token);
                let (s, _) = c.call("GET", "/v1/balances", &[("X-Api-Key", &key), ("Authorization", &bearer)], None).await;
                assert_eq!(s, 200);
                c
            }
        })
        .await;

        let stats_before = sandbox.state().db.stats();
        let txns_before = sandbox.state().db.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM txns", [], |r| r.get::<_, i64>(0))?)).unwrap();
        let ok = Arc::new(AtomicU64::new(0));
        let (k3, u3, ok3) = (key.clone(), users.clone(), ok.clone());
        let (transfers, transfers_cpu) = phase("POST /v1/transfers (risk rules on)", &addr, secs, move |client, n, mut c: Conn| {
            let (key, users, ok) = (k3.clone(), u3.clone(), ok3.clone());
            async move {
                let from = &users[(client * 2 + (n as usize % 2)) % USERS];
                let to = &users[(client * 2 + 1 + n as usize) % USERS];
                let to = if to.id == from.id { &users[(client * 2 + 7) % USERS] } else { to };
                let bearer = format!("Bearer {}", from.token);
                let idem = format!("b-{client}-{n}");
                let body = format!(
                    r#"{{"to":{{"user_id":"{}"}},"amount":{{"amount":"0.01","currency":"CNY"}}}}"#,
                    to.id
                );
                let (s, r) = c
                    .send("POST", "/v1/transfers", &[("X-Api-Key", &key), ("Authorization", &bearer), ("Idempotency-Key", &idem)], body.as_bytes())
                    .await;
                assert_eq!(s, 201, "{}", String::from_utf8_lossy(&r));
                ok.fetch_add(1, Ordering::Relaxed);
                c
            }
        })
        .await;

        let stats = sandbox.state().db.stats();
        let (writes, commits) = (stats.writes - stats_before.writes, stats.commits - stats_before.commits);
        let per = |ns: u64, n: u64| ns as f64 / 1e3 / n.max(1) as f64;
        println!(
            "transfers phase: {:.1} writes per SQLite commit; connection busy {:.0} us per write + {:.0} us per commit (= {:.0} us per transfer), {} reads ({:.1} us each)",
            writes as f64 / commits.max(1) as f64,
            per(stats.write_ns - stats_before.write_ns, writes),
            per(stats.commit_ns - stats_before.commit_ns, commits),
            per(stats.write_ns - stats_before.write_ns + stats.commit_ns - stats_before.commit_ns + stats.read_ns - stats_before.read_ns, writes),
            stats.reads - stats_before.reads,
            per(stats.read_ns - stats_before.read_ns, stats.reads - stats_before.reads),
        );
        let report = sandbox.check_ledger().unwrap();
        let txns_after = sandbox.state().db.read(|c| Ok(c.query_row("SELECT COUNT(*) FROM txns", [], |r| r.get::<_, i64>(0))?)).unwrap();
        let made = ok.load(Ordering::Relaxed) as i64;
        println!(
            "ledger after the run: {} journals, {} postings, {} violations; {} transfers acknowledged, {} transactions written",
            report.journals,
            report.postings,
            report.violations.len(),
            made,
            txns_after - txns_before
        );
        assert!(report.is_sound(), "{:?}", report.violations);
        assert_eq!(made, txns_after - txns_before, "every acknowledged transfer is exactly one transaction");
        println!(
            "transfers/s: {transfers:.0}  = {:.2} x GET /healthz, {:.2} x GET /v1/balances (same run, same {CLIENTS} clients)",
            transfers / health,
            transfers / reads
        );
        if let (Some(t), Some(h), Some(r)) = (transfers_cpu, health_cpu, reads_cpu) {
            println!(
                "CPU per transfer (server + clients): {t:.0} us = {:.2} x GET /healthz ({h:.0} us), {:.2} x GET /v1/balances ({r:.0} us)",
                t / h,
                t / r
            );
        }
        sandbox.shutdown().await;
        let _ = std::fs::remove_dir_all(&dir);
    });
}
