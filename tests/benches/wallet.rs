//! Benchmarks of issue 4, each against a baseline measured in the same run:
//!
//! 1. **Journey**: the complete two-user + merchant journey (sign-up with
//!    codes, second-factor login, card binding, top-up, scan-and-pay,
//!    transfers by phone and by receive code, withdrawal, history sync,
//!    summary) through the `Wallet` facade, vs the same HTTP calls made with
//!    bare reqwest + serde (no vault, no outbox, no encryption). Key
//!    derivation is excluded: the vault uses the test KDF policy and the
//!    sandbox the test password-hash cost.
//! 2. **History sync of 10,000 transactions**: `Wallet::sync_history` into
//!    the encrypted cache of a fresh device vs paging the same transactions
//!    with bare reqwest and decoding them, after a warm-up round of each,
//!    in alternating order over at least 5 rounds.
//!
//! What is counted, not assumed:
//! - **API calls**: in one extra, untimed run of each side through the
//!   chaos proxy (passing everything), which counts every request; the
//!   outbox reads that fetch codes are the harness's, not the client's.
//! - **Durable commits**: SQLite's own commit counter of each vault file
//!   (`iChange` of the WAL-index header in `<file>-shm`, incremented once
//!   per committed write transaction). `vault.db` runs with
//!   `synchronous=FULL`, so each of its commits is an fsync; `cache.db`
//!   runs with `synchronous=NORMAL`.
//! - **Heap**: a counting global allocator that counts only threads of the
//!   client's runtime (and the main thread, which drives it); the sandbox
//!   and the proxy run on a runtime of their own, so their allocations are
//!   not the client's. A block freed on another thread than the one that
//!   allocated it would be missed; client and server share no buffers here.
//!
//! Run: `cargo bench -p imwallet-tests --bench wallet [journey|sync]`;
//! `IMWALLET_BENCH_ROUNDS` sets the sync rounds (default 5, at least 5).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use imwallet_core::wallet::{PayRequest, ReceiveCodeRequest, TransferTarget};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::{Purpose, TransactionPage};
use imwallet_tests::World;
use imwallet_tests::chaos::ChaosProxy;
use imwallet_tests::wallet::{
    PASSWORD, base_url, bind_card, journey_world, log_in, merchant_with_code, open_wallet_at,
    sign_up,
};
use serde_json::{Value, json};

#[path = "wallet/counting.rs"]
mod counting;

use counting::{
    ALLOCS, LIVE, PEAK, commits_since, mark_client_thread, unmark_client_thread, vault_commits,
};

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

/// Bare HTTP: reqwest + serde_json, the baseline.
struct Raw {
    http: reqwest::Client,
    base: String,
    key: String,
    token: Option<String>,
}

impl Raw {
    /// A client of the app of `world`, talking to `base` (the sandbox or a
    /// proxy in front of it).
    fn at(world: &World, base: &str) -> Raw {
        Raw {
            http: reqwest::Client::new(),
            base: base.to_owned(),
            key: world.api_key.clone(),
            token: None,
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        idem: bool,
    ) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("X-Api-Key", &self.key);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if idem {
            req = req.header("Idempotency-Key", format!("{:032x}", rand_u128()));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(&b).unwrap());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let bytes = resp.bytes().await.unwrap();
        assert!(
            status.is_success(),
            "{path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        }
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body), false)
            .await
    }

    async fn money(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body), true)
            .await
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None, false).await
    }
}

fn rand_u128() -> u128 {
    static N: AtomicUsize = AtomicUsize::new(1);
    let n = N.fetch_add(1, Ordering::Relaxed) as u128;
    n.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)
        ^ (Instant::now().elapsed().as_nanos())
}

async fn raw_user(world: &World, base: &str, phone: &str) -> Raw {
    let mut raw = Raw::at(world, base);
    raw.post(
        "/v1/verification-codes",
        json!({"purpose": "register", "destination": phone}),
    )
    .await;
    let code = world.code_for(phone).await;
    raw.post(
        "/v1/users",
        json!({"phone": phone, "password": PASSWORD, "code": code}),
    )
    .await;
    let challenge = raw
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": PASSWORD}),
        )
        .await;
    let code = world.code_for(phone).await;
    let tokens = raw
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": challenge["login_ticket"], "code": code}),
        )
        .await;
    raw.token = Some(tokens["access_token"].as_str().unwrap().to_owned());
    raw
}

fn cny(a: &str) -> Value {
    json!({"amount": a, "currency": "CNY"})
}

async fn raw_journey(world: &World, base: &str, payload: &str) {
    let (pa, pb) = (world.phone(), world.phone());
    let a = raw_user(world, base, &pa).await;
    let b = raw_user(world, base, &pb).await;
    let card = a
        .post(
            "/v1/cards",
            json!({"number": "4242424242424242", "expiry_month": 12, "expiry_year": 2099, "holder_name": "Li"}),
        )
        .await;
    let card_id = card["card_id"].as_str().unwrap().to_owned();
    let code = world.code_for(&pa).await;
    a.post(
        &format!("/v1/cards/{card_id}/verify"),
        json!({"code": code}),
    )
    .await;
    a.post(
        "/v1/quotes",
        json!({"operation": "top_up", "amount": cny("1000.00")}),
    )
    .await;
    a.money(
        "/v1/top-ups",
        json!({"card_id": card_id, "amount": cny("1000.00")}),
    )
    .await;
    a.money(
        "/v1/payments",
        json!({"payload": payload, "amount": cny("100.00")}),
    )
    .await;
    a.money(
        "/v1/transfers",
        json!({"to": {"phone": pb}, "amount": cny("20.00")}),
    )
    .await;
    let me = b.get("/v1/me").await;
    let code = imwallet_protocol::qr::build_receive_code(&imwallet_protocol::qr::ReceiveCodeSpec {
        initiation: imwallet_protocol::qr::Initiation::Dynamic,
        receiver: imwallet_protocol::qr::Receiver::User(me["user_id"].as_str().unwrap()),
        currency: Currency::Cny,
        amount: Some(yuan(1_234)),
        reference: None,
        name: "B",
        city: "NA",
        country: "CN",
        mcc: "0000",
    })
    .unwrap();
    a.money(
        "/v1/transfers",
        json!({"to": {"receive_code": code}, "amount": cny("12.34")}),
    )
    .await;
    a.post("/v1/verification-codes", json!({"purpose": "withdraw"}))
        .await;
    let code = world.code_for(&pa).await;
    a.money(
        "/v1/withdrawals",
        json!({"card_id": card_id, "amount": cny("30.00"), "code": code}),
    )
    .await;
    let page = a.get("/v1/transactions?updated_since=0&limit=200").await;
    let _: TransactionPage = serde_json::from_value(page).unwrap();
    a.get("/v1/balances").await;
}

/// The journey through the facade; returns the commits made to the two
/// wallets' `vault.db` and `cache.db` from just after `Wallet::open` on.
async fn facade_journey(world: &World, base: &str, payload: &str) -> (u32, u32) {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (
        open_wallet_at(world, da.path(), base),
        open_wallet_at(world, db.path(), base),
    );
    let opened = (vault_commits(da.path()), vault_commits(db.path()));
    let (pa, pb) = (world.phone(), world.phone());
    sign_up(world, &a, &pa, "A").await;
    sign_up(world, &b, &pb, "B").await;
    let card = bind_card(world, &a, &pa, "4242424242424242").await;
    a.quote(
        imwallet_protocol::wire::Operation::TopUp,
        yuan(100_000),
        None,
        None,
    )
    .await
    .unwrap();
    a.top_up(card.clone(), yuan(100_000)).await.unwrap();
    a.pay(PayRequest {
        payload: payload.to_owned(),
        amount: Some(yuan(10_000)),
        ..PayRequest::default()
    })
    .await
    .unwrap();
    a.transfer(TransferTarget::Phone(pb.clone()), yuan(2_000), None)
        .await
        .unwrap();
    let code = b
        .receive_code(ReceiveCodeRequest {
            currency: Currency::Cny,
            amount: Some(yuan(1_234)),
            reference: None,
        })
        .await
        .unwrap();
    a.pay(PayRequest {
        payload: code,
        ..PayRequest::default()
    })
    .await
    .unwrap();
    a.request_code(Purpose::Withdraw, None).await.unwrap();
    let code = world.code_for(&pa).await;
    a.withdraw(card, yuan(3_000), code).await.unwrap();
    a.sync_history(None, None).await.unwrap();
    a.spending_summary().await.unwrap();
    a.balances().await.unwrap();
    let (ca, cb) = (
        commits_since(da.path(), opened.0),
        commits_since(db.path(), opened.1),
    );
    (ca.0 + cb.0, ca.1 + cb.1)
}

fn median<T: PartialOrd + Copy>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// A proxy (passing everything) in front of the sandbox, started on the
/// server's runtime so its allocations are not counted as the client's.
async fn counting_proxy(world: &World, server: &tokio::runtime::Handle) -> ChaosProxy {
    let addr = world.server.sandbox.addr();
    server
        .spawn(async move { ChaosProxy::start(addr).await })
        .await
        .unwrap()
        .unwrap()
}

async fn bench_journey(world: &World, server: &tokio::runtime::Handle) {
    const ROUNDS: usize = 15;
    let direct = base_url(world);
    let (_, payload) = merchant_with_code(world, "Bench Cafe").await;
    // Warm-up.
    raw_journey(world, &direct, &payload).await;
    facade_journey(world, &direct, &payload).await;
    let (mut raw, mut facade, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let mut commits = (0, 0);
    for round in 0..ROUNDS {
        // Alternate which side runs first, so neither always meets the
        // server's state (WAL growth, caches) second.
        let mut time_raw = Duration::ZERO;
        let mut time_facade = Duration::ZERO;
        for side in [round % 2, 1 - round % 2] {
            let t = Instant::now();
            if side == 0 {
                raw_journey(world, &direct, &payload).await;
                time_raw = t.elapsed();
            } else {
                commits = facade_journey(world, &direct, &payload).await;
                time_facade = t.elapsed();
            }
        }
        raw.push(time_raw);
        facade.push(time_facade);
        ratios.push(time_facade.as_secs_f64() / time_raw.as_secs_f64());
    }
    // API calls, counted at a proxy in one untimed run of each side.
    let proxy = counting_proxy(world, server).await;
    raw_journey(world, &proxy.base_url(), &payload).await;
    let raw_calls = proxy.requests();
    facade_journey(world, &proxy.base_url(), &payload).await;
    let facade_calls = proxy.requests() - raw_calls;
    println!(
        "journey (2 users + merchant, KDF excluded): facade {:.1} ms, bare reqwest {:.1} ms, ratio {:.2}x \
         (medians of {ROUNDS} alternating rounds; per-round ratios {:.2}x-{:.2}x); \
         API calls: facade {facade_calls}, bare {raw_calls} (counted at a proxy); \
         commits in the last round: vault.db {} (synchronous=FULL, one fsync each), cache.db {}",
        ms(median(facade)),
        ms(median(raw.clone())),
        median(ratios.clone()),
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
        commits.0,
        commits.1,
    );
}

/// Pages every transaction with bare reqwest; returns how many.
async fn bare_paging(raw: &Raw) -> usize {
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    loop {
        let mut path = "/v1/transactions?updated_since=0&limit=200".to_owned();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: TransactionPage = serde_json::from_value(raw.get(&path).await).unwrap();
        seen += page.items.len();
        match page.next_cursor {
            Some(c) if !page.items.is_empty() => cursor = Some(c),
            _ => return seen,
        }
    }
}

/// One facade sync on a fresh device, logged in beforehand (untimed).
struct FacadeSync {
    time: Duration,
    peak_heap: isize,
    allocations: usize,
    commits: (u32, u32),
}

async fn facade_sync(world: &World, base: &str, phone: &str, n: usize) -> FacadeSync {
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(world, dir.path(), base);
    log_in(world, &wallet, phone, PASSWORD).await;
    let commits_before = vault_commits(dir.path());
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let allocs = ALLOCS.load(Ordering::Relaxed);
    let t = Instant::now();
    let report = wallet.sync_history(None, None).await.unwrap();
    let time = t.elapsed();
    let peak_heap = PEAK.load(Ordering::Relaxed) - before;
    let allocations = ALLOCS.load(Ordering::Relaxed) - allocs;
    assert_eq!(report.cached as usize, n);
    FacadeSync {
        time,
        peak_heap,
        allocations,
        commits: commits_since(dir.path(), commits_before),
    }
}

async fn bench_sync(world: &World, server: &tokio::runtime::Handle) {
    const N: usize = 10_000;
    let rounds: usize = std::env::var("IMWALLET_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(5);
    let direct = base_url(world);
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(world, dir.path(), &direct);
    let phone = world.phone();
    sign_up(world, &wallet, &phone, "Syncer").await;
    let card = bind_card(world, &wallet, &phone, "4242424242424242").await;
    drop(wallet);
    let mut raw = Raw::at(world, &direct);
    let challenge = raw
        .post(
            "/v1/auth/login",
            json!({"identifier": phone, "password": PASSWORD}),
        )
        .await;
    let code = world.code_for(&phone).await;
    let tokens = raw
        .post(
            "/v1/auth/login/verify",
            json!({"login_ticket": challenge["login_ticket"], "code": code}),
        )
        .await;
    raw.token = Some(tokens["access_token"].as_str().unwrap().to_owned());
    let raw = std::sync::Arc::new(raw);
    let t = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..16 {
        let raw = raw.clone();
        let card = card.clone();
        tasks.push(tokio::spawn(async move {
            for i in (w..N).step_by(16) {
                raw.money(
                    "/v1/top-ups",
                    json!({"card_id": card, "amount": cny(&format!("{}.00", 1 + i % 90))}),
                )
                .await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    println!(
        "seeded {N} transactions in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Warm-up of both sides, then alternating rounds.
    assert_eq!(bare_paging(&raw).await, N, "all transactions paged");
    facade_sync(world, &direct, &phone, N).await;
    let (mut bare, mut facade, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut peaks, mut allocations, mut commits) = (Vec::new(), Vec::new(), (0, 0));
    for round in 0..rounds {
        let mut time_bare = Duration::ZERO;
        let mut time_facade = Duration::ZERO;
        for side in [round % 2, 1 - round % 2] {
            if side == 0 {
                let t = Instant::now();
                assert_eq!(bare_paging(&raw).await, N);
                time_bare = t.elapsed();
            } else {
                let run = facade_sync(world, &direct, &phone, N).await;
                time_facade = run.time;
                peaks.push(run.peak_heap);
                allocations.push(run.allocations);
                commits = run.commits;
            }
        }
        bare.push(time_bare);
        facade.push(time_facade);
        ratios.push(time_facade.as_secs_f64() / time_bare.as_secs_f64());
    }
    // API calls, counted at a proxy in one untimed run of each side.
    let proxy = counting_proxy(world, server).await;
    let counted = Raw {
        http: reqwest::Client::new(),
        base: proxy.base_url(),
        key: raw.key.clone(),
        token: raw.token.clone(),
    };
    bare_paging(&counted).await;
    let bare_calls = proxy.requests();
    let wallet_dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(world, wallet_dir.path(), &proxy.base_url());
    log_in(world, &wallet, &phone, PASSWORD).await;
    let before_sync = proxy.requests();
    wallet.sync_history(None, None).await.unwrap();
    let facade_calls = proxy.requests() - before_sync;

    let facade_ms = ms(median(facade.clone()));
    let mib = |b: isize| b as f64 / (1024.0 * 1024.0);
    println!(
        "history sync of {N} transactions: facade {facade_ms:.0} ms ({:.1} us/txn), bare reqwest paging {:.0} ms, \
         ratio {:.2}x (medians of {rounds} alternating rounds after a warm-up; per-round ratios {:.2}x-{:.2}x)",
        facade_ms * 1e3 / N as f64,
        ms(median(bare)),
        median(ratios.clone()),
        ratios.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.iter().copied().fold(0.0, f64::max),
    );
    println!(
        "history sync, the client's own heap: peak {:.1} MiB above the start (median; max {:.1} MiB), \
         {:.1} allocations per transaction; API calls: facade {facade_calls}, bare {bare_calls} (counted at a proxy); \
         commits in the last round: vault.db {}, cache.db {}",
        mib(median(peaks.clone())),
        mib(peaks.iter().copied().max().unwrap_or(0)),
        median(allocations) as f64 / N as f64,
        commits.0,
        commits.1,
    );
}

fn main() {
    // The baseline's bare reqwest needs a process-wide rustls provider (the
    // core configures its own).
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The sandbox (and the counting proxy) on a runtime of their own, whose
    // threads the allocator does not count.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .on_thread_start(mark_client_thread)
        .build()
        .unwrap();
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let server = server_rt.handle().clone();
    for (name, journey) in [("journey", true), ("sync", false)] {
        if only.as_deref().is_some_and(|f| !name.contains(f)) {
            continue;
        }
        let world = server_rt.block_on(journey_world(false));
        // The main thread drives the client's futures (`block_on`).
        mark_client_thread();
        client_rt.block_on(async {
            if journey {
                bench_journey(&world, &server).await;
            } else {
                bench_sync(&world, &server).await;
            }
        });
        unmark_client_thread();
        let _in_server = server_rt.enter();
        drop(world);
    }
}
