//! A fault-injecting HTTP/1.1 proxy for chaos tests.
//!
//! It sits between a client and the real sandbox on loopback. For each
//! request it reads the whole request, draws a [`Fault`] from its plan and
//! then either forwards it faithfully or breaks it in one of the ways a
//! phone's network or a struggling backend does:
//!
//! - [`Fault::DropBeforeServer`]: the connection dies before the server sees
//!   the request (nothing committed);
//! - [`Fault::DropAfterServer`]: the server processes the request and
//!   commits, but the answer is lost on the way back;
//! - [`Fault::Delay`]: the answer arrives after the client's timeout;
//! - [`Fault::Status`]: the proxy answers `5xx`/`429` itself without
//!   forwarding (a gateway error or a rate limiter in front of the server).
//!
//! Each request is forwarded on its own upstream connection
//! (`Connection: close`), so a request's fate never depends on another's.
//! Draws come from a seeded generator so a failing run can be replayed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward the request and the answer unchanged.
    Pass,
    /// Close the client connection without forwarding.
    DropBeforeServer,
    /// Forward, read the server's answer, then close without relaying it.
    DropAfterServer,
    /// Forward, then hold the answer back for this long before relaying it.
    Delay(Duration),
    /// Answer with this status (and `Retry-After: 0` for 429) without forwarding.
    Status(u16),
}

/// Relative weights of each fault for random plans.
#[derive(Debug, Clone, Copy)]
pub struct FaultMix {
    /// Weight of [`Fault::Pass`].
    pub pass: u32,
    /// Weight of [`Fault::DropBeforeServer`].
    pub drop_before: u32,
    /// Weight of [`Fault::DropAfterServer`].
    pub drop_after: u32,
    /// Weight of [`Fault::Delay`] (by `delay`).
    pub delay: u32,
    /// Weight of an injected `503`.
    pub server_error: u32,
    /// Weight of an injected `429`.
    pub rate_limited: u32,
    /// The delay used by [`Fault::Delay`]; make it longer than the client timeout.
    pub delay_by: Duration,
}

impl FaultMix {
    fn draw(&self, roll: u64) -> Fault {
        let table = [
            (self.pass, Fault::Pass),
            (self.drop_before, Fault::DropBeforeServer),
            (self.drop_after, Fault::DropAfterServer),
            (self.delay, Fault::Delay(self.delay_by)),
            (self.server_error, Fault::Status(503)),
            (self.rate_limited, Fault::Status(429)),
        ];
        let total: u64 = table.iter().map(|(w, _)| u64::from(*w)).sum();
        if total == 0 {
            return Fault::Pass;
        }
        let mut pick = roll % total;
        for (weight, fault) in table {
            if pick < u64::from(weight) {
                return fault;
            }
            pick -= u64::from(weight);
        }
        Fault::Pass
    }
}

/// How many requests met each fault.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ChaosStats {
    /// Requests forwarded unchanged.
    pub passed: u64,
    /// Requests dropped before the server saw them.
    pub dropped_before: u64,
    /// Requests whose answer was lost after the server processed them.
    pub dropped_after: u64,
    /// Requests whose answer was delayed.
    pub delayed: u64,
    /// Requests answered by the proxy with an injected status.
    pub injected: u64,
}

enum Plan {
    Fixed(Fault),
    Random { mix: FaultMix, state: u64 },
    Script(std::collections::VecDeque<Fault>),
}

/// One request the proxy saw: its method and path (query dropped), and
/// the status of the answer it relayed or made up (`None` when the
/// connection was dropped or the server gave no answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path without its query string.
    pub path: String,
    /// The status the client got, if any.
    pub status: Option<u16>,
}

struct Shared {
    upstream: std::net::SocketAddr,
    plan: Mutex<Plan>,
    stats: Mutex<ChaosStats>,
    requests: AtomicU64,
    log: Mutex<Vec<Exchange>>,
}

/// A running chaos proxy; it stops when dropped.
pub struct ChaosProxy {
    addr: std::net::SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ChaosProxy {
    /// Starts a proxy on 127.0.0.1 (free port) in front of `upstream`, passing everything.
    pub async fn start(upstream: std::net::SocketAddr) -> std::io::Result<ChaosProxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream,
            plan: Mutex::new(Plan::Fixed(Fault::Pass)),
            stats: Mutex::new(ChaosStats::default()),
            requests: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
        });
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let shared = accept_shared.clone();
                tokio::spawn(async move { serve_client(client, shared).await });
            }
        });
        Ok(ChaosProxy { addr, shared, task })
    }

    /// The `http://127.0.0.1:port` base URL clients should use.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies `fault` to every following request.
    pub fn set_fault(&self, fault: Fault) {
        *lock(&self.shared.plan) = Plan::Fixed(fault);
    }

    /// Draws each following request's fault from `mix`, reproducibly from `seed`.
    pub fn set_random(&self, mix: FaultMix, seed: u64) {
        *lock(&self.shared.plan) = Plan::Random {
            mix,
            state: seed | 1,
        };
    }

    /// Applies `faults` to the next requests in order, then passes everything.
    pub fn set_script(&self, faults: impl IntoIterator<Item = Fault>) {
        *lock(&self.shared.plan) = Plan::Script(faults.into_iter().collect());
    }

    /// Counts so far.
    pub fn stats(&self) -> ChaosStats {
        *lock(&self.shared.stats)
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Every request seen so far, in the order their fate was settled.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.shared.log).clone()
    }

    /// How many requests of `method` to `path` were seen so far.
    pub fn requests_to(&self, method: &str, path: &str) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|e| e.method == method && e.path == path)
            .count()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    fn next_fault(&self) -> Fault {
        let mut plan = lock(&self.plan);
        match &mut *plan {
            Plan::Fixed(fault) => *fault,
            Plan::Random { mix, state } => {
                // xorshift64*: small, seeded, good enough to pick faults.
                *state ^= *state >> 12;
                *state ^= *state << 25;
                *state ^= *state >> 27;
                mix.draw(state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11)
            }
            Plan::Script(faults) => faults.pop_front().unwrap_or(Fault::Pass),
        }
    }

    fn record(&self, request: &[u8], response: Option<&[u8]>) {
        let line = request
            .split(|b| *b == b'\r')
            .next()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let mut parts = line.split(' ');
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("");
        let path = target.split('?').next().unwrap_or("").to_owned();
        let status = response.and_then(|r| {
            std::str::from_utf8(r.get(..12)?)
                .ok()?
                .split(' ')
                .nth(1)?
                .parse()
                .ok()
        });
        lock(&self.log).push(Exchange {
            method,
            path,
            status,
        });
    }

    fn count(&self, fault: Fault) {
        let mut stats = lock(&self.stats);
        match fault {
            Fault::Pass => stats.passed += 1,
            Fault::DropBeforeServer => stats.dropped_before += 1,
            Fault::DropAfterServer => stats.dropped_after += 1,
            Fault::Delay(_) => stats.delayed += 1,
            Fault::Status(_) => stats.injected += 1,
        }
    }
}

async fn serve_client(mut client: TcpStream, shared: Arc<Shared>) {
    while let Some(request) = read_message(&mut client, true).await {
        shared.requests.fetch_add(1, Ordering::SeqCst);
        let fault = shared.next_fault();
        shared.count(fault);
        let response = match fault {
            Fault::DropBeforeServer => {
                shared.record(&request, None);
                return;
            }
            Fault::Status(status) => synthetic_response(status),
            Fault::Pass | Fault::DropAfterServer | Fault::Delay(_) => {
                let Some(response) = forward(&request, shared.upstream).await else {
                    shared.record(&request, None);
                    return;
                };
                response
            }
        };
        let delivered = !matches!(fault, Fault::DropAfterServer);
        shared.record(&request, delivered.then_some(response.as_slice()));
        match fault {
            Fault::DropAfterServer => return,
            Fault::Delay(delay) => tokio::time::sleep(delay).await,
            _ => {}
        }
        if client.write_all(&response).await.is_err() || wants_close(&request) {
            return;
        }
    }
}

/// Whether the client asked to close the connection after this exchange.
fn wants_close(request: &[u8]) -> bool {
    let head_end = find_head_end(request).unwrap_or(request.len());
    String::from_utf8_lossy(&request[..head_end])
        .to_ascii_lowercase()
        .split("\r\n")
        .any(|line| line.starts_with("connection:") && line.contains("close"))
}

/// Sends one request upstream on a fresh connection and reads the whole answer.
async fn forward(request: &[u8], upstream: std::net::SocketAddr) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).await.ok()?;
    server
        .write_all(&with_connection_close(request))
        .await
        .ok()?;
    read_message(&mut server, false).await
}

fn synthetic_response(status: u16) -> Vec<u8> {
    let (code, extra) = if status == 429 {
        ("rate_limited", "retry-after: 0\r\n")
    } else {
        ("service_unavailable", "")
    };
    let body = format!(
        r#"{{"type":"about:blank","status":{status},"code":"{code}","title":"injected by chaos proxy"}}"#
    );
    format!(
        "HTTP/1.1 {status} Injected\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\n{extra}\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Rewrites the request's `Connection` header to `close`.
fn with_connection_close(request: &[u8]) -> Vec<u8> {
    let Some(head_end) = find_head_end(request) else {
        return request.to_vec();
    };
    let head = String::from_utf8_lossy(&request[..head_end]);
    let mut out = String::new();
    for (i, line) in head.split("\r\n").enumerate() {
        if i > 0 && line.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&request[head_end + 4..]);
    bytes
}

fn find_head_end(buffer: &[u8]) -> Option<usize> {
    buffer.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Reads one HTTP/1.1 message framed by `content-length` (requests) or by
/// `content-length`/end of stream (responses). Chunked bodies are read to
/// the end of the stream, which `Connection: close` upstream guarantees.
async fn read_message<S: AsyncRead + Unpin>(stream: &mut S, is_request: bool) -> Option<Vec<u8>> {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find_head_end(&buffer) {
            break end;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let length = head
        .split("\r\n")
        .filter_map(|line| line.strip_prefix("content-length:"))
        .find_map(|v| v.trim().parse::<usize>().ok());
    match length {
        Some(length) => {
            while buffer.len() < head_end + 4 + length {
                let n = stream.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
        }
        None if is_request => {}
        None => {
            while let Ok(n) = stream.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            // Relay a read-to-close body with an explicit length so the client
            // can keep its connection.
            if !head.contains("transfer-encoding") {
                let body = buffer.split_off(head_end + 4);
                let mut head = buffer[..head_end].to_vec();
                head.extend_from_slice(
                    format!("\r\ncontent-length: {}\r\n\r\n", body.len()).as_bytes(),
                );
                head.extend_from_slice(&body);
                return Some(head);
            }
        }
    }
    Some(buffer)
}
