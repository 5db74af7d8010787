//! Risk rules: a velocity limit that freezes the account, and a single-amount
//! limit that puts a transaction on hold (funds parked in the risk-hold
//! account until a reviewer releases or rejects it).

use crate::auth::record_event;
use crate::config::RiskLimits;
use crate::problem::{ErrorCode, Problem};
use imwallet_protocol::money::Money;
use rusqlite::{Connection, params};

/// Counts the user's recent money movements; above the limit the account is
/// frozen (reason `risk`) and the request fails with the freeze kept.
pub fn velocity_gate(
    conn: &Connection,
    limits: &RiskLimits,
    user_id: &str,
    now: i64,
) -> Result<(), Problem> {
    if limits.velocity_max == 0 {
        return Ok(());
    }
    // Only the newest `velocity_max` movements matter; read them newest
    // first through the (user_id, seq) index.
    let recent: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM (SELECT created_at FROM txns WHERE user_id = ?1
             AND kind IN ('payment', 'transfer', 'withdrawal') ORDER BY seq DESC LIMIT ?3)
             WHERE created_at > ?2",
        )?
        .query_row(
            params![
                user_id,
                now - limits.velocity_window_s * 1000,
                limits.velocity_max
            ],
            |r| r.get(0),
        )?;
    if recent >= i64::from(limits.velocity_max) {
        conn.prepare_cached(
            "UPDATE users SET status = 'frozen', frozen_reason = 'risk' WHERE id = ?1",
        )?
        .execute([user_id])?;
        record_event(conn, user_id, "frozen_by_risk", now)?;
        return Err(Problem::of(ErrorCode::RiskVelocityExceeded).keeping_writes());
    }
    Ok(())
}

/// Whether a single movement of `amount` must be held for review.
pub fn must_hold(limits: &RiskLimits, amount: Money) -> bool {
    limits.hold_above_minor > 0 && amount.minor > limits.hold_above_minor
}

#[cfg(test)]
mod tests {
    use super::*;
    use imwallet_protocol::money::Currency;

    #[test]
    fn amounts_above_the_limit_are_held_and_zero_disables() {
        let limits = RiskLimits {
            hold_above_minor: 100,
            ..RiskLimits::default()
        };
        assert!(!must_hold(&limits, Money::new(100, Currency::Cny)));
        assert!(must_hold(&limits, Money::new(101, Currency::Cny)));
        let off = RiskLimits {
            hold_above_minor: 0,
            ..limits
        };
        assert!(!must_hold(&off, Money::new(i64::MAX, Currency::Cny)));
    }
}
