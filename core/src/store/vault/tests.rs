//! Unit tests of the vault: create, unlock, lock, password change, platform
//! key, KDF upgrade and the brute-force limit.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use crate::crypto::SoftwarePlatformKeyStore;
use crate::store::clock::ManualClock;

fn fast() -> VaultOptions {
    VaultOptions {
        kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
        ..VaultOptions::default()
    }
}

fn new_vault(dir: &tempfile::TempDir, pw: &str) -> Vault {
    Vault::create(&VaultPaths::in_dir(dir.path()), &pw.into(), None, fast()).unwrap()
}

#[test]
fn vault_can_be_shared_across_threads_for_spawn_blocking() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Vault>();
    assert_send_sync::<VaultError>();
}

#[test]
fn created_vault_is_unlocked_and_reopens_locked() {
    let dir = tempfile::tempdir().unwrap();
    let v = new_vault(&dir, "pw");
    assert!(v.is_unlocked());
    v.settings().unwrap().set("k", b"v").unwrap();
    drop(v);
    let v = Vault::open(&VaultPaths::in_dir(dir.path()), fast()).unwrap();
    assert!(!v.is_unlocked());
    assert!(matches!(v.settings(), Err(VaultError::Locked)));
    v.unlock(&"pw".into()).unwrap();
    assert_eq!(
        v.settings().unwrap().get("k").unwrap().unwrap().expose(),
        b"v"
    );
    v.lock();
    assert!(matches!(v.tokens(), Err(VaultError::Locked)));
}

#[test]
fn creating_twice_or_opening_nothing_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    assert!(matches!(
        Vault::open(&paths, fast()),
        Err(VaultError::NoVault)
    ));
    drop(new_vault(&dir, "pw"));
    assert!(matches!(
        Vault::create(&paths, &"x".into(), None, fast()),
        Err(VaultError::AlreadyExists)
    ));
}

#[test]
fn real_vaults_refuse_kdf_parameters_below_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    let weak = KdfParams {
        m_kib: 1024,
        t: 1,
        p: 1,
    };
    let r = Vault::create(
        &VaultPaths::in_dir(dir.path()),
        &"pw".into(),
        Some(weak),
        VaultOptions::default(),
    );
    assert!(matches!(r, Err(VaultError::WeakKdfParams)));
}

#[test]
fn weak_stored_parameters_are_upgraded_on_the_next_successful_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    drop(new_vault(&dir, "pw"));
    let v = Vault::open(&paths, VaultOptions::default()).unwrap();
    assert_eq!(v.kdf_params().unwrap(), KdfPolicy::INSECURE_FOR_TESTS.floor);
    v.unlock(&"pw".into()).unwrap();
    assert_eq!(v.kdf_params().unwrap(), KdfParams::FLOOR);
    drop(v);
    let v = Vault::open(&paths, VaultOptions::default()).unwrap();
    v.unlock(&"pw".into()).unwrap();
}

#[test]
fn change_password_rewraps_the_dek_and_keeps_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    let v = new_vault(&dir, "old");
    v.settings().unwrap().set("k", b"kept").unwrap();
    assert!(matches!(
        v.change_password(&"wrong".into(), &"new".into()),
        Err(VaultError::WrongPassword { .. })
    ));
    v.change_password(&"old".into(), &"new".into()).unwrap();
    drop(v);
    let v = Vault::open(&paths, fast()).unwrap();
    assert!(matches!(
        v.unlock(&"old".into()),
        Err(VaultError::WrongPassword { .. })
    ));
    v.unlock(&"new".into()).unwrap();
    assert_eq!(
        v.settings().unwrap().get("k").unwrap().unwrap().expose(),
        b"kept"
    );
}

#[test]
fn platform_key_unlocks_without_the_password_and_a_foreign_key_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    let store = SoftwarePlatformKeyStore::generate().unwrap();
    let v = new_vault(&dir, "pw");
    v.settings().unwrap().set("k", b"v").unwrap();
    v.enable_platform_unlock(&store).unwrap();
    assert!(v.platform_unlock_enabled().unwrap());
    drop(v);
    let v = Vault::open(&paths, fast()).unwrap();
    let foreign = SoftwarePlatformKeyStore::generate().unwrap();
    assert!(matches!(
        v.unlock_with_platform_key(&foreign),
        Err(VaultError::PlatformKey(_))
    ));
    v.unlock_with_platform_key(&store).unwrap();
    assert_eq!(
        v.settings().unwrap().get("k").unwrap().unwrap().expose(),
        b"v"
    );
    v.disable_platform_unlock().unwrap();
    v.lock();
    assert!(matches!(
        v.unlock_with_platform_key(&store),
        Err(VaultError::PasswordUnlockRequired)
    ));
}

#[test]
fn ten_failures_disable_the_password_until_reset_after_relogin() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_000_000);
    let opts = VaultOptions {
        clock: clock.clone(),
        ..fast()
    };
    let paths = VaultPaths::in_dir(dir.path());
    let v = Vault::create(&paths, &"pw".into(), None, opts.clone()).unwrap();
    v.settings().unwrap().set("k", b"v").unwrap();
    v.outbox().unwrap().insert("pay", b"req").unwrap();
    v.lock();
    for _ in 0..10 {
        clock.advance(Duration::from_secs(100_000));
        assert!(matches!(
            v.unlock(&"bad".into()),
            Err(VaultError::WrongPassword { .. })
        ));
    }
    clock.advance(Duration::from_secs(100_000));
    assert!(matches!(
        v.unlock(&"pw".into()),
        Err(VaultError::ReloginRequired)
    ));
    v.reset_password_after_relogin(&"fresh".into()).unwrap();
    // Secrets under the old key are gone, the outbox header is kept.
    assert!(v.settings().unwrap().get("k").unwrap().is_none());
    let ops = v.outbox().unwrap().unresolved().unwrap();
    assert_eq!(ops.len(), 1);
    assert!(ops[0].request.is_none());
    v.lock();
    v.unlock(&"fresh".into()).unwrap();
}

/// Every path that re-wraps the DEK writes the sealed format, so an outbox
/// header erased afterwards refuses the next unlock (issue 10, item 3).
#[test]
fn every_re_wrap_keeps_the_vault_sealed() {
    for step in [
        "change password",
        "reset while unlocked",
        "reset while locked",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path());
        let v = new_vault(&dir, "pw");
        v.outbox().unwrap().insert("pay", b"req").unwrap();
        match step {
            "change password" => v.change_password(&"pw".into(), &"new".into()).unwrap(),
            "reset while unlocked" => v.reset_password_after_relogin(&"new".into()).unwrap(),
            _ => {
                v.lock();
                v.reset_password_after_relogin(&"new".into()).unwrap();
            }
        }
        v.lock();
        v.unlock(&"new".into()).unwrap();
        drop(v);
        rusqlite::Connection::open(&paths.main)
            .unwrap()
            .execute("UPDATE pending_operations SET header = NULL", [])
            .unwrap();
        let v = Vault::open(&paths, fast()).unwrap();
        assert!(
            matches!(v.unlock(&"new".into()), Err(VaultError::Crypto(_))),
            "{step}"
        );
        assert!(!v.is_unlocked(), "{step}");
    }
}
