//! Offline payment codes (consumer-presented, 付款码) on the server:
//! provisioning a per-device secret and verifying a presented code with
//! `imwallet_protocol::qr::paycode` (algorithm in `docs/qr.md`).
//!
//! * **Provision.** A device gets 32 random bytes, stored in
//!   `paycode_devices` and returned once. Re-provisioning the same device
//!   rotates the secret (`generation + 1`): codes of the old secret no
//!   longer verify.
//! * **Verify.** Tag first (constant-time; a wrong tag is `paycode_forged`),
//!   then the time: `|now − t| ≤` [`DRIFT_WINDOW_S`] (`paycode_expired` /
//!   `paycode_not_yet_valid`), then single use: `t` must be newer than the
//!   device's last accepted code (`paycode_reused`).
//! * **Consume.** Stores `t` as the device's last accepted time, in the
//!   same database transaction as the payment, so a code is spent exactly
//!   when its payment is posted, and stays spent across restarts.

use crate::problem::{ErrorCode, Problem};
use crate::qr::malformed;
use crate::secrets::random_hex;
use imwallet_protocol::qr::paycode::{self, PaycodeError, PaycodeSecret};
use rusqlite::{Connection, OptionalExtension, params};

/// Seconds a code may be older or newer than the server's clock.
pub const DRIFT_WINDOW_S: u64 = 60;

/// A freshly provisioned device secret (returned to the device once).
#[derive(Debug)]
pub struct Provisioned {
    /// The device id the codes carry.
    pub device_id: String,
    /// The secret (redacted in `Debug`).
    pub secret: PaycodeSecret,
    /// 0 for the first secret, +1 per rotation.
    pub generation: u32,
}

/// Provisions a secret: a new device when `device_id` is `None`, a rotation
/// of one of the user's devices otherwise.
///
/// # Errors
/// `paycode_unknown_device` when `device_id` is not one of this user's.
pub fn provision(
    conn: &Connection,
    user_id: &str,
    device_id: Option<&str>,
    now: i64,
) -> Result<Provisioned, Problem> {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes[..]);
    let secret = PaycodeSecret::from_bytes(bytes);
    bytes.fill(0);
    let (device_id, generation) = match device_id {
        None => {
            let id = format!("dev_{}", random_hex(12));
            conn.prepare_cached(
                "INSERT INTO paycode_devices (device_id, user_id, secret, generation, created_at, rotated_at)
                 VALUES (?1, ?2, ?3, 0, ?4, ?4)",
            )?
            .execute(params![id, user_id, &secret.expose_bytes()[..], now])?;
            (id, 0)
        }
        Some(id) => {
            let generation: u32 = conn
                .prepare_cached(
                    "UPDATE paycode_devices SET secret = ?3, generation = generation + 1, rotated_at = ?4
                     WHERE device_id = ?1 AND user_id = ?2 RETURNING generation",
                )?
                .query_row(
                    params![id, user_id, &secret.expose_bytes()[..], now],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(Problem::of(ErrorCode::PaycodeUnknownDevice))?;
            (id.to_owned(), generation)
        }
    };
    Ok(Provisioned {
        device_id,
        secret,
        generation,
    })
}

/// A code that verified and has not been used: who pays, from which
/// device, generated when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The paying user.
    pub user_id: String,
    /// The device that showed the code.
    pub device_id: String,
    /// The code's time, Unix seconds.
    pub time: u64,
}

/// Verifies a presented code at `now_ms` (no writes).
///
/// # Errors
/// `payload_malformed` (not a payment code: kind/offset/tag of the parse
/// error), `paycode_unknown_device`, `paycode_forged`, `paycode_expired`,
/// `paycode_not_yet_valid`, `paycode_reused`.
pub fn verify(conn: &Connection, code: &str, now_ms: i64) -> Result<Verified, Problem> {
    let parsed = paycode::parse_paycode(code).map_err(|e| malformed(&e))?;
    let row: Option<(String, Vec<u8>, i64)> = conn
        .prepare_cached(
            "SELECT user_id, secret, last_time FROM paycode_devices WHERE device_id = ?1",
        )?
        .query_row([parsed.device_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((user_id, mut stored, last_time)) = row else {
        return Err(Problem::of(ErrorCode::PaycodeUnknownDevice));
    };
    let mut bytes = [0u8; 32];
    if stored.len() != bytes.len() {
        return Err(Problem::internal(
            "stored payment-code secret has a bad length",
        ));
    }
    bytes.copy_from_slice(&stored);
    stored.fill(0);
    let secret = PaycodeSecret::from_bytes(bytes);
    bytes.fill(0);
    let now_s = u64::try_from(now_ms.div_euclid(1000)).unwrap_or(0);
    let pc = paycode::verify(&secret, code, now_s, DRIFT_WINDOW_S).map_err(|e| match e {
        PaycodeError::Malformed(q) => malformed(&q),
        PaycodeError::BadTag => Problem::of(ErrorCode::PaycodeForged),
        PaycodeError::Expired => Problem::new(
            ErrorCode::PaycodeExpired,
            format!("codes are valid for {DRIFT_WINDOW_S} s; show a fresh one"),
        ),
        PaycodeError::NotYetValid => Problem::new(
            ErrorCode::PaycodeNotYetValid,
            format!("the code is more than {DRIFT_WINDOW_S} s ahead of the server clock"),
        ),
    })?;
    if i64::try_from(pc.time).map_or(true, |t| t <= last_time) {
        return Err(Problem::of(ErrorCode::PaycodeReused));
    }
    Ok(Verified {
        user_id,
        device_id: pc.device_id.to_owned(),
        time: pc.time,
    })
}

/// Spends a verified code: the device accepts only newer codes from now on.
pub fn consume(conn: &Connection, v: &Verified) -> Result<(), Problem> {
    let time = i64::try_from(v.time).map_err(Problem::internal)?;
    conn.prepare_cached("UPDATE paycode_devices SET last_time = ?2 WHERE device_id = ?1")?
        .execute(params![v.device_id, time])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_768_435_200_000;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(include_str!("../migrations/0004_qr_codes.sql"))
            .unwrap();
        c
    }

    fn code(p: &Provisioned, t_ms: i64) -> String {
        paycode::generate(&p.secret, &p.device_id, (t_ms / 1000) as u64).unwrap()
    }

    #[test]
    fn a_code_verifies_once_then_only_newer_codes_do() {
        let c = db();
        let p = provision(&c, "usr_1", None, NOW).unwrap();
        let first = code(&p, NOW);
        let v = verify(&c, &first, NOW + 5_000).unwrap();
        assert_eq!((v.user_id.as_str(), v.time), ("usr_1", (NOW / 1000) as u64));
        consume(&c, &v).unwrap();
        let again = verify(&c, &first, NOW + 5_000).unwrap_err();
        assert_eq!(again.code, ErrorCode::PaycodeReused);
        verify(&c, &code(&p, NOW + 1_000), NOW + 5_000).unwrap();
    }

    #[test]
    fn stale_future_forged_and_unknown_codes_have_distinct_problems() {
        let c = db();
        let p = provision(&c, "usr_1", None, NOW).unwrap();
        let window = DRIFT_WINDOW_S as i64 * 1000;
        let stale = verify(&c, &code(&p, NOW), NOW + window + 1_000).unwrap_err();
        assert_eq!(stale.code, ErrorCode::PaycodeExpired);
        let ahead = verify(&c, &code(&p, NOW + window + 1_000), NOW).unwrap_err();
        assert_eq!(ahead.code, ErrorCode::PaycodeNotYetValid);
        let other = PaycodeSecret::from_bytes([7; 32]);
        let forged = paycode::generate(&other, &p.device_id, (NOW / 1000) as u64).unwrap();
        assert_eq!(
            verify(&c, &forged, NOW).unwrap_err().code,
            ErrorCode::PaycodeForged
        );
        let stranger = paycode::generate(&other, "dev_nobody", (NOW / 1000) as u64).unwrap();
        assert_eq!(
            verify(&c, &stranger, NOW).unwrap_err().code,
            ErrorCode::PaycodeUnknownDevice
        );
        let bad = verify(&c, "IMWPAY1.dev.x", NOW).unwrap_err();
        assert_eq!(bad.code, ErrorCode::PayloadMalformed);
    }

    #[test]
    fn rotation_voids_the_old_secret_and_is_limited_to_the_owner() {
        let c = db();
        let p = provision(&c, "usr_1", None, NOW).unwrap();
        let old = code(&p, NOW);
        let rotated = provision(&c, "usr_1", Some(&p.device_id), NOW).unwrap();
        assert_eq!(
            (rotated.device_id.as_str(), rotated.generation),
            (p.device_id.as_str(), 1)
        );
        assert_eq!(
            verify(&c, &old, NOW).unwrap_err().code,
            ErrorCode::PaycodeForged
        );
        verify(&c, &code(&rotated, NOW), NOW).unwrap();
        let theft = provision(&c, "usr_2", Some(&p.device_id), NOW).unwrap_err();
        assert_eq!(theft.code, ErrorCode::PaycodeUnknownDevice);
    }
}
