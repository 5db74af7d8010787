//! Verification codes: 6 digits, valid for a configured time (10 minutes),
//! single use, void after a configured number of wrong tries (5), no resend
//! sooner than 60 s, a daily cap per destination and purpose (so requests
//! of one purpose never use up another's). The second factor of a login
//! with a correct password is [`Delivery::SecondFactor`]: neither the
//! throttle nor the daily cap, which anyone knowing the phone number can
//! exhaust, applies to it. The sandbox never sends
//! anything: it keeps each code in the outbox table served by
//! `GET /v1/sandbox/outbox` (unless sandbox endpoints are disabled) and logs
//! only that a code went out, to a masked destination — never the code.

use crate::config::CodeRules;
use crate::problem::{ErrorCode, Problem};
use crate::secrets::new_code;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// A destination for logs: the last 4 characters of a phone, the domain
/// of an e-mail.
fn mask_destination(destination: &str) -> String {
    match destination.split_once('@') {
        Some((_, domain)) => format!("***@{domain}"),
        None => {
            let tail: String = destination
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            format!("***{tail}")
        }
    }
}

/// What a code is for; a code only verifies the purpose it was sent for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Create an account.
    Register,
    /// Second factor after the password.
    Login,
    /// Set a new password without the old one.
    ResetPassword,
    /// Confirm a newly bound card.
    BindCard,
    /// Confirm a withdrawal.
    Withdraw,
}

impl Purpose {
    /// Wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::Login => "login",
            Purpose::ResetPassword => "reset_password",
            Purpose::BindCard => "bind_card",
            Purpose::Withdraw => "withdraw",
        }
    }
}

/// How a code travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Text message to a phone number.
    Sms,
    /// E-mail.
    Email,
}

/// A validated destination: an E.164 phone number or an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `+8613800138000`
    Phone(String),
    /// `a@example.com` (lower-cased)
    Email(String),
}

impl Destination {
    /// Validates a phone number (E.164: `+` then 8 to 15 digits).
    pub fn phone(s: &str) -> Result<Destination, Problem> {
        let digits = s.strip_prefix('+').unwrap_or("");
        if (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
        {
            Ok(Destination::Phone(s.to_owned()))
        } else {
            Err(Problem::new(
                ErrorCode::InvalidDestination,
                "phone numbers are E.164: + and 8 to 15 digits",
            ))
        }
    }

    /// Validates an e-mail address (one `@`, non-empty parts, a dot in the
    /// domain, at most 254 characters).
    pub fn email(s: &str) -> Result<Destination, Problem> {
        let ok = s.len() <= 254
            && !s.chars().any(char::is_whitespace)
            && matches!(s.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !d.contains('@'));
        if ok {
            Ok(Destination::Email(s.to_ascii_lowercase()))
        } else {
            Err(Problem::new(
                ErrorCode::InvalidDestination,
                "not a valid e-mail address",
            ))
        }
    }

    /// Parses either form: a leading `+` means a phone number.
    pub fn parse(s: &str) -> Result<Destination, Problem> {
        if s.starts_with('+') {
            Destination::phone(s)
        } else {
            Destination::email(s)
        }
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        match self {
            Destination::Phone(s) | Destination::Email(s) => s,
        }
    }

    /// The channel codes to this destination use.
    pub fn channel(&self) -> Channel {
        match self {
            Destination::Phone(_) => Channel::Sms,
            Destination::Email(_) => Channel::Email,
        }
    }
}

/// A code that was sent.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    /// Channel used.
    pub channel: Channel,
    /// Where it went.
    pub destination: String,
    /// What it is for.
    pub purpose: Purpose,
    /// Expiry, Unix ms.
    pub expires_at: i64,
    /// Earliest time another code may be requested, Unix ms.
    pub resend_after: i64,
}

/// The resend throttle and the daily cap of `purpose` for `dest`.
fn check_request_limits(
    conn: &Connection,
    rules: &CodeRules,
    now: i64,
    dest: &Destination,
    purpose: Purpose,
) -> Result<(), Problem> {
    let last: Option<i64> = conn
        .prepare_cached(
            "SELECT created_at FROM codes WHERE destination = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![dest.as_str(), purpose.as_str()], |r| r.get(0))
        .optional()?;
    if let Some(last) = last {
        let wait_ms = last + rules.resend_after_s * 1000 - now;
        if wait_ms > 0 {
            return Err(
                Problem::of(ErrorCode::ResendTooSoon).with("retry_after_s", (wait_ms + 999) / 1000)
            );
        }
    }
    let today: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM codes WHERE destination = ?1 AND purpose = ?2 AND created_at > ?3",
        )?
        .query_row(
            params![dest.as_str(), purpose.as_str(), now - 86_400_000],
            |r| r.get(0),
        )?;
    if today >= i64::from(rules.daily_cap) {
        return Err(Problem::of(ErrorCode::DailyCodeLimit).with("retry_after_s", 3600));
    }
    Ok(())
}

/// Why a code is sent, which decides the limits that apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Someone asked for it (`POST /v1/verification-codes`): the resend
    /// throttle and the per-purpose daily cap apply.
    Requested,
    /// The second factor of a login whose password was right: the caller
    /// bounds these per user ([`CodeRules::second_factor_daily_cap`]).
    SecondFactor,
}

/// Sends (logs and stores) a new code, enforcing for a
/// [`Delivery::Requested`] one the resend throttle and the daily cap of
/// its purpose. A new code voids the older active ones of the same purpose.
/// The outbox shows it to the app that owns the destination's user, or,
/// for a destination nobody registered yet, to `requesting_app`.
pub fn send(
    conn: &Connection,
    rules: &CodeRules,
    now: i64,
    dest: &Destination,
    purpose: Purpose,
    requesting_app: &str,
    delivery: Delivery,
) -> Result<Sent, Problem> {
    if delivery == Delivery::Requested {
        check_request_limits(conn, rules, now, dest, purpose)?;
    }
    conn.prepare_cached(
        "UPDATE codes SET state = 'void' WHERE destination = ?1 AND purpose = ?2 AND state = 'active'",
    )?
    .execute(params![dest.as_str(), purpose.as_str()])?;
    let code = new_code();
    let expires_at = now + rules.ttl_s * 1000;
    conn.prepare_cached(
        "INSERT INTO codes (destination, purpose, code, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![dest.as_str(), purpose.as_str(), code, now, expires_at])?;
    let channel = dest.channel();
    let owner: Option<String> = conn
        .prepare_cached("SELECT app_id FROM users WHERE phone = ?1 OR email = ?1")?
        .query_row([dest.as_str()], |r| r.get(0))
        .optional()?;
    let app = owner.as_deref().unwrap_or(requesting_app);
    conn.prepare_cached(
        "INSERT INTO outbox (channel, destination, purpose, code, sent_at, app_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        match channel {
            Channel::Sms => "sms",
            Channel::Email => "email",
        },
        dest.as_str(),
        purpose.as_str(),
        code,
        now,
        app
    ])?;
    // The sandbox "sends" into its outbox (`GET /v1/sandbox/outbox`); the log
    // says only that a code went out, never the code or the full destination.
    tracing::info!(
        destination = %mask_destination(dest.as_str()),
        purpose = purpose.as_str(),
        "verification code sent to the sandbox outbox"
    );
    Ok(Sent {
        channel,
        destination: dest.as_str().to_owned(),
        purpose,
        expires_at,
        resend_after: now + rules.resend_after_s * 1000,
    })
}

/// Checks and consumes a code. A wrong try is counted even though the
/// caller's transaction fails (the problem keeps its writes).
pub fn verify(
    conn: &Connection,
    rules: &CodeRules,
    now: i64,
    destination: &str,
    purpose: Purpose,
    code: &str,
) -> Result<(), Problem> {
    let row: Option<(i64, String, i64, u32, String)> = conn
        .prepare_cached(
            "SELECT id, code, expires_at, attempts, state FROM codes
             WHERE destination = ?1 AND purpose = ?2 ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![destination, purpose.as_str()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    let Some((id, expected, expires_at, attempts, state)) = row else {
        return Err(Problem::new(
            ErrorCode::CodeInvalid,
            "no code was requested for this destination and purpose",
        )
        .with("attempts_left", 0));
    };
    match state.as_str() {
        "used" => return Err(Problem::of(ErrorCode::CodeAlreadyUsed)),
        "void" if attempts >= rules.max_attempts => {
            return Err(Problem::of(ErrorCode::CodeAttemptsExceeded));
        }
        "void" => {
            return Err(
                Problem::new(ErrorCode::CodeInvalid, "the code was replaced")
                    .with("attempts_left", 0),
            );
        }
        _ => {}
    }
    if now >= expires_at {
        return Err(Problem::of(ErrorCode::CodeExpired));
    }
    if expected.as_bytes() != code.as_bytes() {
        let attempts = attempts + 1;
        let void = attempts >= rules.max_attempts;
        conn.prepare_cached("UPDATE codes SET attempts = ?2, state = ?3 WHERE id = ?1")?
            .execute(params![id, attempts, if void { "void" } else { "active" }])?;
        let problem = if void {
            Problem::of(ErrorCode::CodeAttemptsExceeded)
        } else {
            Problem::of(ErrorCode::CodeInvalid).with("attempts_left", rules.max_attempts - attempts)
        };
        return Err(problem.keeping_writes());
    }
    conn.prepare_cached("UPDATE codes SET state = 'used' WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn latest(db: &Db, dest: &str) -> String {
        db.read(|c| {
            Ok(c.query_row(
                "SELECT code FROM codes WHERE destination = ?1 ORDER BY id DESC",
                [dest],
                |r| r.get(0),
            )?)
        })
        .unwrap()
    }

    #[test]
    fn destinations_are_validated() {
        assert!(Destination::parse("+8613800138000").is_ok());
        assert!(Destination::parse("+12").is_err());
        assert!(Destination::parse("a@b.co").is_ok());
        assert!(Destination::parse("a@b").is_err());
        assert!(Destination::parse("not an address").is_err());
    }

    #[test]
    fn code_is_single_use_and_wrong_tries_void_it() {
        let db = Db::open(":memory:").unwrap();
        let rules = CodeRules::default();
        let dest = Destination::parse("+8613800138000").unwrap();
        db.write(|c| {
            send(
                c,
                &rules,
                0,
                &dest,
                Purpose::Register,
                "app_1",
                Delivery::Requested,
            )
        })
        .unwrap();
        let code = latest(&db, dest.as_str());
        db.write(|c| verify(c, &rules, 1, dest.as_str(), Purpose::Register, &code))
            .unwrap();
        let again = db.write(|c| verify(c, &rules, 2, dest.as_str(), Purpose::Register, &code));
        assert_eq!(again.unwrap_err().code, ErrorCode::CodeAlreadyUsed);

        db.write(|c| {
            send(
                c,
                &rules,
                61_000,
                &dest,
                Purpose::Register,
                "app_1",
                Delivery::Requested,
            )
        })
        .unwrap();
        let code = latest(&db, dest.as_str());
        let wrong = if code == "000000" { "000001" } else { "000000" };
        for _ in 0..4 {
            let e =
                db.write(|c| verify(c, &rules, 62_000, dest.as_str(), Purpose::Register, wrong));
            assert_eq!(e.unwrap_err().code, ErrorCode::CodeInvalid);
        }
        let e = db.write(|c| verify(c, &rules, 62_000, dest.as_str(), Purpose::Register, wrong));
        assert_eq!(e.unwrap_err().code, ErrorCode::CodeAttemptsExceeded);
        let e = db.write(|c| verify(c, &rules, 62_000, dest.as_str(), Purpose::Register, &code));
        assert_eq!(e.unwrap_err().code, ErrorCode::CodeAttemptsExceeded);
    }

    #[test]
    fn resend_is_throttled_and_codes_expire() {
        let db = Db::open(":memory:").unwrap();
        let rules = CodeRules::default();
        let dest = Destination::parse("a@b.co").unwrap();
        db.write(|c| {
            send(
                c,
                &rules,
                0,
                &dest,
                Purpose::Login,
                "app_1",
                Delivery::Requested,
            )
        })
        .unwrap();
        let e = db.write(|c| {
            send(
                c,
                &rules,
                59_000,
                &dest,
                Purpose::Login,
                "app_1",
                Delivery::Requested,
            )
        });
        assert_eq!(e.unwrap_err().code, ErrorCode::ResendTooSoon);
        let code = latest(&db, dest.as_str());
        let e = db.write(|c| verify(c, &rules, 600_000, dest.as_str(), Purpose::Login, &code));
        assert_eq!(e.unwrap_err().code, ErrorCode::CodeExpired);
    }

    #[test]
    fn daily_cap_stops_sending() {
        let db = Db::open(":memory:").unwrap();
        let rules = CodeRules::default();
        let dest = Destination::parse("a@b.co").unwrap();
        for i in 0..rules.daily_cap {
            db.write(|c| {
                send(
                    c,
                    &rules,
                    i64::from(i) * 61_000,
                    &dest,
                    Purpose::Login,
                    "app_1",
                    Delivery::Requested,
                )
            })
            .unwrap();
        }
        let e = db.write(|c| {
            send(
                c,
                &rules,
                3_600_000,
                &dest,
                Purpose::Login,
                "app_1",
                Delivery::Requested,
            )
        });
        assert_eq!(e.unwrap_err().code, ErrorCode::DailyCodeLimit);
    }

    #[test]
    fn reset_code_requests_use_up_only_the_reset_cap() {
        let db = Db::open(":memory:").unwrap();
        let rules = CodeRules::default();
        let dest = Destination::parse("+8613800138000").unwrap();
        let send_at = |i: u32, purpose, delivery| {
            db.write(|c| {
                send(
                    c,
                    &rules,
                    i64::from(i) * 61_000,
                    &dest,
                    purpose,
                    "app_1",
                    delivery,
                )
            })
        };
        for i in 0..rules.daily_cap {
            send_at(i, Purpose::ResetPassword, Delivery::Requested).unwrap();
        }
        let e = send_at(rules.daily_cap, Purpose::ResetPassword, Delivery::Requested);
        assert_eq!(e.unwrap_err().code, ErrorCode::DailyCodeLimit);
        // The login code still goes out, requested or as a second factor.
        send_at(rules.daily_cap, Purpose::Login, Delivery::Requested).unwrap();
        send_at(rules.daily_cap, Purpose::Login, Delivery::SecondFactor).unwrap();
    }

    #[test]
    fn a_second_factor_ignores_the_throttle_and_the_requested_cap() {
        let db = Db::open(":memory:").unwrap();
        let rules = CodeRules::default();
        let dest = Destination::parse("a@b.co").unwrap();
        for i in 0..rules.daily_cap {
            db.write(|c| {
                send(
                    c,
                    &rules,
                    i64::from(i) * 61_000,
                    &dest,
                    Purpose::Login,
                    "app_1",
                    Delivery::Requested,
                )
            })
            .unwrap();
        }
        let now = i64::from(rules.daily_cap) * 61_000;
        let e = db.write(|c| {
            send(
                c,
                &rules,
                now,
                &dest,
                Purpose::Login,
                "app_1",
                Delivery::Requested,
            )
        });
        assert_eq!(e.unwrap_err().code, ErrorCode::DailyCodeLimit);
        // right after a requested one: no throttle either
        db.write(|c| {
            send(
                c,
                &rules,
                now,
                &dest,
                Purpose::Login,
                "app_1",
                Delivery::SecondFactor,
            )
        })
        .unwrap();
        let code = latest(&db, dest.as_str());
        db.write(|c| verify(c, &rules, now + 1, dest.as_str(), Purpose::Login, &code))
            .unwrap();
    }
}
