//! Argon2id at the vault's default parameters (m = 19 MiB, t = 2, p = 1,
//! 32-byte output): this crate's selected implementation vs the C reference
//! (libargon2, linked through a two-line FFI declaration) and vs the
//! portable `argon2` crate, same inputs, same run. Before timing, all must
//! produce the same key.
//!
//! The verdict compares like with like: fresh memory per call on both sides
//! (libargon2 allocates and frees per call, as the vault's unlock does).
//! Reused-workspace figures are printed beside it. Ratios are medians of an
//! interleaved A/B/C pass.
//!
//! The C reference is libargon2 from `libargon2-dev` (Debian builds it
//! without AVX2), or the upstream sources built with `-mavx2` by
//! `benches/kdf-vs-libargon2-avx2.sh`. Without either the benchmark exits
//! with a one-line message (see `build.rs`). Run it in either profile:
//! `scripts/bench.sh --profile release|bench kdf`.

#![allow(unsafe_code, missing_docs, clippy::unwrap_used, clippy::expect_used)]

#[cfg(kdf_c_reference)]
mod c_reference {
    use std::ffi::{c_int, c_void};

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

    /// The C reference, as called: it allocates and frees its memory per hash.
    pub fn hash(pwd: &[u8], salt: &[u8], (m, t, p): (u32, u32, u32)) -> [u8; 32] {
        let mut out = [0u8; 32];
        // SAFETY: every pointer is valid for the length passed with it, and
        // libargon2 writes exactly `hashlen` bytes to `hash`.
        let rc = unsafe {
            argon2id_hash_raw(
                t,
                m,
                p,
                pwd.as_ptr().cast(),
                pwd.len(),
                salt.as_ptr().cast(),
                salt.len(),
                out.as_mut_ptr().cast(),
                out.len(),
            )
        };
        assert_eq!(rc, 0, "libargon2 failed");
        out
    }
}

#[cfg(kdf_c_reference)]
fn main() {
    run::main();
}

#[cfg(not(kdf_c_reference))]
fn main() {
    eprintln!(
        "kdf bench: no C reference to compare with: install libargon2-dev (apt-get install libargon2-dev) or run kdf/benches/kdf-vs-libargon2-avx2.sh"
    );
    std::process::exit(2);
}

#[cfg(kdf_c_reference)]
mod run {
    use std::hint::black_box;
    use std::time::{Duration, Instant};

    use criterion::{Criterion, criterion_group};
    use imwallet_kdf::{Cost, Implementation, Workspace};

    use super::c_reference;

    const PASSWORD: &[u8] = b"correct horse battery staple";
    const SALT: [u8; 16] = *b"0123456789abcdef";
    const COST: Cost = Cost {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    fn c_ref() -> [u8; 32] {
        c_reference::hash(PASSWORD, &SALT, (COST.m_kib, COST.t, COST.p))
    }

    fn fresh(implementation: Implementation) -> [u8; 32] {
        let mut out = [0u8; 32];
        Workspace::new()
            .derive_with(implementation, PASSWORD, &SALT, COST, &mut out)
            .unwrap();
        out
    }

    fn reused(ws: &mut Workspace, implementation: Implementation) -> [u8; 32] {
        let mut out = [0u8; 32];
        ws.derive_with(implementation, PASSWORD, &SALT, COST, &mut out)
            .unwrap();
        out
    }

    fn bench_kdf(c: &mut Criterion) {
        let ours = Implementation::selected();
        assert_eq!(fresh(ours), c_ref(), "Rust and C disagree");
        let mut ws = Workspace::new();
        let mut g = c.benchmark_group("argon2id_m19MiB_t2_p1");
        g.sample_size(20).measurement_time(Duration::from_secs(4));
        g.bench_function("c_reference_as_called", |b| b.iter(|| black_box(c_ref())));
        g.bench_function("ours_fresh_memory", |b| b.iter(|| black_box(fresh(ours))));
        g.bench_function("ours_reused_workspace", |b| {
            b.iter(|| black_box(reused(&mut ws, ours)))
        });
        g.finish();
    }

    fn median(mut v: Vec<Duration>) -> f64 {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    }

    fn verdict(ok: bool) -> &'static str {
        if ok { "meets" } else { "MISSES" }
    }

    fn ratios(_c: &mut Criterion) {
        let ours = Implementation::selected();
        let portable = Implementation::Portable;
        let (mut ws_ours, mut ws_crate) = (Workspace::new(), Workspace::new());
        assert_eq!(fresh(portable), c_ref(), "argon2 crate and C disagree");
        assert_eq!(reused(&mut ws_ours, ours), c_ref());
        assert_eq!(reused(&mut ws_crate, portable), c_ref());
        let mut t = [const { Vec::new() }; 5];
        let time = |f: &mut dyn FnMut()| {
            let s = Instant::now();
            f();
            s.elapsed()
        };
        let rounds = 31;
        for _ in 0..rounds {
            t[0].push(time(&mut || {
                black_box(c_ref());
            }));
            t[1].push(time(&mut || {
                black_box(fresh(ours));
            }));
            t[2].push(time(&mut || {
                black_box(fresh(portable));
            }));
            t[3].push(time(&mut || {
                black_box(reused(&mut ws_ours, ours));
            }));
            t[4].push(time(&mut || {
                black_box(reused(&mut ws_crate, portable));
            }));
        }
        let [c, of, kf, or, kr] = t.map(median);
        println!(
            "\n== Argon2id m=19456 KiB t=2 p=1, interleaved, medians of {rounds} \
             (imwallet-kdf at opt-level {}, selected: {}) ==",
            env!("IMWALLET_KDF_OPT_LEVEL"),
            ours.name()
        );
        println!("C reference (libargon2, as called)        {c:>7.2} ms");
        println!(
            "ours, fresh memory per call               {of:>7.2} ms  ratio {:.3}x vs C (goal <= 1.25x: {})",
            of / c,
            verdict(of / c <= 1.25)
        );
        println!(
            "argon2 crate, fresh memory per call       {kf:>7.2} ms  ratio {:.3}x vs C; ours/crate {:.3}x (goal <= 1: {})",
            kf / c,
            of / kf,
            verdict(of <= kf)
        );
        println!(
            "ours, reused workspace                    {or:>7.2} ms  ratio {:.3}x vs C",
            or / c
        );
        println!(
            "argon2 crate, reused memory               {kr:>7.2} ms  ratio {:.3}x vs C",
            kr / c
        );
    }

    criterion_group!(benches, bench_kdf, ratios);

    pub fn main() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}
