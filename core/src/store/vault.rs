//! The vault: creation, unlock (password or platform key), lock, password
//! change, KDF parameter upgrade, and the brute-force protection.
//!
//! Brute force: every password attempt is counted and **committed before**
//! the password is checked, so killing the process mid-check never lowers
//! the counter. After [`BruteForcePolicy::free_attempts`] consecutive
//! failures each further attempt waits `base_delay_s * 2^(failures - free)`
//! seconds; after [`BruteForcePolicy::max_attempts`] the password path is
//! disabled until the user signs in with the server again
//! ([`Vault::reset_password_after_relogin`]). The wait is measured both on
//! the wall clock (persisted; when the clock is found set back, the start of
//! the wait is moved to "now", so the wait restarts in full) and on the
//! process's monotonic clock, and the longer of the two applies. A wrong
//! password never deletes anything.

use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use rusqlite::{OptionalExtension, Transaction, params};

use super::clock::{Clock, SystemClock};
use super::db::{Database, DbPaths};
use super::error::{Result, VaultError};
use super::format::{PasswordWrap, key_check, platform_format, store_password_wrap};
use crate::crypto::kdf::{SALT_LEN, derive_kek};
use crate::crypto::{
    CryptoError, DataKey, KdfParams, KdfPolicy, Password, PlatformKeyStore, VaultFormat, VaultKeys,
};

pub use super::db::OpenReport;

/// Where a vault's files live.
pub type VaultPaths = DbPaths;

impl DbPaths {
    /// `dir/vault.db` and `dir/cache.db`.
    pub fn in_dir(dir: impl AsRef<std::path::Path>) -> Self {
        let dir = dir.as_ref();
        Self {
            main: dir.join("vault.db"),
            cache: dir.join("cache.db"),
        }
    }
}

/// Limits on password guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BruteForcePolicy {
    /// Consecutive failures allowed without waiting.
    pub free_attempts: u32,
    /// Consecutive failures after which the password path is disabled.
    pub max_attempts: u32,
    /// The first wait, doubled with each further failure.
    pub base_delay_s: u64,
}

impl Default for BruteForcePolicy {
    fn default() -> Self {
        Self {
            free_attempts: 5,
            max_attempts: 10,
            base_delay_s: 30,
        }
    }
}

impl BruteForcePolicy {
    /// The wait after `failures` consecutive failures (zero while free).
    pub fn delay_after(&self, failures: u32) -> Duration {
        if failures < self.free_attempts {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free_attempts).min(20);
        Duration::from_secs(self.base_delay_s.saturating_mul(1 << doublings))
    }
}

/// How a vault is opened.
#[derive(Clone)]
pub struct VaultOptions {
    /// KDF floors and memory cap; the floor is enforced at creation and
    /// weaker stored parameters are upgraded at the next unlock.
    pub kdf_policy: KdfPolicy,
    /// Password-guessing limits.
    pub brute_force: BruteForcePolicy,
    /// Time source for the back-off.
    pub clock: Arc<dyn Clock>,
    /// Number of reader connections.
    pub readers: usize,
}

impl Default for VaultOptions {
    fn default() -> Self {
        Self {
            kdf_policy: KdfPolicy::DEFAULT,
            brute_force: BruteForcePolicy::default(),
            clock: SystemClock::shared(),
            readers: 2,
        }
    }
}

impl std::fmt::Debug for VaultOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultOptions")
            .field("kdf_policy", &self.kdf_policy)
            .field("brute_force", &self.brute_force)
            .field("readers", &self.readers)
            .finish_non_exhaustive()
    }
}

/// The unlock counter as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnlockAttempts {
    /// Failures since the last success (an attempt counts as a failure until
    /// it is proven right).
    pub consecutive_failures: u32,
    /// Failures over the vault's life.
    pub total_failures: i64,
    /// Wall-clock second of the last attempt (or of the last clock rewind).
    pub last_attempt_s: i64,
}

struct Meta {
    salt: Vec<u8>,
    params: KdfParams,
    wrapped_dek: Vec<u8>,
    platform_wrapped_dek: Option<Vec<u8>>,
    key_check: Option<Vec<u8>>,
}

/// A password that opened the wrap: the DEK, the vault's format, and what
/// re-wrapping under the same password needs.
struct Verified {
    dek: DataKey,
    format: VaultFormat,
    wrap: PasswordWrap,
}

struct Unlocked {
    dek: DataKey,
    keys: Arc<VaultKeys>,
}

/// An encrypted local vault. `Send + Sync`; share it behind an `Arc` and
/// call it from `spawn_blocking`.
pub struct Vault {
    db: Database,
    options: VaultOptions,
    report: OpenReport,
    unlocked: RwLock<Option<Unlocked>>,
    last_attempt_mono: Mutex<Option<Duration>>,
    /// The session escrow key, kept across a lock ([`super::escrow`]).
    escrow: RwLock<Option<super::escrow::EscrowCipher>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("unlocked", &self.is_unlocked())
            .finish_non_exhaustive()
    }
}

fn load_meta(conn: &rusqlite::Connection) -> Result<Option<Meta>> {
    Ok(conn
        .query_row(
            "SELECT kdf_salt, kdf_m_kib, kdf_t, kdf_p, wrapped_dek, platform_wrapped_dek,
             key_check FROM vault_meta WHERE id = 1",
            [],
            |r| {
                Ok(Meta {
                    salt: r.get(0)?,
                    params: KdfParams {
                        m_kib: r.get(1)?,
                        t: r.get(2)?,
                        p: r.get(3)?,
                    },
                    wrapped_dek: r.get(4)?,
                    platform_wrapped_dek: r.get(5)?,
                    key_check: r.get(6)?,
                })
            },
        )
        .optional()?)
}

fn load_attempts(conn: &rusqlite::Connection) -> Result<UnlockAttempts> {
    Ok(conn.query_row(
        "SELECT consecutive_failures, total_failures, last_attempt_s
         FROM unlock_attempts WHERE id = 1",
        [],
        |r| {
            Ok(UnlockAttempts {
                consecutive_failures: r.get(0)?,
                total_failures: r.get(1)?,
                last_attempt_s: r.get(2)?,
            })
        },
    )?)
}

fn new_salt() -> Result<[u8; SALT_LEN]> {
    let mut salt = [0u8; SALT_LEN];
    crate::crypto::envelope::os_random(&mut salt)?;
    Ok(salt)
}

enum Gate {
    Proceed(u32),
    Wait(u64),
    Disabled,
}

impl Vault {
    fn open_db(paths: &VaultPaths, options: VaultOptions) -> Result<Self> {
        let (db, report) = Database::open(paths, options.readers, options.clock.wall_s())?;
        Ok(Self {
            db,
            options,
            report,
            unlocked: RwLock::new(None),
            last_attempt_mono: Mutex::new(None),
            escrow: RwLock::new(None),
        })
    }

    /// Creates a new vault protected by `password` and returns it unlocked.
    /// `params` defaults to the policy's floor and may not be below it.
    pub fn create(
        paths: &VaultPaths,
        password: &Password,
        params: Option<KdfParams>,
        options: VaultOptions,
    ) -> Result<Self> {
        let params = params.unwrap_or(options.kdf_policy.floor);
        if !options.kdf_policy.accepts(&params) {
            return Err(VaultError::WeakKdfParams);
        }
        if password.is_empty() {
            return Err(VaultError::InvalidInput("password must not be empty"));
        }
        let vault = Self::open_db(paths, options)?;
        let salt = new_salt()?;
        let kek = derive_kek(password, &salt, &params)?;
        let dek = DataKey::generate()?;
        let wrapped = dek.wrap(&kek, &salt, &params, VaultFormat::CURRENT)?;
        let check = key_check(&dek, VaultFormat::CURRENT)?;
        let now = vault.options.clock.wall_s();
        vault.db.write(|tx| {
            if load_meta(tx)?.is_some() {
                return Err(VaultError::AlreadyExists);
            }
            tx.execute(
                "INSERT INTO vault_meta (id, kdf_salt, kdf_m_kib, kdf_t, kdf_p, wrapped_dek,
                 key_check, created_at_s) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    &salt[..],
                    params.m_kib,
                    params.t,
                    params.p,
                    wrapped,
                    check,
                    now
                ],
            )?;
            Ok(())
        })?;
        vault.install(dek, VaultFormat::CURRENT, None)?;
        Ok(vault)
    }

    /// Opens an existing vault, locked. Fails with [`VaultError::NoVault`]
    /// when none was created, and [`VaultError::Corrupt`] when the
    /// money-state file is damaged (it is moved aside, never deleted).
    pub fn open(paths: &VaultPaths, options: VaultOptions) -> Result<Self> {
        let vault = Self::open_db(paths, options)?;
        if vault.db.read(load_meta)?.is_none() {
            return Err(VaultError::NoVault);
        }
        Ok(vault)
    }

    /// What opening found (cache rebuilt, versions migrated from).
    pub fn open_report(&self) -> OpenReport {
        self.report
    }

    /// The database handle, for repositories.
    pub(crate) fn db(&self) -> &Database {
        &self.db
    }

    /// The options the vault was opened with.
    pub fn options(&self) -> &VaultOptions {
        &self.options
    }

    /// Installs the keys of `dek`, holds the outbox to what `format`
    /// promises (a legacy vault is sealed, and re-wrapped when `wrap` allows;
    /// [`super::format`]), and adopts a session rotated while locked. On any
    /// failure the vault is locked again.
    fn install(
        &self,
        dek: DataKey,
        format: VaultFormat,
        wrap: Option<&PasswordWrap>,
    ) -> Result<()> {
        let keys = Arc::new(VaultKeys::from_dek(&dek)?);
        *self.unlocked.write().unwrap_or_else(|e| e.into_inner()) = Some(Unlocked {
            dek: dek.clone(),
            keys,
        });
        let adopted = self.settle_format(&dek, format, wrap).and_then(|()| {
            let cipher = self.escrow_cipher_for_unlocked()?;
            self.adopt_escrowed_session(&cipher)?;
            *self.escrow.write().unwrap_or_else(|e| e.into_inner()) = Some(cipher);
            Ok(())
        });
        if adopted.is_err() {
            self.lock();
        }
        adopted
    }

    /// The session escrow key, once this process has unlocked the vault.
    pub(super) fn escrow(&self) -> Option<super::escrow::EscrowCipher> {
        self.escrow
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// True while the keys are in memory.
    pub fn is_unlocked(&self) -> bool {
        self.unlocked
            .read()
            .map(|s| s.is_some())
            .unwrap_or_else(|e| e.into_inner().is_some())
    }

    /// Forgets the keys (they are zeroized once the last repository handle
    /// using them is dropped).
    pub fn lock(&self) {
        let mut slot = self.unlocked.write().unwrap_or_else(|e| e.into_inner());
        *slot = None;
    }

    /// The working keys, or [`VaultError::Locked`].
    pub(crate) fn keys(&self) -> Result<Arc<VaultKeys>> {
        let slot = self.unlocked.read().unwrap_or_else(|e| e.into_inner());
        slot.as_ref()
            .map(|u| Arc::clone(&u.keys))
            .ok_or(VaultError::Locked)
    }

    /// The stored unlock counter.
    pub fn unlock_attempts(&self) -> Result<UnlockAttempts> {
        self.db.read(load_attempts)
    }

    /// The stored KDF parameters.
    pub fn kdf_params(&self) -> Result<KdfParams> {
        Ok(self.db.read(load_meta)?.ok_or(VaultError::NoVault)?.params)
    }

    fn remaining_wait(&self, attempts: &UnlockAttempts, now: i64) -> Duration {
        let delay = self
            .options
            .brute_force
            .delay_after(attempts.consecutive_failures);
        if delay.is_zero() {
            return Duration::ZERO;
        }
        let wall_elapsed =
            Duration::from_secs(u64::try_from(now - attempts.last_attempt_s).unwrap_or(0));
        let wall_left = delay.saturating_sub(wall_elapsed);
        let mono_now = self.options.clock.monotonic();
        let mut anchor = self
            .last_attempt_mono
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        // First look at a running wait in this process: anchor it on the
        // monotonic clock, so moving the wall clock forward cannot end it.
        let at = *anchor.get_or_insert_with(|| mono_now.saturating_sub(wall_elapsed));
        let mono_left = delay.saturating_sub(mono_now.saturating_sub(at));
        wall_left.max(mono_left)
    }

    /// Checks the password-path gate and, if open, counts this attempt as a
    /// failure and commits that before the password is checked.
    fn count_attempt(&self) -> Result<u32> {
        let max = self.options.brute_force.max_attempts;
        let gate = self.db.write(|tx| {
            let mut attempts = load_attempts(tx)?;
            if attempts.consecutive_failures >= max {
                return Ok(Gate::Disabled);
            }
            let now = self.options.clock.wall_s();
            if now < attempts.last_attempt_s {
                // The clock was set back: restart the wait from now.
                tx.execute(
                    "UPDATE unlock_attempts SET last_attempt_s = ?1 WHERE id = 1",
                    [now],
                )?;
                attempts.last_attempt_s = now;
            }
            let wait = self.remaining_wait(&attempts, now);
            if !wait.is_zero() {
                return Ok(Gate::Wait(wait.as_secs_f64().ceil() as u64));
            }
            tx.execute(
                "UPDATE unlock_attempts SET consecutive_failures = consecutive_failures + 1,
                 total_failures = total_failures + 1, last_attempt_s = ?1 WHERE id = 1",
                [now],
            )?;
            Ok(Gate::Proceed(attempts.consecutive_failures + 1))
        })?;
        match gate {
            Gate::Disabled => Err(VaultError::ReloginRequired),
            Gate::Wait(retry_after_s) => Err(VaultError::LockedOut { retry_after_s }),
            Gate::Proceed(failures) => {
                *self
                    .last_attempt_mono
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(self.options.clock.monotonic());
                Ok(failures)
            }
        }
    }

    fn clear_failures(&self, tx: &Transaction<'_>) -> Result<()> {
        tx.execute(
            "UPDATE unlock_attempts SET consecutive_failures = 0 WHERE id = 1",
            [],
        )?;
        *self
            .last_attempt_mono
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    /// Checks `password` under brute-force protection; returns the DEK and
    /// the vault's format (the newer of what the wrap and the key check say).
    fn verify_password(&self, password: &Password) -> Result<Verified> {
        let failures = self.count_attempt()?;
        let meta = self.db.read(load_meta)?.ok_or(VaultError::NoVault)?;
        let kek = derive_kek(password, &meta.salt, &meta.params)?;
        match DataKey::unwrap(&kek, &meta.wrapped_dek, &meta.salt, &meta.params) {
            Ok((dek, wrap_format)) => {
                // The attempt was counted as a failure up front; take it back.
                self.db.write(|tx| {
                    tx.execute(
                        "UPDATE unlock_attempts SET total_failures = max(total_failures - 1, 0)
                         WHERE id = 1",
                        [],
                    )?;
                    Ok(())
                })?;
                // A wrap rolled back to an older, legacy copy does not
                // outvote a key check that already says sealed.
                let check_format = match meta.key_check.as_deref() {
                    Some(check) => VaultKeys::from_dek(&dek)?.open_key_check(check).ok(),
                    None => None,
                };
                let format = check_format.map_or(wrap_format, |f| f.max(wrap_format));
                if meta.key_check.is_none() {
                    // Vaults made before schema 3 get their key check now.
                    let check = key_check(&dek, format)?;
                    self.db.write(|tx| {
                        tx.execute("UPDATE vault_meta SET key_check = ?1 WHERE id = 1", [check])?;
                        Ok(())
                    })?;
                }
                let policy = self.options.kdf_policy;
                let mut wrap = PasswordWrap {
                    kek,
                    salt: meta.salt,
                    params: meta.params,
                };
                if policy.accepts(&wrap.params) {
                    self.db.write(|tx| self.clear_failures(tx))?;
                } else {
                    // Transparent upgrade to the current policy.
                    // The format stays what it was: a legacy vault is
                    // re-wrapped as sealed only after its rows are sealed.
                    let params = KdfParams {
                        m_kib: wrap.params.m_kib.max(policy.floor.m_kib),
                        t: wrap.params.t.max(policy.floor.t),
                        p: wrap.params.p.max(policy.floor.p),
                    };
                    let salt = new_salt()?;
                    wrap = PasswordWrap {
                        kek: derive_kek(password, &salt, &params)?,
                        salt: salt.to_vec(),
                        params,
                    };
                    let wrapped = dek.wrap(&wrap.kek, &wrap.salt, &wrap.params, format)?;
                    let check = key_check(&dek, format)?;
                    self.db.write(|tx| {
                        store_password_wrap(tx, &wrap, &wrapped, &check)?;
                        self.clear_failures(tx)
                    })?;
                }
                Ok(Verified { dek, format, wrap })
            }
            Err(CryptoError::Authentication) => Err(VaultError::WrongPassword {
                attempts_left: self
                    .options
                    .brute_force
                    .max_attempts
                    .saturating_sub(failures),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Unlocks with the password. Errors: [`VaultError::WrongPassword`],
    /// [`VaultError::LockedOut`], [`VaultError::ReloginRequired`].
    ///
    /// A sealed vault whose outbox rows lost their authenticated headers is
    /// refused with [`VaultError::Crypto`] (and stays locked); a legacy vault
    /// is sealed and re-wrapped here ([`super::format`]).
    pub fn unlock(&self, password: &Password) -> Result<()> {
        let verified = self.verify_password(password)?;
        self.install(verified.dek, verified.format, Some(&verified.wrap))
    }

    /// Re-wraps the DEK under a new password (rows are not re-encrypted).
    /// The old password is checked under brute-force protection.
    pub fn change_password(&self, old: &Password, new: &Password) -> Result<()> {
        if new.is_empty() {
            return Err(VaultError::InvalidInput("password must not be empty"));
        }
        let verified = self.verify_password(old)?;
        // Settle the format first: the new wrap says "sealed".
        self.install(verified.dek.clone(), verified.format, None)?;
        self.rewrap_with_password(&verified.dek, new)
    }

    /// Wraps `dek` under `password` as [`VaultFormat::CURRENT`]: only for a
    /// DEK whose outbox was settled by [`install`](Self::install).
    fn rewrap_with_password(&self, dek: &DataKey, password: &Password) -> Result<()> {
        let stored = self.kdf_params()?;
        let floor = self.options.kdf_policy.floor;
        let params = KdfParams {
            m_kib: stored.m_kib.max(floor.m_kib),
            t: stored.t.max(floor.t),
            p: stored.p.max(floor.p),
        };
        let salt = new_salt()?;
        let wrap = PasswordWrap {
            kek: derive_kek(password, &salt, &params)?,
            salt: salt.to_vec(),
            params,
        };
        self.write_password_wrap(dek, &wrap, VaultFormat::CURRENT)
    }

    /// Adds a second wrapping of the DEK by a platform key (biometric
    /// unlock). The vault must be unlocked.
    pub fn enable_platform_unlock(&self, store: &dyn PlatformKeyStore) -> Result<()> {
        let secret = {
            let slot = self.unlocked.read().unwrap_or_else(|e| e.into_inner());
            slot.as_ref()
                .ok_or(VaultError::Locked)?
                .dek
                .to_secret_bytes()
        };
        let wrapped = store.wrap(&secret)?;
        self.db.write(|tx| {
            tx.execute(
                "UPDATE vault_meta SET platform_wrapped_dek = ?1 WHERE id = 1",
                [wrapped],
            )?;
            Ok(())
        })
    }

    /// Removes the platform-key wrapping.
    pub fn disable_platform_unlock(&self) -> Result<()> {
        self.db.write(|tx| {
            tx.execute(
                "UPDATE vault_meta SET platform_wrapped_dek = NULL WHERE id = 1",
                [],
            )?;
            Ok(())
        })
    }

    /// True when a platform-key wrapping is stored.
    pub fn platform_unlock_enabled(&self) -> Result<bool> {
        Ok(self
            .db
            .read(load_meta)?
            .ok_or(VaultError::NoVault)?
            .platform_wrapped_dek
            .is_some())
    }

    /// Unlocks through the platform key store (the platform throttles its own
    /// biometric attempts; this path does not touch the password counter).
    pub fn unlock_with_platform_key(&self, store: &dyn PlatformKeyStore) -> Result<()> {
        let meta = self.db.read(load_meta)?.ok_or(VaultError::NoVault)?;
        let wrapped = meta
            .platform_wrapped_dek
            .ok_or(VaultError::PasswordUnlockRequired)?;
        let secret = store.unwrap(&wrapped)?;
        let dek = DataKey::from_secret_bytes(&secret)?;
        // Prove the DEK is this vault's before installing it; the check
        // also says the format (a legacy vault needs the password once).
        let keys = VaultKeys::from_dek(&dek)?;
        let check = meta.key_check.ok_or(VaultError::NotFound)?;
        let format = platform_format(keys.open_key_check(&check)?)?;
        self.install(dek, format, None)
    }

    /// After the user signed in with the server again (the caller's proof),
    /// sets a new password and re-enables the password path. If the vault is
    /// unlocked (e.g. by the platform key) the DEK is kept and only re-wrapped;
    /// otherwise a new DEK is made and every encrypted cache and secret that
    /// the old key protected is cleared (the server gives them back), while
    /// the outbox rows keep their plaintext id, kind, idempotency key and
    /// state so pending operations can still be reconciled.
    pub fn reset_password_after_relogin(&self, new: &Password) -> Result<()> {
        if new.is_empty() {
            return Err(VaultError::InvalidInput("password must not be empty"));
        }
        let existing = {
            let slot = self.unlocked.read().unwrap_or_else(|e| e.into_inner());
            slot.as_ref().map(|u| u.dek.clone())
        };
        let (dek, format, wrap) = match existing {
            Some(dek) => {
                // Unlocked means installed: the outbox is settled.
                self.rewrap_with_password(&dek, new)?;
                (dek, VaultFormat::CURRENT, None)
            }
            None => {
                let dek = DataKey::generate()?;
                let params = self.kdf_params()?;
                let floor = self.options.kdf_policy.floor;
                let params = KdfParams {
                    m_kib: params.m_kib.max(floor.m_kib),
                    t: params.t.max(floor.t),
                    p: params.p.max(floor.p),
                };
                let salt = new_salt()?;
                let wrap = PasswordWrap {
                    kek: derive_kek(new, &salt, &params)?,
                    salt: salt.to_vec(),
                    params,
                };
                // Legacy until `install` has sealed the kept outbox rows
                // under the new key (their old headers cannot be verified).
                let wrapped = dek.wrap(&wrap.kek, &wrap.salt, &wrap.params, VaultFormat::Legacy)?;
                let check = key_check(&dek, VaultFormat::Legacy)?;
                self.db.write(|tx| {
                    store_password_wrap(tx, &wrap, &wrapped, &check)?;
                    tx.execute_batch(
                        "UPDATE vault_meta SET platform_wrapped_dek = NULL;
                         DELETE FROM profile; DELETE FROM session_tokens; DELETE FROM cards;
                         DELETE FROM session_escrow;
                         DELETE FROM settings; DELETE FROM cache.transactions;
                         DELETE FROM cache.points; DELETE FROM cache.coupons;
                         UPDATE pending_operations SET request = x'', result = NULL,
                             header = NULL;",
                    )?;
                    Ok(())
                })?;
                (dek, VaultFormat::Legacy, Some(wrap))
            }
        };
        self.db.write(|tx| self.clear_failures(tx))?;
        self.install(dek, format, wrap.as_ref())
    }
}

#[cfg(test)]
mod tests;
