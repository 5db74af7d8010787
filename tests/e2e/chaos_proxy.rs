//! The chaos proxy itself: each fault does what it claims to the real
//! sandbox behind it (nothing reaches the server, or the server commits and
//! the answer is lost, or the proxy answers on its own); and the client's
//! single-flight token refresh seen from the wire, against the real sandbox.

use imwallet_protocol::money::Currency;
use imwallet_tests::chaos::{ChaosProxy, Fault, FaultMix};
use imwallet_tests::wallet::{journey_config, open_wallet_at, sign_up};
use imwallet_tests::{TestServer, World};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends one request through the proxy; returns the raw answer (empty when
/// the connection was closed without one).
async fn through(proxy: &ChaosProxy, method: &str, path: &str, body: &str) -> String {
    let addr = proxy.base_url().trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).to_string()
}

async fn create_app(proxy: &ChaosProxy) -> String {
    through(proxy, "POST", "/v1/apps", r#"{"name":"chaos"}"#).await
}

#[tokio::test]
async fn each_fault_does_what_it_says_to_the_real_sandbox() {
    let server = TestServer::start().await;
    let proxy = ChaosProxy::start(server.sandbox.addr()).await.unwrap();
    let apps = || server.count("apps");

    let before = apps();
    assert!(create_app(&proxy).await.starts_with("HTTP/1.1 201"));
    assert_eq!(apps(), before + 1, "pass forwards");

    proxy.set_fault(Fault::DropBeforeServer);
    assert_eq!(create_app(&proxy).await, "");
    assert_eq!(
        apps(),
        before + 1,
        "dropped before the server: nothing committed"
    );

    proxy.set_fault(Fault::DropAfterServer);
    assert_eq!(create_app(&proxy).await, "");
    assert_eq!(
        apps(),
        before + 2,
        "dropped after the server: committed, answer lost"
    );

    for status in [503, 429] {
        proxy.set_fault(Fault::Status(status));
        let answer = create_app(&proxy).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{answer}"
        );
        assert!(answer.contains("application/problem+json"));
    }
    assert_eq!(
        apps(),
        before + 2,
        "injected statuses never reach the server"
    );

    proxy.set_fault(Fault::Delay(Duration::from_millis(50)));
    let answer = through(&proxy, "GET", "/healthz", "").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let stats = proxy.stats();
    assert_eq!(
        (
            stats.passed,
            stats.dropped_before,
            stats.dropped_after,
            stats.injected,
            stats.delayed
        ),
        (1, 1, 1, 2, 1)
    );
}

#[tokio::test]
async fn a_random_plan_is_reproducible_and_counts_every_request() {
    let server = TestServer::start().await;
    let mix = FaultMix {
        pass: 4,
        drop_before: 1,
        drop_after: 1,
        delay: 0,
        server_error: 1,
        rate_limited: 1,
        delay_by: Duration::ZERO,
    };
    let mut outcomes = Vec::new();
    for _ in 0..2 {
        let proxy = ChaosProxy::start(server.sandbox.addr()).await.unwrap();
        proxy.set_random(mix, 42);
        let mut seen = Vec::new();
        for _ in 0..40 {
            let answer = through(&proxy, "GET", "/healthz", "").await;
            seen.push(answer.get(..12).unwrap_or("").to_string());
        }
        let stats = proxy.stats();
        let total = stats.passed
            + stats.dropped_before
            + stats.dropped_after
            + stats.delayed
            + stats.injected;
        assert_eq!(total, proxy.requests());
        assert_eq!(total, 40);
        assert!(
            stats.passed > 0
                && stats.injected > 0
                && stats.dropped_before + stats.dropped_after > 0
        );
        outcomes.push(seen);
    }
    assert_eq!(outcomes[0], outcomes[1], "same seed, same faults");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_with_an_expired_token_cause_exactly_one_refresh() {
    let world = World::with(TestServer::start_with(journey_config(false), true).await).await;
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "Flo").await;
    let families_before = world.server.count("token_families");
    let refresh_tokens_before = world.server.count("refresh_tokens");

    // The access token expires on the server (its TTL is 900 s). Every
    // answer is held back 50 ms, so all calls reach the server with the
    // old token before the first 401 comes back: they overlap for sure.
    world.server.advance_s(901);
    let seen_before = proxy.exchanges().len();
    proxy.set_fault(Fault::Delay(Duration::from_millis(50)));
    const CALLS: usize = 16;
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let wallet = wallet.clone();
            tokio::spawn(async move {
                if i % 2 == 0 {
                    wallet.balance(Currency::Cny).await.map(|_| ())
                } else {
                    wallet.cards().await.map(|_| ())
                }
            })
        })
        .collect();
    for (i, call) in calls.into_iter().enumerate() {
        call.await
            .unwrap()
            .unwrap_or_else(|e| panic!("call {i} failed: {e:?}"));
    }
    proxy.set_fault(Fault::Pass);

    let during: Vec<_> = proxy.exchanges().split_off(seen_before);
    let refreshes = during
        .iter()
        .filter(|e| e.method == "POST" && e.path == "/v1/auth/refresh")
        .count();
    let expired = during.iter().filter(|e| e.status == Some(401)).count();
    assert_eq!(refreshes, 1, "one refresh for all calls: {during:?}");
    assert!(
        expired > 1,
        "the calls overlapped: several met the expired token ({expired}): {during:?}"
    );
    assert!(
        during
            .iter()
            .filter(|e| e.path != "/v1/auth/refresh")
            .all(|e| matches!(e.status, Some(200 | 401))),
        "{during:?}"
    );
    // The server agrees: the session was rotated once (one new refresh
    // token, same family, no reuse alarm), and the rotated token works.
    assert_eq!(
        world.server.count("refresh_tokens"),
        refresh_tokens_before + 1
    );
    assert_eq!(world.server.count("token_families"), families_before);
    let events = wallet.security_events().await.unwrap();
    assert!(
        !events
            .iter()
            .any(|e| e.kind == "refresh_token_reuse_detected"),
        "{events:?}"
    );
    wallet.balances().await.unwrap();
    assert_eq!(
        proxy.requests_to("POST", "/v1/auth/refresh"),
        1,
        "the new token is used without another refresh"
    );
}
