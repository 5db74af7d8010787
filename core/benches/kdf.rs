//! Argon2id at the vault's default parameters (m = 19 MiB, t = 2, p = 1,
//! 32-byte output): this crate's KDF vs the C reference implementation
//! (libargon2 from Debian's `libargon2-dev`, linked through a two-line FFI
//! declaration), same inputs, same run. Before timing, both must produce the
//! same key. Ratios are from an interleaved A/B pass (medians).
//!
//! On x86_64 with AVX2 "ours" is the hand-vectorised compression in
//! `crypto::argon2_avx2` (run-time detected); the RustCrypto `argon2` crate
//! it falls back to elsewhere is timed too, with reused memory, for
//! comparison.
//!
//! Needs `apt-get install libargon2-dev` to link.

#![allow(unsafe_code, missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::ffi::{c_int, c_void};
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use imwallet_core::crypto::KdfParams;
use imwallet_core::crypto::Password;
use imwallet_core::crypto::kdf::{KdfWorkspace, derive_kek};

#[link(name = "argon2")]
unsafe extern "C" {
    fn argon2id_hash_raw(
        t_cost: u32,
        m_cost: u32,
        parallelism: u32,
        pwd: *const c_void,
        pwdlen: usize,
        salt: *const c_void,
        saltlen: usize,
        hash: *mut c_void,
        hashlen: usize,
    ) -> c_int;
}

const PASSWORD: &str = "correct horse battery staple";
const SALT: [u8; 16] = *b"0123456789abcdef";

/// The C reference, as called: it allocates and frees its memory per hash.
fn c_reference(p: &KdfParams) -> [u8; 32] {
    let mut out = [0u8; 32];
    // SAFETY: every pointer is valid for the length passed with it, and
    // libargon2 writes exactly `hashlen` bytes to `hash`.
    let rc = unsafe {
        argon2id_hash_raw(
            p.t,
            p.m_kib,
            p.p,
            PASSWORD.as_ptr().cast(),
            PASSWORD.len(),
            SALT.as_ptr().cast(),
            SALT.len(),
            out.as_mut_ptr().cast(),
            out.len(),
        )
    };
    assert_eq!(rc, 0, "libargon2 failed");
    out
}

fn ours_fresh(p: &KdfParams) -> [u8; 32] {
    *derive_kek(&PASSWORD.into(), &SALT, p).unwrap().expose()
}

fn ours_reused(ws: &mut KdfWorkspace, pw: &Password, p: &KdfParams) -> [u8; 32] {
    *ws.derive(pw, &SALT, p).unwrap().expose()
}

/// The `argon2` crate alone (its auto-vectorised AVX2 path), reused memory.
fn crate_reused(blocks: &mut Vec<argon2::Block>, p: &KdfParams) -> [u8; 32] {
    let params = argon2::Params::new(p.m_kib, p.t, p.p, Some(32)).unwrap();
    blocks.resize(params.block_count(), argon2::Block::default());
    let mut out = [0u8; 32];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into_with_memory(PASSWORD.as_bytes(), &SALT, &mut out, &mut blocks[..])
        .unwrap();
    out
}

fn bench_kdf(c: &mut Criterion) {
    let p = KdfParams::default();
    assert_eq!(ours_fresh(&p), c_reference(&p), "Rust and C disagree");
    let pw = Password::from(PASSWORD);
    let mut ws = KdfWorkspace::new();
    assert_eq!(ours_reused(&mut ws, &pw, &p), c_reference(&p));

    let mut g = c.benchmark_group("argon2id_m19MiB_t2_p1");
    g.sample_size(30).measurement_time(Duration::from_secs(5));
    g.bench_function("c_reference_as_called", |b| {
        b.iter(|| black_box(c_reference(&p)))
    });
    g.bench_function("ours_fresh_memory", |b| {
        b.iter(|| black_box(ours_fresh(&p)))
    });
    g.bench_function("ours_reused_workspace", |b| {
        b.iter(|| black_box(ours_reused(&mut ws, &pw, &p)))
    });
    g.finish();
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ratios(_c: &mut Criterion) {
    let p = KdfParams::default();
    let pw = Password::from(PASSWORD);
    let mut ws = KdfWorkspace::new();
    let mut blocks = Vec::new();
    assert_eq!(crate_reused(&mut blocks, &p), c_reference(&p));
    let (mut tc, mut tf, mut tr, mut tk) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let time = |f: &mut dyn FnMut()| {
        let s = Instant::now();
        f();
        s.elapsed()
    };
    for _ in 0..41 {
        tc.push(time(&mut || {
            black_box(c_reference(&p));
        }));
        tf.push(time(&mut || {
            black_box(ours_fresh(&p));
        }));
        tr.push(time(&mut || {
            black_box(ours_reused(&mut ws, &pw, &p));
        }));
        tk.push(time(&mut || {
            black_box(crate_reused(&mut blocks, &p));
        }));
    }
    let (c, f, r, k) = (median(tc), median(tf), median(tr), median(tk));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("\n== Argon2id m=19456 KiB t=2 p=1, interleaved A/B, medians of 41 ==");
    println!("C reference (libargon2, as called)      {:>7.2} ms", ms(c));
    println!(
        "ours, reused pre-touched workspace      {:>7.2} ms  ratio {:.3}x (goal <= 1.25x: {})",
        ms(r),
        ms(r) / ms(c),
        if ms(r) / ms(c) <= 1.25 {
            "meets"
        } else {
            "MISSES"
        }
    );
    println!(
        "ours, fresh memory per call             {:>7.2} ms  ratio {:.3}x",
        ms(f),
        ms(f) / ms(c)
    );
    println!(
        "argon2 crate alone, reused memory       {:>7.2} ms  ratio {:.3}x",
        ms(k),
        ms(k) / ms(c)
    );
}

criterion_group!(benches, bench_kdf, ratios);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
