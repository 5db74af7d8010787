//! Webhook delivery durability (issue 14 item 3 acceptance): a real
//! receiver process (python3 stdlib `http.server` on a loopback port) that
//! answers 500 three times and then hangs past the sender's timeout still
//! gets the event, signed, once it answers 2xx, and processes it once
//! (deduplicated by event id); each attempt is recorded and the back-off
//! grows. And a sandbox process SIGKILLed while deliveries are due
//! delivers them, in order, after a restart on the same database file.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use imwallet_protocol::webhook::{Tolerance, verify};
use imwallet_sandbox::config::{Config, TEST_OPERATOR_KEY, WebhookRules};
use imwallet_tests::{Client, TestServer, World, cny};
use serde_json::{Value, json};

/// The receiver: answers request `i` (from 1) as `script[i-1]` says (an
/// HTTP status, or `hang`: answer 200 after 3 s, too late), then 200.
/// Logs every request as a JSON line; `first` is false for an event id it
/// has already accepted (what a receiver deduplicates).
const RECEIVER: &str = r#"
import http.server, json, sys, threading, time
log_path, script = sys.argv[1], [s for s in sys.argv[2].split(",") if s]
lock, seen, count = threading.Lock(), set(), [0]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count[0] += 1
            n = count[0]
        act = script[n - 1] if n <= len(script) else "200"
        if act == "hang":
            time.sleep(3)
            act = "200"
        code, event = int(act), json.loads(body)["id"]
        with lock:
            first = code < 300 and event not in seen
            if code < 300:
                seen.add(event)
            with open(log_path, "a") as f:
                f.write(json.dumps({"n": n, "code": code, "event": event, "first": first,
                                    "sig": self.headers.get("IMWallet-Signature"),
                                    "body": body.decode()}) + "\n")
        try:
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except OSError:
            pass
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

struct Receiver {
    process: Child,
    url: String,
    log: std::path::PathBuf,
}

impl Receiver {
    fn start(dir: &Path, script: &str) -> Receiver {
        let program = dir.join("receiver.py");
        std::fs::write(&program, RECEIVER).unwrap();
        let log = dir.join("receiver.log");
        let mut process = Command::new("python3")
            .arg(&program)
            .arg(&log)
            .arg(script)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 is required");
        let mut line = String::new();
        BufReader::new(process.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().unwrap();
        Receiver {
            process,
            url: format!("http://127.0.0.1:{port}/hook"),
            log,
        }
    }

    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

async fn until<T>(what: &str, secs: u64, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn endpoint(app: &Client, url: &str, events: Value) -> (String, String) {
    let r = app
        .post(
            "/v1/webhook-endpoints",
            json!({"url": url, "events": events}),
        )
        .await;
    let r = r.ok(201);
    (
        r["endpoint_id"].as_str().unwrap().to_owned(),
        r["secret"].as_str().unwrap().to_owned(),
    )
}

/// A closed order (one `order.closed` event); returns the order id.
async fn closed_order(app: &Client, merchant: &str, n: u32) -> String {
    let orders = format!("/v1/merchants/{merchant}/orders");
    let r = app
        .post(
            &orders,
            json!({"out_trade_no": format!("hook-{n}"), "amount": cny("1.00"), "description": "tea"}),
        )
        .await;
    let id = r.ok(201)["order_id"].as_str().unwrap().to_owned();
    app.post(&format!("{orders}/{id}/close"), json!({}))
        .await
        .ok(200);
    id
}

async fn deliveries(app: &Client, endpoint: &str) -> Value {
    app.get(&format!("/v1/webhook-endpoints/{endpoint}/deliveries"))
        .await
        .ok(200)
        .clone()
}

fn now_s() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_then_hanging_receiver_gets_the_event_once_it_answers_2xx() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(dir.path(), "500,500,500,hang");
    let config = Config {
        webhooks: WebhookRules {
            retry_base_ms: 100,
            retry_cap_ms: 400,
            timeout_ms: 500,
            poll_ms: 20,
            ..WebhookRules::default()
        },
        ..Config::for_tests()
    };
    let w = World::with(TestServer::start_with(config, false).await).await;
    let (hook, secret) = endpoint(&w.app, &receiver.url, json!(["order.closed"])).await;
    let merchant = w.merchant().await;
    closed_order(&w.app, &merchant, 1).await;

    let delivery = until("the delivery to succeed", 30, async || {
        let d = deliveries(&w.app, &hook).await["items"][0].clone();
        (d["status"] == "succeeded").then_some(d)
    })
    .await;
    let attempts = delivery["attempts"].as_array().unwrap();
    let statuses: Vec<&Value> = attempts.iter().map(|a| &a["http_status"]).collect();
    assert_eq!(
        statuses,
        [
            &json!(500),
            &json!(500),
            &json!(500),
            &Value::Null,
            &json!(200)
        ]
    );
    assert_eq!(attempts[3]["error"], "timeout");
    // exponential back-off with jitter in the upper half: the gap after
    // failure n is at least min(cap, base * 2^(n-1)) / 2
    let at: Vec<i64> = attempts.iter().map(|a| a["at"].as_i64().unwrap()).collect();
    for (n, min_gap) in [(1, 50), (2, 100), (3, 200)] {
        assert!(at[n] - at[n - 1] >= min_gap, "gap {n}: {at:?}");
    }
    assert_eq!(delivery["next_attempt_at"], Value::Null);

    // every request was signed with the endpoint's secret; the receiver
    // processed the event once
    let event_id = delivery["event_id"].as_str().unwrap().to_owned();
    let requests = until("the late answer's log line", 10, async || {
        let r = receiver.requests();
        (r.len() >= 5).then_some(r)
    })
    .await;
    for r in &requests {
        assert_eq!(r["event"], event_id.as_str());
        let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["type"], "order.closed");
        verify(
            r["body"].as_str().unwrap().as_bytes(),
            r["sig"].as_str().unwrap(),
            &secret,
            Tolerance::at(now_s(), 300),
        )
        .unwrap();
    }
    let firsts = requests.iter().filter(|r| r["first"] == true).count();
    assert_eq!(firsts, 1, "{requests:?}");

    // a manual resend sends it again; the receiver deduplicates it
    let did = delivery["delivery_id"].as_str().unwrap();
    let r = w
        .app
        .post(
            &format!("/v1/webhook-endpoints/{hook}/deliveries/{did}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 202);
    until("the resend", 10, async || {
        let d = deliveries(&w.app, &hook).await["items"][0].clone();
        (d["status"] == "succeeded" && d["attempts"].as_array().unwrap().len() == 6).then_some(())
    })
    .await;
    let requests = until("the resent request", 10, async || {
        let r = receiver.requests();
        (r.len() >= 6).then_some(r)
    })
    .await;
    assert_eq!(requests.iter().filter(|r| r["first"] == true).count(), 1);
    w.app
        .post(
            &format!("/v1/webhook-endpoints/{hook}/deliveries/whd_nope/resend"),
            json!({}),
        )
        .await
        .assert_problem(404, "webhook_delivery_not_found");
}

struct SandboxChild {
    process: Child,
    client: Client,
}

fn sandbox_child(db: &Path, poll_ms: &str) -> SandboxChild {
    let mut process = Command::new(env!("CARGO_BIN_EXE_sandbox-child"))
        .env("IMW_DB", db)
        .env("IMW_POLL_MS", poll_ms)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(process.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().strip_prefix("listening ").unwrap().to_owned();
    SandboxChild {
        process,
        client: Client {
            addr,
            api_key: None,
            token: None,
            operator_key: Some(TEST_OPERATOR_KEY.to_owned()),
        },
    }
}

impl Drop for SandboxChild {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sandbox_killed_with_deliveries_due_delivers_them_in_order_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(dir.path(), "");
    let db = dir.path().join("sandbox.db");

    // the first process never gets to look at its queue
    let mut first = sandbox_child(&db, "3600000");
    let created = first
        .client
        .post("/v1/apps", json!({"name": "hooks"}))
        .await;
    let key = created.ok(201)["api_key"].as_str().unwrap().to_owned();
    let app = first.client.with_key(&key);
    let (hook, _) = endpoint(&app, &receiver.url, json!(["order.closed"])).await;
    let (other, _) = endpoint(&app, &receiver.url, json!(["order.paid"])).await;
    let merchant = app
        .post(
            "/v1/merchants",
            json!({"name": "Tea", "city": "Hangzhou", "currency": "CNY"}),
        )
        .await;
    let merchant = merchant.ok(201)["merchant_id"].as_str().unwrap().to_owned();
    for n in 1..=3 {
        closed_order(&app, &merchant, n).await;
    }
    let queued = deliveries(&app, &hook).await;
    let queued = queued["items"].as_array().unwrap();
    assert_eq!(queued.len(), 3);
    assert!(
        queued
            .iter()
            .all(|d| d["status"] == "pending" && d["attempts"] == json!([]))
    );
    assert_eq!(deliveries(&app, &other).await["items"], json!([]));
    let mut events: Vec<String> = app.get("/v1/events").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    events.reverse(); // oldest first

    first.process.kill().unwrap(); // SIGKILL
    first.process.wait().unwrap();
    assert!(receiver.requests().is_empty());

    let second = sandbox_child(&db, "20");
    let app = second.client.with_key(&key);
    let requests = until("the deliveries after the restart", 30, async || {
        let r = receiver.requests();
        (r.len() >= 3).then_some(r)
    })
    .await;
    let got: Vec<&str> = requests
        .iter()
        .map(|r| r["event"].as_str().unwrap())
        .collect();
    assert_eq!(got, events, "per-endpoint order");
    until("the deliveries to be recorded", 10, async || {
        let d = deliveries(&app, &hook).await;
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "succeeded")
            .then_some(())
    })
    .await;
    assert_eq!(receiver.requests().len(), 3);
}
