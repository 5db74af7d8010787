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
//!    the encrypted cache vs paging the same transactions with bare reqwest
//!    and decoding them; time, and peak heap during the sync (counting
//!    allocator).
//!
//! Run: `cargo bench -p imwallet-tests --bench wallet`

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use imwallet_core::wallet::{PayRequest, ReceiveCodeRequest, TransferTarget};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::{Purpose, TransactionPage};
use imwallet_tests::World;
use imwallet_tests::wallet::{
    PASSWORD, base_url, bind_card, journey_world, log_in, merchant_with_code, open_wallet, sign_up,
};
use serde_json::{Value, json};

/// Counts live and peak heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator and only adds counters.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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
    fn new(world: &World) -> Raw {
        Raw {
            http: reqwest::Client::new(),
            base: base_url(world),
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

async fn raw_user(world: &World, phone: &str) -> Raw {
    let mut raw = Raw::new(world);
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

async fn raw_journey(world: &World, payload: &str) {
    let (pa, pb) = (world.phone(), world.phone());
    let a = raw_user(world, &pa).await;
    let b = raw_user(world, &pb).await;
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

async fn facade_journey(world: &World, payload: &str) {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open_wallet(world, da.path()), open_wallet(world, db.path()));
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
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn bench_journey() {
    let world = journey_world(false).await;
    let (_, payload) = merchant_with_code(&world, "Bench Cafe").await;
    // Warm-up.
    raw_journey(&world, &payload).await;
    facade_journey(&world, &payload).await;
    let (mut raw, mut facade) = (Vec::new(), Vec::new());
    for _ in 0..15 {
        let t = Instant::now();
        raw_journey(&world, &payload).await;
        raw.push(t.elapsed());
        let t = Instant::now();
        facade_journey(&world, &payload).await;
        facade.push(t.elapsed());
    }
    let (r, f) = (median(raw), median(facade));
    println!(
        "journey (2 users, 19 API calls, KDF excluded): facade {:.1} ms, bare reqwest {:.1} ms, ratio {:.2}x (median of 15)",
        f.as_secs_f64() * 1e3,
        r.as_secs_f64() * 1e3,
        f.as_secs_f64() / r.as_secs_f64()
    );
}

async fn bench_sync() {
    const N: usize = 10_000;
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    let phone = world.phone();
    sign_up(&world, &wallet, &phone, "Syncer").await;
    let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
    drop(wallet);
    let mut raw = Raw::new(&world);
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

    // Baseline: page and decode everything with bare reqwest.
    let t = Instant::now();
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
            _ => break,
        }
    }
    let bare = t.elapsed();
    assert_eq!(seen, N, "all transactions paged");

    // The facade on a fresh device: login, then sync into the encrypted cache.
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    log_in(&world, &wallet, &phone, PASSWORD).await;
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let t = Instant::now();
    let report = wallet.sync_history(None, None).await.unwrap();
    let synced = t.elapsed();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(report.cached as usize, N);
    println!(
        "history sync of {N} transactions: facade {:.0} ms ({:.1} µs/txn), bare reqwest paging {:.0} ms, ratio {:.2}x; peak heap during sync {:.1} MiB",
        synced.as_secs_f64() * 1e3,
        synced.as_secs_f64() * 1e6 / N as f64,
        bare.as_secs_f64() * 1e3,
        synced.as_secs_f64() / bare.as_secs_f64(),
        peak as f64 / (1024.0 * 1024.0)
    );
}

fn main() {
    // The baseline's bare reqwest needs a process-wide rustls provider (the
    // core configures its own).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let only = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    rt.block_on(async {
        if only.as_deref().is_none_or(|f| "journey".contains(f)) {
            bench_journey().await;
        }
        if only.as_deref().is_none_or(|f| "sync".contains(f)) {
            bench_sync().await;
        }
    });
}
