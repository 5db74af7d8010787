//! User-visible transactions: one row per operation (top-up, payment,
//! transfer, withdrawal, reversal, FX conversion) with a status that can move
//! (held -> completed/rejected, pending -> completed, completed -> reversed);
//! every change bumps `updated_at` for incremental sync. The money itself is
//! in the ledger under journals named after the transaction.

use crate::ledger::LedgerError;
use crate::problem::{ErrorCode, Problem};
use crate::secrets::random_hex;
use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

impl From<LedgerError> for Problem {
    fn from(err: LedgerError) -> Problem {
        match err {
            LedgerError::InsufficientFunds { .. } => Problem::of(ErrorCode::InsufficientFunds),
            LedgerError::Overflow => Problem::of(ErrorCode::AmountOverflow),
            other => Problem::internal(other),
        }
    }
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A new transaction id: `txn_` and 24 hex digits like every id, but in
/// creation order — 12 digits of `now_ms`, 4 of a counter, 8 random — so
/// the indexes keyed by transaction id (and by journal, named after it)
/// grow at their end: the transactions of one group commit share index
/// pages instead of dirtying one random page each.
pub fn new_id(now_ms: i64) -> String {
    let sequence = SEQUENCE.fetch_add(1, Ordering::Relaxed) & 0xffff;
    let time = (now_ms.max(0) as u64) & 0xffff_ffff_ffff;
    format!("txn_{time:012x}{sequence:04x}{}", random_hex(4))
}

/// A transaction row.
#[derive(Debug, Clone, Default)]
pub struct Txn {
    /// Id, e.g. `txn_...`.
    pub id: String,
    /// `top_up`, `payment`, `transfer`, `withdrawal`, `reversal`, `fx_conversion`.
    pub kind: String,
    /// `completed`, `pending`, `held`, `rejected`, `reversed`.
    pub status: String,
    /// The initiating user.
    pub user_id: Option<String>,
    /// The other user (transfers).
    pub counterparty_user: Option<String>,
    /// The merchant (payments).
    pub merchant_id: Option<String>,
    /// The card (top-ups, withdrawals).
    pub card_id: Option<String>,
    /// Gross amount.
    pub amount_minor: i64,
    /// Currency of all amounts.
    pub currency: String,
    /// Fee in minor units.
    pub fee: i64,
    /// Coupon discount.
    pub discount: i64,
    /// Points redeemed.
    pub points_redeemed: i64,
    /// Points earned.
    pub points_earned: i64,
    /// Coupon used.
    pub coupon_id: Option<String>,
    /// Free text from the payer.
    pub memo: Option<String>,
    /// The transaction this one reverses.
    pub reversal_of: Option<String>,
    /// The reversal of this one.
    pub reversed_by: Option<String>,
    /// FX quote used.
    pub fx_quote_id: Option<String>,
    /// Creation time, Unix ms.
    pub created_at: i64,
    /// Last change, Unix ms.
    pub updated_at: i64,
    /// Insertion order.
    pub seq: i64,
}

impl Txn {
    /// The gross amount as money.
    pub fn amount(&self) -> Result<Money, Problem> {
        let currency = Currency::from_code(&self.currency).map_err(Problem::internal)?;
        Ok(Money::new(self.amount_minor, currency))
    }
}

/// Columns in the order [`from_row`] reads them.
pub const COLUMNS: &str = "id, kind, status, user_id, counterparty_user, merchant_id, card_id, amount, currency, fee, discount,
     points_redeemed, points_earned, coupon_id, memo, reversal_of, reversed_by, fx_quote_id, created_at, updated_at, seq";

/// Reads a row selected with [`COLUMNS`].
pub fn from_row(r: &Row<'_>) -> rusqlite::Result<Txn> {
    Ok(Txn {
        id: r.get(0)?,
        kind: r.get(1)?,
        status: r.get(2)?,
        user_id: r.get(3)?,
        counterparty_user: r.get(4)?,
        merchant_id: r.get(5)?,
        card_id: r.get(6)?,
        amount_minor: r.get(7)?,
        currency: r.get(8)?,
        fee: r.get(9)?,
        discount: r.get(10)?,
        points_redeemed: r.get(11)?,
        points_earned: r.get(12)?,
        coupon_id: r.get(13)?,
        memo: r.get(14)?,
        reversal_of: r.get(15)?,
        reversed_by: r.get(16)?,
        fx_quote_id: r.get(17)?,
        created_at: r.get(18)?,
        updated_at: r.get(19)?,
        seq: r.get(20)?,
    })
}

/// Inserts a new transaction (`created_at` = `updated_at`).
pub fn insert(conn: &Connection, t: &Txn) -> Result<(), Problem> {
    conn.prepare_cached(
        "INSERT INTO txns (id, kind, status, user_id, counterparty_user, merchant_id, card_id, amount, currency, fee,
         discount, points_redeemed, points_earned, coupon_id, memo, reversal_of, reversed_by, fx_quote_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)",
    )?
    .execute(params![
        t.id,
        t.kind,
        t.status,
        t.user_id,
        t.counterparty_user,
        t.merchant_id,
        t.card_id,
        t.amount_minor,
        t.currency,
        t.fee,
        t.discount,
        t.points_redeemed,
        t.points_earned,
        t.coupon_id,
        t.memo,
        t.reversal_of,
        t.reversed_by,
        t.fx_quote_id,
        t.created_at
    ])?;
    Ok(())
}

/// Loads a transaction by id.
pub fn load(conn: &Connection, id: &str) -> Result<Option<Txn>, Problem> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM txns WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// Loads a transaction the user is a party to, or `transaction_not_found`.
pub fn load_for(conn: &Connection, id: &str, user: &str) -> Result<Txn, Problem> {
    match load(conn, id)? {
        Some(t)
            if t.user_id.as_deref() == Some(user)
                || t.counterparty_user.as_deref() == Some(user) =>
        {
            Ok(t)
        }
        _ => Err(Problem::of(ErrorCode::TransactionNotFound)),
    }
}

/// Changes the status (and optionally `reversed_by`), bumping `updated_at`.
pub fn set_status(
    conn: &Connection,
    id: &str,
    status: &str,
    reversed_by: Option<&str>,
    now: i64,
) -> Result<(), Problem> {
    conn.prepare_cached(
        "UPDATE txns SET status = ?2, reversed_by = COALESCE(?3, reversed_by), updated_at = MAX(?4, updated_at + 1) WHERE id = ?1",
    )?
    .execute(params![id, status, reversed_by, now])?;
    Ok(())
}

/// Signed effect of all of a transaction's journals (`<id>` and
/// `<id>/<step>`) on `account_code`. Transaction ids all have the same
/// length, so the index range `[id, id + "0")` holds exactly those journals.
fn effect_on(conn: &Connection, txn_id: &str, account_code: &str) -> Result<i64, Problem> {
    // No join on `accounts`: joined, this statement was re-prepared on
    // every run (SQLite re-plans it for each new binding).
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE(SUM(amount), 0) FROM postings INDEXED BY postings_by_journal
             WHERE journal >= ?1 AND journal < ?2
             AND account_id = (SELECT id FROM accounts WHERE code = ?3)",
        )?
        .query_row(params![txn_id, format!("{txn_id}0"), account_code], |r| {
            r.get(0)
        })?)
}

fn merchant_name(conn: &Connection, id: &str) -> Result<Option<String>, Problem> {
    Ok(conn
        .prepare_cached("SELECT name FROM merchants WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The transaction as `viewer` (a user id) sees it.
pub fn view(conn: &Connection, t: &Txn, viewer: &str) -> Result<Value, Problem> {
    let amount = t.amount()?;
    let cur = amount.currency;
    let effect = effect_on(conn, &t.id, &format!("user:{viewer}:{cur}"))?;
    let counterparty = if t.user_id.as_deref() == Some(viewer) {
        if let Some(u) = &t.counterparty_user {
            json!({"type": "user", "id": u, "name": null})
        } else if let Some(m) = &t.merchant_id {
            json!({"type": "merchant", "id": m, "name": merchant_name(conn, m)?})
        } else if let Some(c) = &t.card_id {
            json!({"type": "card", "id": c, "name": null})
        } else {
            Value::Null
        }
    } else {
        json!({"type": "user", "id": t.user_id, "name": null})
    };
    let direction = match effect.signum() {
        1 => "credit",
        -1 => "debit",
        _ => "none",
    };
    Ok(json!({
        "id": t.id,
        "type": t.kind,
        "status": t.status,
        "direction": direction,
        "amount": amount,
        "fee": Money::new(t.fee, cur),
        "balance_effect": Money::new(effect, cur),
        "discount": Money::new(t.discount, cur),
        "points_redeemed": t.points_redeemed,
        "points_earned": t.points_earned,
        "counterparty": counterparty,
        "coupon_id": t.coupon_id,
        "memo": t.memo,
        "reversal_of": t.reversal_of,
        "reversed_by": t.reversed_by,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_ids_look_like_other_ids_and_sort_by_creation() {
        let a = new_id(1_700_000_000_000);
        let b = new_id(1_700_000_000_000);
        let c = new_id(1_700_000_000_001);
        assert_eq!(a.len(), crate::secrets::new_id("txn").len());
        assert!(a.starts_with("txn_") && a[4..].bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(a < b && b < c, "{a} {b} {c}");
    }
}
