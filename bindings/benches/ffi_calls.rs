//! The native baseline of the Kotlin SDK benchmark (`android/sdk/bench.sh`):
//! the exported functions called directly from Rust, no FFI, so the JVM
//! figures can be read as a ratio to them. A measured loop with warm-up
//! (median of rounds), printed as `native <case> <ns per call>` lines.
//!
//! Run: `cargo test --profile bench -p imwallet-ffi --bench ffi_calls -- --ignored --nocapture`
//! (libtest skips plain tests under `cargo bench`); it is `#[ignore]`d so `cargo test --all-targets`
//! does not spend time on it.

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
