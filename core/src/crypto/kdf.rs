//! Argon2id key derivation with stored, upgradable parameters.
//!
//! [`KdfPolicy`] holds the floors (never below m = 19 MiB, t = 2, p = 1, the
//! OWASP minimum for Argon2id) and the memory cap (48 MiB by default: more
//! crashes iOS app extensions and low-RAM phones). [`calibrate`] picks
//! parameters for a target unlock time within those bounds. The vault stores
//! the parameters next to the salt, so they can be raised later without
//! breaking old vaults.

use std::time::{Duration, Instant};

use imwallet_kdf::{Cost, Workspace};
use zeroize::Zeroizing;

use super::CryptoError;
use super::secret::{Password, SecretKey};

/// Salt length in bytes.
pub const SALT_LEN: usize = 16;

/// Argon2id cost parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The floor and default: m = 19 MiB, t = 2, p = 1.
    pub const FLOOR: KdfParams = KdfParams {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    /// True when every cost is at least the matching cost of `other`.
    pub fn at_least(&self, other: &KdfParams) -> bool {
        self.m_kib >= other.m_kib && self.t >= other.t && self.p >= other.p
    }

    fn cost(&self) -> Cost {
        Cost {
            m_kib: self.m_kib,
            t: self.t,
            p: self.p,
        }
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::FLOOR
    }
}

/// What parameters a vault must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfPolicy {
    /// Parameters below this are refused at creation and upgraded at unlock.
    pub floor: KdfParams,
    /// Memory ceiling in KiB for [`calibrate`].
    pub max_m_kib: u32,
}

impl KdfPolicy {
    /// The production policy: floor m = 19 MiB, t = 2, p = 1; cap 48 MiB.
    pub const DEFAULT: KdfPolicy = KdfPolicy {
        floor: KdfParams::FLOOR,
        max_m_kib: 48 * 1024,
    };

    /// A policy with the given floor, refused when it is below
    /// [`KdfParams::FLOOR`] (stricter floors and caps are allowed).
    pub fn new(floor: KdfParams, max_m_kib: u32) -> Result<Self, CryptoError> {
        if !floor.at_least(&KdfParams::FLOOR) || max_m_kib < floor.m_kib {
            return Err(CryptoError::Kdf);
        }
        Ok(Self { floor, max_m_kib })
    }

    /// **Tests only.** A tiny floor (m = 64 KiB, t = 1) so test suites that
    /// are not about the KDF stay fast. A vault created with it is upgraded
    /// to the production floor the first time it is unlocked under
    /// [`KdfPolicy::DEFAULT`].
    #[doc(hidden)]
    pub const INSECURE_FOR_TESTS: KdfPolicy = KdfPolicy {
        floor: KdfParams {
            m_kib: 64,
            t: 1,
            p: 1,
        },
        max_m_kib: 64,
    };

    /// True when `params` meet this policy's floor.
    pub fn accepts(&self, params: &KdfParams) -> bool {
        params.at_least(&self.floor)
    }
}

impl Default for KdfPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Derives the 256-bit key-encryption key from a password.
pub fn derive_kek(
    password: &Password,
    salt: &[u8],
    params: &KdfParams,
) -> Result<SecretKey, CryptoError> {
    KdfWorkspace::new().derive(password, salt, params)
}

/// Argon2 working memory kept between derivations, so repeated hashing
/// (calibration, benchmarks) skips the allocation and page faults. Wiped on
/// drop (by [`imwallet_kdf::Workspace`]).
#[derive(Debug, Default)]
pub struct KdfWorkspace {
    inner: Workspace,
}

impl KdfWorkspace {
    /// An empty workspace; memory is allocated on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Derives a key, reusing this workspace's memory, with the fastest
    /// correct Argon2id of this build and CPU
    /// ([`imwallet_kdf::Implementation::selected`]).
    pub fn derive(
        &mut self,
        password: &Password,
        salt: &[u8],
        params: &KdfParams,
    ) -> Result<SecretKey, CryptoError> {
        let mut out = Zeroizing::new([0u8; 32]);
        self.inner
            .derive(password.as_bytes(), salt, params.cost(), &mut out)
            .map_err(|_| CryptoError::Kdf)?;
        Ok(SecretKey::from_bytes(*out))
    }
}

/// Picks Argon2id parameters whose derivation takes about `target` on this
/// device: starts at the floor, raises memory up to the policy's cap, then
/// passes. Never returns parameters below the floor.
pub fn calibrate(target: Duration, policy: &KdfPolicy) -> Result<KdfParams, CryptoError> {
    let password = Password::from("calibration");
    let salt = [0x5a; SALT_LEN];
    let mut workspace = KdfWorkspace::new();
    let mut params = policy.floor;
    let time = |ws: &mut KdfWorkspace, p: &KdfParams| -> Result<Duration, CryptoError> {
        let start = Instant::now();
        ws.derive(&password, &salt, p)?;
        Ok(start.elapsed())
    };
    // Warm up once so page faults of the first allocation don't count.
    time(&mut workspace, &params)?;
    let mut elapsed = time(&mut workspace, &params)?;
    while elapsed < target && params.m_kib < policy.max_m_kib {
        let next_m = (params.m_kib.saturating_mul(2)).min(policy.max_m_kib);
        let scaled = elapsed.mul_f64(f64::from(next_m) / f64::from(params.m_kib));
        if scaled > target.mul_f64(1.25) {
            break;
        }
        params.m_kib = next_m;
        elapsed = time(&mut workspace, &params)?;
    }
    while elapsed < target {
        let per_pass = elapsed / params.t.max(1);
        if elapsed + per_pass > target.mul_f64(1.25) {
            break;
        }
        params.t += 1;
        elapsed += per_pass;
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    const SMALL: KdfParams = KdfParams {
        m_kib: 64,
        t: 1,
        p: 1,
    };

    #[test]
    fn same_password_and_salt_give_the_same_key() {
        let a = derive_kek(&"pw".into(), &[1; 16], &SMALL).unwrap();
        let b = derive_kek(&"pw".into(), &[1; 16], &SMALL).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn salt_password_and_params_each_change_the_key() {
        let base = derive_kek(&"pw".into(), &[1; 16], &SMALL).unwrap();
        assert_ne!(base, derive_kek(&"pw".into(), &[2; 16], &SMALL).unwrap());
        assert_ne!(base, derive_kek(&"pX".into(), &[1; 16], &SMALL).unwrap());
        let t2 = KdfParams { t: 2, ..SMALL };
        assert_ne!(base, derive_kek(&"pw".into(), &[1; 16], &t2).unwrap());
    }

    #[test]
    fn reused_workspace_gives_the_same_key_as_a_fresh_derivation() {
        let mut ws = KdfWorkspace::new();
        let a = ws.derive(&"pw".into(), &[3; 16], &SMALL).unwrap();
        let b = ws.derive(&"pw".into(), &[3; 16], &SMALL).unwrap();
        assert_eq!(a, b);
        assert_eq!(a, derive_kek(&"pw".into(), &[3; 16], &SMALL).unwrap());
    }

    #[test]
    fn policy_refuses_floors_below_the_hard_minimum() {
        assert!(KdfPolicy::new(SMALL, 1024).is_err());
        assert!(KdfPolicy::new(KdfParams::FLOOR, 1024).is_err());
        assert!(KdfPolicy::new(KdfParams::FLOOR, 48 * 1024).is_ok());
        assert!(!KdfPolicy::DEFAULT.accepts(&SMALL));
        assert!(KdfPolicy::DEFAULT.accepts(&KdfParams::FLOOR));
    }

    #[test]
    fn calibrate_never_goes_below_the_floor_nor_above_the_memory_cap() {
        // A zero target returns the floor itself after two derivations.
        let p = calibrate(Duration::ZERO, &KdfPolicy::DEFAULT).unwrap();
        assert_eq!(p, KdfParams::FLOOR);
        // A generous target may raise memory, but never past the cap.
        let policy = KdfPolicy::new(KdfParams::FLOOR, 24 * 1024).unwrap();
        let p = calibrate(Duration::from_millis(400), &policy).unwrap();
        assert!(p.at_least(&KdfParams::FLOOR));
        assert!(p.m_kib <= 24 * 1024);
    }
}
