//! The password lock-out, shared by every place a password is checked
//! (`POST /v1/auth/login`, `/v1/me/password`, `/v1/me/unfreeze`): each
//! attempt is counted **before** its hash is verified ([`reserve`]), so
//! parallel guesses get at most [`MAX_FAILED`] checks; after the check
//! [`conclude`] resets the count or answers `wrong_password` /
//! `locked_out` and leaves a security event. Five wrong passwords lock the
//! account for [`LOCKOUT_S`] seconds, wherever they were typed.
//!
//! An identifier nobody registered (or a user of another app) goes
//! through [`reserve_unknown`] / [`conclude_unknown`]: the same counting
//! in memory ([`PhantomAttempts`]) and, in the caller, a verify against a
//! dummy hash, so it answers in the same time with the same problem.

use crate::auth::record_event;
use crate::limits::PhantomAttempts;
use crate::problem::{ErrorCode, Problem};
use rusqlite::{Connection, params};

/// Wrong passwords after which the account is locked.
pub const MAX_FAILED: i64 = 5;
/// Length of a lock, in seconds.
pub const LOCKOUT_S: i64 = 900;

/// `429 locked_out` with the seconds left.
pub fn locked_out(locked_until: i64, now: i64) -> Problem {
    Problem::of(ErrorCode::LockedOut).with("retry_after_s", (locked_until - now + 999) / 1000)
}

/// The decision after a counted attempt, shared by stored and phantom
/// counters: `failed` includes this attempt.
fn reserve_decision(failed: i64, locked_until: i64, now: i64) -> Result<(), Problem> {
    if locked_until > now {
        return Err(locked_out(locked_until, now));
    }
    if failed > MAX_FAILED {
        return Err(locked_out(now + LOCKOUT_S * 1000, now));
    }
    Ok(())
}

/// The answer to a wrong password after `failed` counted attempts: whether
/// it locks the account now, and the problem.
fn wrong_answer(failed: i64, locked_until: i64, now: i64) -> (bool, Problem) {
    if locked_until > now {
        return (false, locked_out(locked_until, now));
    }
    if failed >= MAX_FAILED {
        return (
            true,
            Problem::of(ErrorCode::LockedOut).with("retry_after_s", LOCKOUT_S),
        );
    }
    (
        false,
        Problem::of(ErrorCode::WrongPassword).with("attempts_left", MAX_FAILED - failed),
    )
}

/// Counts a password attempt on `user_id` before its hash is checked, in
/// one write: refuses a locked account, and locks one whose attempts in
/// flight and failed exceed [`MAX_FAILED`]. Returns the stored hash.
pub fn reserve(c: &Connection, user_id: &str, now: i64) -> Result<String, Problem> {
    let (hash, locked_until): (String, i64) = c.query_row(
        "SELECT password_hash, locked_until FROM users WHERE id = ?1",
        [user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if locked_until > now {
        return Err(locked_out(locked_until, now));
    }
    let failed: i64 = c.query_row(
        "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins",
        [user_id],
        |r| r.get(0),
    )?;
    if let Err(problem) = reserve_decision(failed, locked_until, now) {
        c.execute(
            "UPDATE users SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
            params![user_id, now + LOCKOUT_S * 1000],
        )?;
        return Err(problem.keeping_writes());
    }
    Ok(hash)
}

/// Concludes an attempt [`reserve`]d on `user_id` whose password was
/// checked (`ok`). A wrong one leaves the security event `failed_event`
/// and answers `wrong_password` (with `attempts_left`) or `locked_out`,
/// keeping its writes; a right one resets the count, unless the account
/// was locked while it was checked (parallel wrong guesses).
pub fn conclude(
    c: &Connection,
    user_id: &str,
    ok: bool,
    now: i64,
    failed_event: &str,
) -> Result<(), Problem> {
    let (failed, locked_until): (i64, i64) = c.query_row(
        "SELECT failed_logins, locked_until FROM users WHERE id = ?1",
        [user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if ok {
        if locked_until > now {
            return Err(locked_out(locked_until, now));
        }
        c.execute(
            "UPDATE users SET failed_logins = 0 WHERE id = ?1",
            [user_id],
        )?;
        return Ok(());
    }
    record_event(c, user_id, failed_event, now)?;
    let (lock, problem) = wrong_answer(failed, locked_until, now);
    if lock {
        c.execute(
            "UPDATE users SET failed_logins = 0, locked_until = ?2 WHERE id = ?1",
            params![user_id, now + LOCKOUT_S * 1000],
        )?;
    }
    Err(problem.keeping_writes())
}

/// [`reserve`] for an identifier that names no user of the calling app.
pub fn reserve_unknown(
    phantoms: &PhantomAttempts,
    identifier: &str,
    now: i64,
) -> Result<(), Problem> {
    phantoms.with(identifier, |(failed, locked_until)| {
        if *locked_until > now {
            return Err(locked_out(*locked_until, now));
        }
        *failed += 1;
        let decision = reserve_decision(*failed, *locked_until, now);
        if decision.is_err() {
            *failed = 0;
            *locked_until = now + LOCKOUT_S * 1000;
        }
        decision
    })
}

/// [`conclude`] for an identifier that names no user: always the answer
/// a wrong password gets.
pub fn conclude_unknown(phantoms: &PhantomAttempts, identifier: &str, now: i64) -> Problem {
    phantoms.with(identifier, |(failed, locked_until)| {
        let (lock, problem) = wrong_answer(*failed, *locked_until, now);
        if lock {
            *failed = 0;
            *locked_until = now + LOCKOUT_S * 1000;
        }
        problem
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_identifier_counts_down_and_locks_like_a_user() {
        let phantoms = PhantomAttempts::default();
        for left in (1..MAX_FAILED).rev() {
            reserve_unknown(&phantoms, "+8613800000000", 0).unwrap();
            let p = conclude_unknown(&phantoms, "+8613800000000", 0);
            assert_eq!(p.code, ErrorCode::WrongPassword);
            assert_eq!(p.extra["attempts_left"], left);
        }
        reserve_unknown(&phantoms, "+8613800000000", 0).unwrap();
        let p = conclude_unknown(&phantoms, "+8613800000000", 0);
        assert_eq!(p.code, ErrorCode::LockedOut);
        let p = reserve_unknown(&phantoms, "+8613800000000", 1000).unwrap_err();
        assert_eq!(p.code, ErrorCode::LockedOut);
        reserve_unknown(&phantoms, "+8613800000000", LOCKOUT_S * 1000).unwrap();
    }
}
