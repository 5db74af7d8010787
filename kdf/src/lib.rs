//! Argon2id (RFC 9106, version 1.3) for the vault's 32-byte key-encryption
//! key, with the fastest correct implementation this build and this CPU
//! offer.
//!
//! Two implementations compute the same function:
//! - [`Implementation::Avx2`]: the hand-vectorised compression (x86_64 with
//!   AVX2, detected at run time, no build flag: the shipped library stays
//!   portable);
//! - [`Implementation::Portable`]: the RustCrypto `argon2` crate.
//!
//! [`Implementation::selected`] picks AVX2 only where it is the faster one:
//! on an AVX2 CPU **and** when this crate is compiled for speed (opt-level
//! 2 or 3, see `build.rs`). Built for size or not optimised, intrinsics are
//! slower than the crate, so the crate is used. The workspace's `release`
//! profile compiles this crate (and `argon2`, `blake2`) at opt-level 3 while
//! the rest of the library is built for size; this is why the KDF is its own
//! crate.
//!
//! No I/O, no secrets kept: the working memory is wiped when a [`Workspace`]
//! is dropped, and the AVX2 path wipes its own scratch.

#[cfg(target_arch = "x86_64")]
mod avx2;

use argon2::{Algorithm, Argon2, Block, Params, Version};
use zeroize::Zeroize;

/// Output length in bytes (the vault's KEK size).
pub const OUT_LEN: usize = 32;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

/// Why a derivation did not happen. Messages carry no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KdfError {
    /// The parameters or input lengths are outside what Argon2id allows.
    #[error("invalid Argon2id parameters")]
    InvalidParams,
    /// The requested implementation cannot run on this CPU or target.
    #[error("this Argon2id implementation is unavailable here")]
    Unavailable,
}

/// One implementation of Argon2id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    /// Hand-vectorised BlaMka rounds on 256-bit registers (x86_64 + AVX2).
    Avx2,
    /// The RustCrypto `argon2` crate.
    Portable,
}

impl Implementation {
    /// The implementation [`Workspace::derive`] uses in this build on this
    /// CPU: AVX2 when the CPU has it and this crate is optimised for speed,
    /// the portable crate otherwise.
    pub fn selected() -> Self {
        if cfg!(kdf_speed_optimised) && Self::Avx2.available() {
            Self::Avx2
        } else {
            Self::Portable
        }
    }

    /// True when this implementation can run here.
    pub fn available(self) -> bool {
        match self {
            Self::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Self::Avx2 => avx2::available(),
            #[cfg(not(target_arch = "x86_64"))]
            Self::Avx2 => false,
        }
    }

    /// A short, stable name for benchmarks and logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Avx2 => "avx2",
            Self::Portable => "argon2-crate",
        }
    }
}

/// Argon2 working memory kept between derivations, so repeated hashing
/// (calibration, benchmarks) skips the allocation and page faults. Wiped on
/// drop.
#[derive(Default)]
pub struct Workspace {
    blocks: Vec<Block>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Workspace({} blocks)", self.blocks.len())
    }
}

impl Workspace {
    /// An empty workspace; memory is allocated on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Argon2id(`password`, `salt`) into `out` with the
    /// [selected](Implementation::selected) implementation; returns which
    /// one ran.
    pub fn derive(
        &mut self,
        password: &[u8],
        salt: &[u8],
        cost: Cost,
        out: &mut [u8; OUT_LEN],
    ) -> Result<Implementation, KdfError> {
        let chosen = Implementation::selected();
        self.derive_with(chosen, password, salt, cost, out)?;
        Ok(chosen)
    }

    /// Argon2id with a given implementation (tests and benchmarks compare
    /// them). `out` is written only on success.
    pub fn derive_with(
        &mut self,
        implementation: Implementation,
        password: &[u8],
        salt: &[u8],
        cost: Cost,
        out: &mut [u8; OUT_LEN],
    ) -> Result<(), KdfError> {
        let params = Params::new(cost.m_kib, cost.t, cost.p, Some(OUT_LEN))
            .map_err(|_| KdfError::InvalidParams)?;
        let needed = params.block_count();
        if self.blocks.len() < needed {
            self.blocks.resize(needed, Block::default());
        }
        match implementation {
            Implementation::Portable => Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password_into_with_memory(password, salt, out, &mut self.blocks[..needed])
                .map_err(|_| KdfError::InvalidParams),
            #[cfg(target_arch = "x86_64")]
            Implementation::Avx2 => {
                if !avx2::available() {
                    return Err(KdfError::Unavailable);
                }
                let cost = (cost.m_kib, cost.t, cost.p);
                if avx2::hash(password, salt, cost, needed, &mut self.blocks, out) {
                    Ok(())
                } else {
                    Err(KdfError::InvalidParams)
                }
            }
            #[cfg(not(target_arch = "x86_64"))]
            Implementation::Avx2 => Err(KdfError::Unavailable),
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        // Volatile writes: plain stores to memory about to be freed may be
        // optimised away.
        self.blocks.zeroize();
    }
}

/// Fails with a clear message when this x86_64 CPU lacks AVX2, unless
/// `IMWALLET_KDF_NO_AVX2=accept` says the run knowingly covers only the
/// portable path (then returns `false` and prints why). Tests of the AVX2
/// path call it first so they never pass without running.
#[doc(hidden)]
pub fn require_avx2_for_tests() -> bool {
    if Implementation::Avx2.available() {
        return true;
    }
    let accepted = std::env::var("IMWALLET_KDF_NO_AVX2").is_ok_and(|v| v == "accept");
    assert!(
        accepted,
        "this CPU has no AVX2, so the shipped AVX2 Argon2id path cannot be tested here; \
         set IMWALLET_KDF_NO_AVX2=accept to run only the portable path knowingly"
    );
    eprintln!("IGNORED: no AVX2 on this CPU (IMWALLET_KDF_NO_AVX2=accept)");
    false
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const VAULT_DEFAULT: Cost = Cost {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn derive(implementation: Implementation, cost: Cost) -> [u8; OUT_LEN] {
        let mut out = [0u8; OUT_LEN];
        Workspace::new()
            .derive_with(
                implementation,
                b"correct horse battery staple",
                b"0123456789abcdef",
                cost,
                &mut out,
            )
            .unwrap();
        out
    }

    /// Known answer at the vault's default cost for these inputs, recorded
    /// from the `argon2` crate; `benches/kdf.rs` checks that the C
    /// reference (libargon2) gives the same key for the same inputs before
    /// it times anything.
    const KNOWN_ANSWER: &str = "832e52b959b967b570ee4781f6c7bda7ced019ca266ac781fd2d94d4e853b0cd";

    #[test]
    fn the_portable_path_gives_the_known_answer() {
        assert_eq!(
            hex(&derive(Implementation::Portable, VAULT_DEFAULT)),
            KNOWN_ANSWER
        );
    }

    #[test]
    fn the_selected_path_gives_the_known_answer_and_says_which_it_is() {
        let mut out = [0u8; OUT_LEN];
        let used = Workspace::new()
            .derive(
                b"correct horse battery staple",
                b"0123456789abcdef",
                VAULT_DEFAULT,
                &mut out,
            )
            .unwrap();
        assert_eq!(used, Implementation::selected());
        assert_eq!(hex(&out), KNOWN_ANSWER);
    }

    #[test]
    fn a_build_optimised_for_speed_ships_the_avx2_path() {
        if !cfg!(kdf_speed_optimised) {
            eprintln!("not optimised for speed: the portable crate is the faster path here");
            assert_eq!(Implementation::selected(), Implementation::Portable);
            return;
        }
        if cfg!(target_arch = "x86_64") && require_avx2_for_tests() {
            assert_eq!(Implementation::selected(), Implementation::Avx2);
            assert_eq!(
                derive(Implementation::Avx2, VAULT_DEFAULT),
                derive(Implementation::Portable, VAULT_DEFAULT)
            );
        }
    }

    #[test]
    fn reused_workspace_gives_the_same_key_as_a_fresh_one() {
        let small = Cost {
            m_kib: 64,
            t: 1,
            p: 1,
        };
        let mut ws = Workspace::new();
        let (mut a, mut b) = ([0u8; OUT_LEN], [0u8; OUT_LEN]);
        ws.derive(b"pw", &[3; 16], small, &mut a).unwrap();
        ws.derive(b"pw", &[3; 16], small, &mut b).unwrap();
        assert_eq!(a, b);
        let mut c = [0u8; OUT_LEN];
        Workspace::new()
            .derive(b"pw", &[3; 16], small, &mut c)
            .unwrap();
        assert_eq!(a, c);
    }

    #[test]
    fn invalid_parameters_are_refused_and_write_nothing() {
        let mut out = [0u8; OUT_LEN];
        let bad = Cost {
            m_kib: 1,
            t: 0,
            p: 1,
        };
        for implementation in [Implementation::Portable, Implementation::Avx2] {
            let got = Workspace::new().derive_with(implementation, b"pw", &[1; 16], bad, &mut out);
            assert!(got.is_err(), "{implementation:?}");
        }
        assert_eq!(out, [0u8; OUT_LEN]);
    }
}
