//! Build-time facts for the crate and its benchmark.
//!
//! 1. Whether this crate is compiled for speed (opt-level 2 or 3). The
//!    hand-vectorised AVX2 path is the fastest Argon2id only when it is
//!    optimised for speed; built for size (opt-level "s"/"z") or not at all,
//!    the `argon2` crate is faster. `OPT_LEVEL` is the level of this package
//!    as built, per-package profile overrides included.
//! 2. Where the C reference (libargon2) for `benches/kdf.rs` is:
//!    `IMWALLET_LIBARGON2_DIR` (a directory holding `libargon2.a`, set by
//!    `benches/kdf-vs-libargon2-avx2.sh`), else the system's development
//!    library (`libargon2-dev`). Only the benchmark links it; without it the
//!    benchmark still builds and exits with a one-line message.
//!    `IMWALLET_KDF_NO_C_REFERENCE=1` builds as if neither were there (the
//!    fresh-clone path `scripts/tests/test_bench_messages.sh` checks).

use std::path::Path;

const SYSTEM_LIB_DIRS: [&str; 6] = [
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/usr/local/lib",
    "/opt/homebrew/lib",
];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(kdf_speed_optimised)");
    println!("cargo::rustc-check-cfg=cfg(kdf_c_reference)");
    println!("cargo::rerun-if-env-changed=OPT_LEVEL");
    println!("cargo::rerun-if-env-changed=IMWALLET_LIBARGON2_DIR");
    println!("cargo::rerun-if-env-changed=IMWALLET_KDF_NO_C_REFERENCE");
    let level = std::env::var("OPT_LEVEL").unwrap_or_default();
    println!("cargo::rustc-env=IMWALLET_KDF_OPT_LEVEL={level}");
    if level == "2" || level == "3" {
        println!("cargo::rustc-cfg=kdf_speed_optimised");
    }
    if std::env::var_os("IMWALLET_KDF_NO_C_REFERENCE").is_some_and(|v| v == "1") {
        return;
    }
    if let Some(dir) = std::env::var_os("IMWALLET_LIBARGON2_DIR") {
        // Searched before the system's directories.
        println!(
            "cargo::rustc-link-search=native={}",
            Path::new(&dir).display()
        );
        println!("cargo::rustc-cfg=kdf_c_reference");
        return;
    }
    let found = SYSTEM_LIB_DIRS.iter().any(|dir| {
        ["libargon2.so", "libargon2.a", "libargon2.dylib"]
            .iter()
            .any(|name| Path::new(dir).join(name).exists())
    });
    if found {
        println!("cargo::rustc-cfg=kdf_c_reference");
    }
}
