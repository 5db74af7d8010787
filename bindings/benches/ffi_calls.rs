//! The native baseline of the Kotlin SDK benchmark (`android/sdk/bench.sh`):
//! the exported functions called directly from Rust, no FFI, so the JVM
//! figures can be read as a ratio to them. A measured loop with warm-up
//! (median of rounds), printed as `native <case> <ns per call>` lines.
//!
//! `native_balances` is the baseline of `balances()` against a running
//! sandbox: the Kotlin benchmark signs a user up, closes its wallet and runs
//! this test with `IMWALLET_BENCH_URL`, `IMWALLET_BENCH_API_KEY`,
//! `IMWALLET_BENCH_DIR` (that wallet's data directory) and
//! `IMWALLET_BENCH_PASSWORD`, so both sides ask the same server for the same
//! account.
//!
//! Run: `cargo test --release -p imwallet-ffi --bench ffi_calls -- --ignored --nocapture`
//! (the shipping profile; libtest skips plain tests under `cargo bench`); the tests are
//! `#[ignore]`d so `cargo test --all-targets` does not spend time on them.

// A benchmark aborts on the first failure: there is no caller to hand an error to.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;

/// PIX manual 2.6.3 example, 137 bytes (as in `protocol/benches/qr.rs`).
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

/// Median nanoseconds per call of `f` over `rounds` rounds of `iters` calls,
/// after one warm-up round.
fn median_ns(rounds: usize, iters: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iters {
        f();
    }
    let mut per_call: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(iters)
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[per_call.len() / 2]
}

#[test]
#[ignore = "a benchmark: run by android/sdk/bench.sh"]
fn native_call_costs() {
    let trivial = median_ns(15, 200_000, || {
        black_box(imwallet_ffi::core_version().ok());
    });
    let parse = median_ns(15, 20_000, || {
        black_box(imwallet_ffi::qr::parse_qr(black_box(PIX).to_string()).is_ok());
    });
    println!("native core_version {trivial:.1}");
    println!("native parse_qr_pix {parse:.1}");
}

/// The variables the Kotlin benchmark sets for [`native_balances`].
fn bench_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run android/sdk/bench.sh"))
}

#[test]
#[ignore = "a benchmark: run by the Kotlin benchmark against its sandbox"]
fn native_balances() {
    let config = imwallet_ffi::wallet::WalletConfig {
        data_dir: bench_env("IMWALLET_BENCH_DIR"),
        base_url: bench_env("IMWALLET_BENCH_URL"),
        api_key: bench_env("IMWALLET_BENCH_API_KEY"),
        locale: None,
        request_timeout_ms: Some(5_000),
        pins: Vec::new(),
        sync_page_size: None,
    };
    let wallet = imwallet_ffi::wallet::Wallet::new(config).expect("open the benchmark's wallet");
    // The exports are async: this thread drives them, the library's own
    // runtime runs them (as on a phone).
    let driver = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    driver
        .block_on(wallet.unlock(bench_env("IMWALLET_BENCH_PASSWORD")))
        .expect("unlock the benchmark's wallet");
    let balances = median_ns(15, 200, || {
        black_box(driver.block_on(wallet.balances()).expect("balances"));
    });
    println!("native balances {balances:.1}");
}
