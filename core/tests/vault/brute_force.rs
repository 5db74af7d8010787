//! Brute-force protection: the counter is committed before the guess is
//! checked, back-off grows after 5 failures, the password path closes after
//! 10, a wrong password deletes nothing, clock changes don't shorten waits,
//! and killing the process mid-guess never lowers the counter.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use imwallet_core::crypto::{KdfParams, KdfPolicy};
use imwallet_core::store::{
    BruteForcePolicy, ManualClock, Vault, VaultError, VaultOptions, VaultPaths,
};

use crate::support::{self, ChildRun, Lcg, PASSWORD};

fn opts(clock: std::sync::Arc<ManualClock>) -> VaultOptions {
    VaultOptions {
        clock,
        ..support::fast()
    }
}

fn wrong(v: &Vault) -> VaultError {
    v.unlock(&"not the password".into()).unwrap_err()
}

fn row_count(dir: &Path) -> i64 {
    let paths = VaultPaths::in_dir(dir);
    let c = rusqlite::Connection::open(&paths.main).unwrap();
    c.query_row(
        "SELECT (SELECT count(*) FROM settings) + (SELECT count(*) FROM pending_operations)
         + (SELECT count(*) FROM session_tokens) + (SELECT count(*) FROM vault_meta)",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn ten_wrong_passwords_then_the_right_one_behaves_as_specified() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_700_000_000);
    let paths = VaultPaths::in_dir(dir.path());
    let v = Vault::create(&paths, &PASSWORD.into(), None, opts(clock.clone())).unwrap();
    v.settings().unwrap().set("otp", b"seed").unwrap();
    v.outbox().unwrap().insert("pay", b"req").unwrap();
    v.lock();
    let before = row_count(dir.path());

    // Five free attempts.
    for left in (5..=9).rev() {
        assert!(
            matches!(wrong(&v), VaultError::WrongPassword { attempts_left } if attempts_left == left)
        );
    }
    // Then each further attempt waits 30 s, 60 s, 120 s, 240 s, 480 s.
    for (i, wait) in [30u64, 60, 120, 240, 480].into_iter().enumerate() {
        assert!(
            matches!(wrong(&v), VaultError::LockedOut { retry_after_s } if retry_after_s == wait)
        );
        // Even the right password is refused while waiting.
        assert!(matches!(
            v.unlock(&PASSWORD.into()),
            Err(VaultError::LockedOut { .. })
        ));
        clock.advance(Duration::from_secs(wait - 1));
        assert!(matches!(
            wrong(&v),
            VaultError::LockedOut { retry_after_s: 1 }
        ));
        clock.advance(Duration::from_secs(1));
        let left = 4 - i as u32;
        assert!(
            matches!(wrong(&v), VaultError::WrongPassword { attempts_left } if attempts_left == left)
        );
    }
    // Ten failures: the password path is closed, even for the right password,
    // however long one waits, and across restarts.
    clock.advance(Duration::from_secs(86_400 * 365));
    assert!(matches!(
        v.unlock(&PASSWORD.into()),
        Err(VaultError::ReloginRequired)
    ));
    drop(v);
    let v = Vault::open(&paths, opts(clock.clone())).unwrap();
    assert!(matches!(
        v.unlock(&PASSWORD.into()),
        Err(VaultError::ReloginRequired)
    ));
    assert_eq!(v.unlock_attempts().unwrap().consecutive_failures, 10);
    // Nothing was deleted.
    assert_eq!(row_count(dir.path()), before);
    // A server re-login re-opens the path.
    v.reset_password_after_relogin(&"new password".into())
        .unwrap();
    v.lock();
    v.unlock(&"new password".into()).unwrap();
    assert_eq!(v.unlock_attempts().unwrap().consecutive_failures, 0);
}

#[test]
fn a_success_before_the_limit_resets_the_consecutive_count() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(1_700_000_000);
    let v = Vault::create(
        &VaultPaths::in_dir(dir.path()),
        &PASSWORD.into(),
        None,
        opts(clock),
    )
    .unwrap();
    v.lock();
    for _ in 0..4 {
        wrong(&v);
    }
    v.unlock(&PASSWORD.into()).unwrap();
    let a = v.unlock_attempts().unwrap();
    assert_eq!((a.consecutive_failures, a.total_failures), (0, 4));
}

#[test]
fn setting_the_clock_back_does_not_shorten_the_back_off() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = 1_700_000_000;
    let clock = ManualClock::new(t0);
    let paths = VaultPaths::in_dir(dir.path());
    let v = Vault::create(&paths, &PASSWORD.into(), None, opts(clock.clone())).unwrap();
    v.lock();
    for _ in 0..5 {
        wrong(&v);
    }
    clock.advance(Duration::from_secs(30));
    assert!(matches!(
        wrong(&v),
        VaultError::WrongPassword { attempts_left: 4 }
    ));
    // Six failures: a 60 s wait. 20 s pass, then the user sets the clock a
    // day back: the wait restarts in full instead of growing shorter.
    clock.advance(Duration::from_secs(20));
    clock.set_wall(t0 - 86_400);
    assert!(matches!(
        wrong(&v),
        VaultError::LockedOut { retry_after_s: 60 }
    ));
    // After a restart (monotonic clock lost) it is still the full wait.
    drop(v);
    let v = Vault::open(&paths, opts(clock.clone())).unwrap();
    assert!(matches!(
        wrong(&v),
        VaultError::LockedOut { retry_after_s: 60 }
    ));
    clock.advance(Duration::from_secs(59));
    assert!(matches!(
        wrong(&v),
        VaultError::LockedOut { retry_after_s: 1 }
    ));
    // Moving the wall clock forward in the same process doesn't help either.
    clock.set_wall(t0 + 86_400);
    assert!(matches!(
        wrong(&v),
        VaultError::LockedOut { retry_after_s: 1 }
    ));
    clock.advance(Duration::from_secs(1));
    assert!(matches!(
        wrong(&v),
        VaultError::WrongPassword { attempts_left: 3 }
    ));
}

const GUESS_ENV: &str = "IMWALLET_GUESS_CHILD_DIR";

/// A vault for the kill test: real KDF cost (so a guess takes a while) and
/// no back-off (so the child never waits).
fn guess_options() -> VaultOptions {
    VaultOptions {
        kdf_policy: KdfPolicy::DEFAULT,
        brute_force: BruteForcePolicy {
            free_attempts: 100_000,
            max_attempts: 100_000,
            base_delay_s: 1,
        },
        ..VaultOptions::default()
    }
}

#[test]
fn child_guesser_reports_each_wrong_guess() {
    let (dir, limit) = match std::env::var(GUESS_ENV) {
        Ok(d) => {
            support::child_begin();
            (std::path::PathBuf::from(d), usize::MAX)
        }
        Err(_) => {
            let d = tempfile::tempdir().unwrap().keep();
            let p = VaultPaths::in_dir(&d);
            drop(
                Vault::create(
                    &p,
                    &PASSWORD.into(),
                    Some(KdfParams::FLOOR),
                    guess_options(),
                )
                .unwrap(),
            );
            (d, 2)
        }
    };
    let v = Vault::open(&VaultPaths::in_dir(&dir), guess_options()).unwrap();
    let mut out = std::io::stdout().lock();
    for _ in 0..limit {
        let e = v.unlock(&"wrong guess".into()).unwrap_err();
        assert!(matches!(e, VaultError::WrongPassword { .. }));
        writeln!(out, "RESULT").unwrap();
        out.flush().unwrap();
    }
    if limit != usize::MAX {
        assert_eq!(v.unlock_attempts().unwrap().consecutive_failures, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn killing_the_process_between_guess_and_result_never_lowers_the_counter() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    drop(
        Vault::create(
            &paths,
            &PASSWORD.into(),
            Some(KdfParams::FLOOR),
            guess_options(),
        )
        .unwrap(),
    );
    let counter = || {
        Vault::open(&paths, guess_options())
            .unwrap()
            .unlock_attempts()
            .unwrap()
            .consecutive_failures
    };
    let mut rng = Lcg(42);
    let mut in_flight_counted = 0;
    for _ in 0..30 {
        let before = counter();
        let child = ChildRun::spawn(
            "brute_force::child_guesser_reports_each_wrong_guess",
            &[(GUESS_ENV, dir.path().to_str().unwrap())],
        );
        std::thread::sleep(Duration::from_millis(20 + rng.below(150)));
        let results = child.kill().iter().filter(|l| *l == "RESULT").count() as u32;
        let after = counter();
        assert!(
            after >= before + results,
            "counter lowered: {before} + {results} > {after}"
        );
        assert!(after <= before + results + 1);
        if after == before + results + 1 {
            in_flight_counted += 1;
        }
    }
    eprintln!(
        "brute force kill test: {in_flight_counted}/30 kills landed mid-guess and were counted"
    );
    assert!(
        in_flight_counted > 0,
        "no kill landed between count and result"
    );
}
