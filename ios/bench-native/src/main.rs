//! `ffi-native-bench`: the native-Rust baseline for `ios/Sources/WalletKitBench`.
//!
//! Calls the very functions the Swift benchmark reaches through uniffi —
//! `imwallet_ffi::core_version()` (a trivial call) and
//! `imwallet_ffi::qr::parse_qr` on the PIX example — directly from Rust, with
//! the same warm-up and measurement loop, and prints one line per case:
//! `native <case> <ns per call>`. `scripts/swift/bench.sh` runs it in the same
//! run as the Swift side and reports the ratio.

use std::hint::black_box;
use std::time::Instant;

/// The PIX example of `docs/qr.md` (also used by the Swift bench and tests).
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000\
                   5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

/// Best-of-batches nanoseconds per call: `batches` timed runs of `iterations`
/// calls each after one untimed warm-up batch; the minimum is least disturbed
/// by the other work on a shared machine.
fn ns_per_call(iterations: u32, batches: u32, mut call: impl FnMut()) -> f64 {
    for _ in 0..iterations {
        call();
    }
    (0..batches)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iterations {
                call();
            }
            start.elapsed().as_nanos() as f64 / f64::from(iterations)
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let trivial = ns_per_call(200_000, 15, || {
        let _ = black_box(imwallet_ffi::core_version());
    });
    let parse = ns_per_call(50_000, 15, || {
        // The argument is an owned String, as the FFI hands it to Rust.
        let scanned = imwallet_ffi::qr::parse_qr(black_box(PIX.to_string()));
        assert!(black_box(scanned).is_ok(), "the PIX example must parse");
    });
    println!("native trivial {trivial:.1}");
    println!("native parse_pix {parse:.1}");
}
