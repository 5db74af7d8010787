//! The API client against a real HTTP/1.1 server on loopback that injects
//! faults: 5xx, 429 with Retry-After, dropped connections, slow answers and
//! expired tokens. (The sandbox itself is exercised by the end-to-end tests
//! in `tests/`; this server exists to produce faults on demand.)

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use imwallet_core::api::{
    ApiClient, ApiConfig, ApiError, ApiKey, ApiRequest, NetworkFailure, RetryPolicy, TokenPair,
};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// A request as the fault server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with the n-th request.
enum Action {
    Respond {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
    },
    Drop,
    Delay(Duration, Box<Action>),
}

fn json_response(status: u16, body: Value) -> Action {
    let content_type = if status >= 400 {
        "application/problem+json"
    } else {
        "application/json"
    };
    Action::Respond {
        status,
        headers: vec![("content-type", content_type.to_string())],
        body: body.to_string(),
    }
}

fn problem(status: u16, code: &str) -> Action {
    json_response(
        status,
        json!({"type": "about:blank", "status": status, "code": code, "title": code}),
    )
}

type Script = Arc<dyn Fn(&Seen, usize) -> Action + Send + Sync>;

struct FaultServer {
    base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FaultServer {
    async fn start(script: Script) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let script = script.clone();
                let log = log.clone();
                tokio::spawn(async move { serve_connection(stream, script, log).await });
            }
        });
        FaultServer { base_url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn client(&self, policy: RetryPolicy) -> ApiClient {
        let mut config =
            ApiConfig::new(&self.base_url, ApiKey::new("test-api-key").unwrap()).unwrap();
        config.retry = policy;
        config.request_timeout = Duration::from_millis(500);
        ApiClient::new(config).unwrap()
    }
}

async fn serve_connection<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    script: Script,
    log: Arc<Mutex<Vec<Seen>>>,
) {
    loop {
        let Some(request) = read_request(&mut stream).await else {
            return;
        };
        let index = {
            let mut log = log.lock().unwrap();
            log.push(request.clone());
            log.len() - 1
        };
        let mut action = script(&request, index);
        loop {
            match action {
                Action::Delay(delay, next) => {
                    tokio::time::sleep(delay).await;
                    action = *next;
                }
                Action::Drop => return,
                Action::Respond {
                    status,
                    headers,
                    body,
                } => {
                    let mut head =
                        format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                    for (name, value) in headers {
                        head.push_str(&format!("{name}: {value}\r\n"));
                    }
                    head.push_str("\r\n");
                    if stream.write_all(head.as_bytes()).await.is_err()
                        || stream.write_all(body.as_bytes()).await.is_err()
                    {
                        return;
                    }
                    break;
                }
            }
        }
    }
}

async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> Option<Seen> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    })
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(2),
    }
}

#[tokio::test]
async fn a_5xx_is_retried_with_the_same_idempotency_key_until_it_succeeds() {
    let server = FaultServer::start(Arc::new(|_, n| match n {
        0 => problem(500, "internal"),
        1 => Action::Respond {
            status: 502,
            headers: vec![],
            body: "<html>bad gateway</html>".into(),
        },
        _ => json_response(201, json!({"id": "tx_1"})),
    }))
    .await;
    let client = server.client(fast_retries());
    let request = ApiRequest::post("/v1/transfers", &json!({"amount": "1.00"}))
        .unwrap()
        .idempotency_key("key-123");
    let answer: Value = client.send(&request).await.unwrap();
    assert_eq!(answer["id"], "tx_1");
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|s| s.header("idempotency-key") == Some("key-123"))
    );
    assert!(
        seen.iter()
            .all(|s| s.header("x-api-key") == Some("test-api-key"))
    );
    assert!(seen.iter().all(|s| s.body == r#"{"amount":"1.00"}"#));
    assert!(
        seen.iter()
            .all(|s| s.method == "POST" && s.path == "/v1/transfers")
    );
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_retries() {
    let server = FaultServer::start(Arc::new(|_, n| match n {
        0 => {
            let mut action = problem(429, "rate_limited");
            if let Action::Respond { headers, .. } = &mut action {
                headers.push(("retry-after", "0".into()));
            }
            action
        }
        _ => json_response(200, json!({"ok": true})),
    }))
    .await;
    let client = server.client(fast_retries());
    let answer: Value = client.send(&ApiRequest::get("/v1/me")).await.unwrap();
    assert_eq!(answer["ok"], true);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_policy_allows_is_reported_not_waited() {
    let server = FaultServer::start(Arc::new(|_, _| {
        let mut action = problem(429, "rate_limited");
        if let Action::Respond { headers, .. } = &mut action {
            headers.push(("retry-after", "3600".into()));
        }
        action
    }))
    .await;
    let err = server
        .client(fast_retries())
        .send::<Value>(&ApiRequest::get("/v1/me"))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ApiError::RateLimited {
            retry_after_s: 3600
        }
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_problem_json_4xx_becomes_a_typed_problem_and_is_not_retried() {
    let server = FaultServer::start(Arc::new(|_, _| problem(402, "insufficient_funds"))).await;
    let request = ApiRequest::post("/v1/payments", &json!({}))
        .unwrap()
        .idempotency_key("k");
    let err = server
        .client(fast_retries())
        .send::<Value>(&request)
        .await
        .unwrap_err();
    assert_eq!(err.problem_code(), Some("insufficient_funds"));
    assert!(!err.outcome_unknown());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_post_without_idempotency_key_is_not_resent_after_the_connection_drops() {
    let server = FaultServer::start(Arc::new(|_, _| Action::Drop)).await;
    let request = ApiRequest::post("/v1/auth/login", &json!({"password": "x"})).unwrap();
    let err = server
        .client(fast_retries())
        .send::<Value>(&request)
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Network(NetworkFailure::Interrupted));
    assert!(err.outcome_unknown());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_slow_server_times_out_after_the_bounded_retries() {
    let server = FaultServer::start(Arc::new(|_, _| {
        Action::Delay(
            Duration::from_secs(5),
            Box::new(json_response(200, json!({}))),
        )
    }))
    .await;
    let policy = RetryPolicy {
        max_attempts: 2,
        ..fast_retries()
    };
    let request = ApiRequest::get("/v1/me").timeout(Duration::from_millis(100));
    let err = server
        .client(policy)
        .send::<Value>(&request)
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Timeout);
    assert_eq!(server.seen().len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut config = ApiConfig::new(
        &format!("http://127.0.0.1:{port}"),
        ApiKey::new("k").unwrap(),
    )
    .unwrap();
    config.retry = fast_retries();
    let err = ApiClient::new(config)
        .unwrap()
        .send::<Value>(&ApiRequest::get("/healthz"))
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::Network(NetworkFailure::Connect));
    assert!(!err.outcome_unknown());
}

#[tokio::test]
async fn exhausted_retries_on_5xx_leave_the_outcome_unknown() {
    let server = FaultServer::start(Arc::new(|_, _| problem(500, "internal"))).await;
    let request = ApiRequest::post("/v1/transfers", &json!({}))
        .unwrap()
        .idempotency_key("k");
    let err = server
        .client(fast_retries())
        .send::<Value>(&request)
        .await
        .unwrap_err();
    assert_eq!(err.problem_code(), Some("internal"));
    assert!(err.outcome_unknown());
    assert_eq!(server.seen().len(), 4);
}

fn pair(access: &str, refresh: &str) -> TokenPair {
    serde_json::from_value(json!({"access_token": access, "refresh_token": refresh})).unwrap()
}

#[tokio::test]
async fn concurrent_expired_calls_share_one_refresh() {
    let server = FaultServer::start(Arc::new(|seen: &Seen, _| {
        if seen.path == "/v1/auth/refresh" {
            return Action::Delay(
                Duration::from_millis(50),
                Box::new(json_response(
                    200,
                    json!({"access_token": "at_new", "refresh_token": "rt_new"}),
                )),
            );
        }
        match seen.header("authorization") {
            Some("Bearer at_new") => json_response(200, json!({"ok": true})),
            _ => problem(401, "invalid_token"),
        }
    }))
    .await;
    let client = server.client(fast_retries());
    client.session().set(pair("at_old", "rt_old"));
    let rotated = Arc::new(Mutex::new(0));
    let counter = rotated.clone();
    client
        .session()
        .on_rotation(Arc::new(move |_| *counter.lock().unwrap() += 1));
    let calls = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .send::<Value>(&ApiRequest::get("/v1/me").authenticated())
                .await
        })
    });
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap()["ok"], true);
    }
    let refreshes: Vec<Seen> = server
        .seen()
        .into_iter()
        .filter(|s| s.path == "/v1/auth/refresh")
        .collect();
    assert_eq!(refreshes.len(), 1, "refresh must be single-flight");
    assert!(
        refreshes[0]
            .header("idempotency-key")
            .is_some_and(|k| k.starts_with("refresh-"))
    );
    assert_eq!(*rotated.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_lost_refresh_response_is_retried_under_the_same_key() {
    let server = FaultServer::start(Arc::new(|seen: &Seen, n| {
        if seen.path == "/v1/auth/refresh" {
            // The first refresh's answer is lost on the way back.
            return if n == 1 {
                Action::Drop
            } else {
                json_response(200, json!({"access_token": "at2", "refresh_token": "rt2"}))
            };
        }
        match seen.header("authorization") {
            Some("Bearer at2") => json_response(200, json!({"ok": true})),
            _ => problem(401, "invalid_token"),
        }
    }))
    .await;
    let client = server.client(fast_retries());
    client.session().set(pair("at1", "rt1"));
    let answer: Value = client
        .send(&ApiRequest::get("/v1/me").authenticated())
        .await
        .unwrap();
    assert_eq!(answer["ok"], true);
    let keys: Vec<String> = server
        .seen()
        .into_iter()
        .filter(|s| s.path == "/v1/auth/refresh")
        .filter_map(|s| s.header("idempotency-key").map(str::to_string))
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn a_revoked_refresh_clears_the_session() {
    let server = FaultServer::start(Arc::new(|seen: &Seen, _| {
        if seen.path == "/v1/auth/refresh" {
            problem(401, "refresh_token_reused")
        } else {
            problem(401, "invalid_token")
        }
    }))
    .await;
    let client = server.client(fast_retries());
    client.session().set(pair("at1", "rt1"));
    let err = client
        .send::<Value>(&ApiRequest::get("/v1/me").authenticated())
        .await
        .unwrap_err();
    assert_eq!(err.problem_code(), Some("refresh_token_reused"));
    assert!(client.session().current().is_none());
    let err = client
        .send::<Value>(&ApiRequest::get("/v1/me").authenticated())
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::NotAuthenticated);
}

mod pinning {
    //! HTTPS with a private CA: pins on the leaf or the CA are honoured, a
    //! wrong pin or an unknown CA fails the handshake before any request.

    use super::*;
    use imwallet_core::api::{PinSet, SpkiPin};
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    struct TlsServer {
        base_url: String,
        ca: CertificateDer<'static>,
        leaf: CertificateDer<'static>,
        seen: Arc<Mutex<Vec<Seen>>>,
    }

    /// A private CA (trusted by the client in these tests, like a public one).
    struct Ca {
        params: CertificateParams,
        key: KeyPair,
        cert: rcgen::Certificate,
    }

    fn new_ca() -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        Ca { params, key, cert }
    }

    /// A leaf for 127.0.0.1 signed by `ca`, with its key.
    fn leaf_of(ca: &Ca) -> (CertificateDer<'static>, KeyPair) {
        let issuer = Issuer::from_params(&ca.params, &ca.key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        (leaf.der().clone(), leaf_key)
    }

    async fn start_tls_server() -> TlsServer {
        let ca = new_ca();
        let (leaf, leaf_key) = leaf_of(&ca);
        let chain = vec![leaf.clone(), ca.cert.der().clone()];
        let (base_url, seen) = serve_tls(chain, &leaf_key).await;
        TlsServer {
            base_url,
            ca: ca.cert.der().clone(),
            leaf,
            seen,
        }
    }

    /// An HTTPS server presenting `chain` (leaf first) with `key`.
    async fn serve_tls(
        chain: Vec<CertificateDer<'static>>,
        key: &KeyPair,
    ) -> (String, Arc<Mutex<Vec<Seen>>>) {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server_config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                chain,
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!(
            "https://127.0.0.1:{}",
            listener.local_addr().unwrap().port()
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let acceptor = acceptor.clone();
                let log = log.clone();
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let script: Script =
                            Arc::new(|_, _| json_response(200, json!({"secure": true})));
                        serve_connection(tls, script, log).await;
                    }
                });
            }
        });
        (base_url, seen)
    }

    fn client(server: &TlsServer, pins: Option<PinSet>, trust_ca: bool) -> ApiClient {
        let mut config = ApiConfig::new(&server.base_url, ApiKey::new("k").unwrap()).unwrap();
        config.retry = fast_retries();
        config.pins = pins;
        let roots = if trust_ca {
            vec![server.ca.clone()]
        } else {
            vec![]
        };
        ApiClient::with_extra_roots(config, &roots).unwrap()
    }

    fn unrelated_pin(seed: &[u8]) -> SpkiPin {
        SpkiPin::of_spki_der(seed)
    }

    #[tokio::test]
    async fn https_works_and_pins_on_the_leaf_or_the_ca_are_accepted() {
        let server = start_tls_server().await;
        let leaf_pin = SpkiPin::of_certificate(&server.leaf).unwrap();
        let ca_pin = SpkiPin::of_certificate(&server.ca).unwrap();
        for pins in [
            None,
            Some(PinSet::new(leaf_pin, unrelated_pin(b"backup"), []).unwrap()),
            Some(PinSet::new(unrelated_pin(b"old"), ca_pin, []).unwrap()),
        ] {
            let answer: Value = client(&server, pins, true)
                .send(&ApiRequest::get("/v1/me"))
                .await
                .unwrap();
            assert_eq!(answer["secure"], true);
        }
    }

    #[tokio::test]
    async fn a_pin_mismatch_fails_the_handshake_and_sends_nothing() {
        let server = start_tls_server().await;
        let pins = PinSet::new(unrelated_pin(b"a"), unrelated_pin(b"b"), []).unwrap();
        let err = client(&server, Some(pins), true)
            .send::<Value>(&ApiRequest::get("/v1/me"))
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::Network(NetworkFailure::Tls));
        assert!(server.seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn an_untrusted_ca_fails_even_when_the_pin_matches() {
        let server = start_tls_server().await;
        let leaf_pin = SpkiPin::of_certificate(&server.leaf).unwrap();
        let pins = PinSet::new(leaf_pin, unrelated_pin(b"b"), []).unwrap();
        let err = client(&server, Some(pins), false)
            .send::<Value>(&ApiRequest::get("/v1/me"))
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::Network(NetworkFailure::Tls));
        assert!(server.seen.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_rogue_chain_carrying_the_pinned_certificate_as_an_extra_is_refused() {
        // The genuine server's leaf and CA are pinned. An attacker holds a
        // certificate for the same host from another trusted CA and appends
        // the genuine (public) certificates to its chain: the verified path
        // (rogue leaf -> rogue CA) contains no pinned key.
        let genuine_ca = new_ca();
        let (genuine_leaf, _) = leaf_of(&genuine_ca);
        let rogue_ca = new_ca();
        let (rogue_leaf, rogue_key) = leaf_of(&rogue_ca);
        let chain = vec![
            rogue_leaf,
            rogue_ca.cert.der().clone(),
            genuine_leaf.clone(),
            genuine_ca.cert.der().clone(),
        ];
        let (base_url, seen) = serve_tls(chain, &rogue_key).await;
        let pins = PinSet::new(
            SpkiPin::of_certificate(&genuine_leaf).unwrap(),
            SpkiPin::of_certificate(genuine_ca.cert.der()).unwrap(),
            [],
        )
        .unwrap();
        let mut config = ApiConfig::new(&base_url, ApiKey::new("k").unwrap()).unwrap();
        config.retry = fast_retries();
        config.pins = Some(pins);
        let roots = [genuine_ca.cert.der().clone(), rogue_ca.cert.der().clone()];
        let err = ApiClient::with_extra_roots(config, &roots)
            .unwrap()
            .send::<Value>(&ApiRequest::get("/v1/me"))
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::Network(NetworkFailure::Tls));
        assert!(seen.lock().unwrap().is_empty());
    }
}
