//! Reading: balances, transaction history (cursor paging, incremental sync
//! with `updated_since`), points, coupons and risk holds.

use crate::auth::User;
use crate::json::Query;
use crate::ledger::{LedgerStore, SqliteLedger};
use crate::problem::{ErrorCode, Problem};
use crate::state::AppState;
use crate::txns::{self, COLUMNS, Txn};
use axum::extract::{Path, State};
use imwallet_protocol::money::{Currency, Money};
use rusqlite::params;
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /v1/balances`: every currency the user holds or held.
pub async fn balances(
    State(state): State<AppState>,
    user: User,
) -> Result<axum::Json<Value>, Problem> {
    let balances = state
        .db
        .read(|c| Ok(SqliteLedger::new(c).balances_of(&format!("user:{}", user.id))?))?;
    Ok(axum::Json(json!({"balances": balances})))
}

/// Query of `GET /v1/transactions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default)]
    updated_since: Option<i64>,
}

#[derive(Clone, Copy)]
enum Cursor {
    /// Newest-first paging: items with seq below.
    Before(i64),
    /// Sync paging: items after (updated_at, seq).
    After(i64, i64),
}

fn parse_cursor(s: &str) -> Option<Cursor> {
    if let Some(seq) = s.strip_prefix('s') {
        return seq.parse().ok().map(Cursor::Before);
    }
    let (u, seq) = s.strip_prefix('u')?.split_once('.')?;
    Some(Cursor::After(u.parse().ok()?, seq.parse().ok()?))
}

/// `GET /v1/transactions`: without `updated_since`, newest first; with it,
/// every transaction created or changed at or after that instant, oldest
/// change first (sync). Either way `next_cursor` continues the listing.
pub async fn list(
    State(state): State<AppState>,
    user: User,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Value>, Problem> {
    let limit = i64::from(q.limit.unwrap_or(50));
    if !(1..=200).contains(&limit) {
        return Err(Problem::new(ErrorCode::InvalidQuery, "limit is 1 to 200"));
    }
    let cursor = q
        .cursor
        .as_deref()
        .map(|s| parse_cursor(s).ok_or(Problem::of(ErrorCode::InvalidCursor)))
        .transpose()?;
    let page = state.db.read(|c| {
        let rows: Vec<Txn> = match (q.updated_since, cursor) {
            (None, None | Some(Cursor::Before(_))) => {
                let before = match cursor {
                    Some(Cursor::Before(s)) => s,
                    _ => i64::MAX,
                };
                c.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM txns WHERE (user_id = ?1 OR counterparty_user = ?1) AND seq < ?2
                     ORDER BY seq DESC LIMIT ?3"
                ))?
                .query_map(params![user.id, before, limit + 1], txns::from_row)?
                .collect::<Result<_, _>>()?
            }
            (Some(since), None | Some(Cursor::After(..))) => {
                let (u, s) = match cursor {
                    Some(Cursor::After(u, s)) => (u, s),
                    _ => (since, -1),
                };
                c.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM txns WHERE (user_id = ?1 OR counterparty_user = ?1)
                     AND updated_at >= ?2 AND (updated_at > ?3 OR (updated_at = ?3 AND seq > ?4))
                     ORDER BY updated_at, seq LIMIT ?5"
                ))?
                .query_map(params![user.id, since, u, s, limit + 1], txns::from_row)?
                .collect::<Result<_, _>>()?
            }
            _ => return Err(Problem::of(ErrorCode::InvalidCursor)),
        };
        let more = rows.len() as i64 > limit;
        let rows = &rows[..rows.len().min(limit as usize)];
        let next = match (more, rows.last()) {
            (true, Some(last)) if q.updated_since.is_some() => {
                Some(format!("u{}.{}", last.updated_at, last.seq))
            }
            (true, Some(last)) => Some(format!("s{}", last.seq)),
            _ => None,
        };
        let items = rows
            .iter()
            .map(|t| txns::view(c, t, &user.id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({"items": items, "next_cursor": next}))
    })?;
    Ok(axum::Json(page))
}

/// `GET /v1/transactions/{transaction_id}`
pub async fn get_one(
    State(state): State<AppState>,
    user: User,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, Problem> {
    let view = state.db.read(|c| {
        let t = txns::load_for(c, &id, &user.id)?;
        txns::view(c, &t, &user.id)
    })?;
    Ok(axum::Json(view))
}

/// `GET /v1/points`: balance and the newest 50 changes.
pub async fn points(
    State(state): State<AppState>,
    user: User,
) -> Result<axum::Json<Value>, Problem> {
    let out = state.db.read(|c| {
        let balance: i64 = c
            .query_row("SELECT balance FROM points WHERE user_id = ?1", [&user.id], |r| r.get(0))
            .unwrap_or(0);
        let events = c
            .prepare_cached(
                "SELECT txn_id, delta, at FROM points_events WHERE user_id = ?1 ORDER BY id DESC LIMIT 50",
            )?
            .query_map([&user.id], |r| {
                Ok(json!({"transaction_id": r.get::<_, String>(0)?, "delta": r.get::<_, i64>(1)?, "at": r.get::<_, i64>(2)?}))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({"balance": balance, "events": events}))
    })?;
    Ok(axum::Json(out))
}

/// A coupon's JSON (status `expired` is derived from the clock).
pub fn coupon_json(c: &rusqlite::Connection, id: &str, now: i64) -> Result<Value, Problem> {
    let (kind, currency, value, min_spend, expires_at, st, created_at): (String, String, i64, i64, i64, String, i64) =
        c.query_row(
            "SELECT kind, currency, value, min_spend, expires_at, state, created_at FROM coupons WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )?;
    let cur = Currency::from_code(&currency).map_err(Problem::internal)?;
    let status = if st == "used" {
        "used"
    } else if expires_at <= now {
        "expired"
    } else {
        "available"
    };
    Ok(json!({
        "coupon_id": id,
        "kind": kind,
        "amount_off": if kind == "fixed" { json!(Money::new(value, cur)) } else { Value::Null },
        "percent_off_bps": if kind == "percent" { json!(value) } else { Value::Null },
        "min_spend": Money::new(min_spend, cur),
        "expires_at": expires_at,
        "status": status,
        "created_at": created_at,
    }))
}

/// `GET /v1/coupons`
pub async fn coupons(
    State(state): State<AppState>,
    user: User,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    let items = state.db.read(|c| {
        let ids: Vec<String> = c
            .prepare_cached("SELECT id FROM coupons WHERE user_id = ?1 ORDER BY created_at, id")?
            .query_map([&user.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter()
            .map(|id| coupon_json(c, id, now))
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(axum::Json(json!({"items": items})))
}

/// `GET /v1/risk/holds`: the user's transactions held for review.
pub async fn holds(
    State(state): State<AppState>,
    user: User,
) -> Result<axum::Json<Value>, Problem> {
    let items = state.db.read(|c| {
        let rows: Vec<Txn> = c
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM txns WHERE user_id = ?1 AND status = 'held' ORDER BY seq"
            ))?
            .query_map([&user.id], txns::from_row)?
            .collect::<Result<_, _>>()?;
        rows.iter()
            .map(|t| txns::view(c, t, &user.id))
            .collect::<Result<Vec<_>, _>>()
    })?;
    Ok(axum::Json(json!({"items": items})))
}
