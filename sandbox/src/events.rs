//! The event log (issue 14 item 3, first part): what happened to a
//! developer app's merchant objects, written in the same SQLite
//! transaction as the change (outbox pattern) and listed by
//! `GET /v1/events`. Each event has an `evt_...` id receivers deduplicate
//! by. Each event also queues one delivery per subscribed webhook
//! endpoint ([`crate::webhooks`]), sent by [`crate::delivery`].

use crate::problem::{ErrorCode, Problem};
use crate::secrets::new_id;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

/// The recorded event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// An order was paid.
    OrderPaid,
    /// A merchant closed an unpaid order.
    OrderClosed,
    /// A refund of an order was posted.
    RefundSucceeded,
}

impl EventType {
    /// Every type, in the order of the spec's enum.
    pub const ALL: &'static [EventType] = &[
        EventType::OrderPaid,
        EventType::OrderClosed,
        EventType::RefundSucceeded,
    ];

    /// The wire name, e.g. `order.paid`.
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::OrderPaid => "order.paid",
            EventType::OrderClosed => "order.closed",
            EventType::RefundSucceeded => "refund.succeeded",
        }
    }

    /// The type named `s`.
    ///
    /// # Errors
    /// `invalid_query` for an unknown name.
    pub fn parse(s: &str) -> Result<EventType, Problem> {
        EventType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| Problem::new(ErrorCode::InvalidQuery, format!("unknown event type {s}")))
    }
}

/// Records an event of the app owning `merchant_id` in the caller's
/// transaction; returns its id.
pub fn record_for_merchant(
    conn: &Connection,
    merchant_id: &str,
    kind: EventType,
    object: &Value,
    now: i64,
) -> Result<String, Problem> {
    let app: String = conn
        .prepare_cached("SELECT app_id FROM merchants WHERE id = ?1")?
        .query_row([merchant_id], |r| r.get(0))
        .optional()?
        .ok_or(Problem::of(ErrorCode::MerchantNotFound))?;
    let id = new_id("evt");
    conn.prepare_cached(
        "INSERT INTO events (id, app_id, type, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, app, kind.as_str(), object.to_string(), now])?;
    // The outbox of webhook delivery: one pending delivery per subscribed
    // endpoint, in this same transaction.
    conn.prepare_cached(
        "INSERT INTO webhook_deliveries
             (id, endpoint_id, event_id, status, next_attempt_at, retry_from, created_at)
         SELECT 'whd_' || lower(hex(randomblob(12))), id, ?1, 'pending', ?2, ?2, ?2
         FROM webhook_endpoints
         WHERE app_id = ?3 AND ',' || events || ',' LIKE '%,' || ?4 || ',%'
         ORDER BY seq",
    )?
    .execute(params![id, now, app, kind.as_str()])?;
    Ok(id)
}

/// The JSON of an event as listed and as delivered.
///
/// # Errors
/// `internal` if the stored object is not JSON.
pub fn event_json(id: &str, kind: &str, data: &str, at: i64) -> Result<Value, Problem> {
    let object: Value = serde_json::from_str(data).map_err(Problem::internal)?;
    Ok(json!({"id": id, "type": kind, "created_at": at, "data": {"object": object}}))
}

/// A page of the app's events, newest first, below `before` (a seq),
/// optionally of one type; and the cursor of the next page.
pub fn page(
    conn: &Connection,
    app_id: &str,
    kind: Option<EventType>,
    before: i64,
    limit: i64,
) -> Result<Value, Problem> {
    let rows: Vec<(i64, String, String, String, i64)> = conn
        .prepare_cached(
            "SELECT seq, id, type, data, created_at FROM events
             WHERE app_id = ?1 AND seq < ?2 AND (?3 IS NULL OR type = ?3)
             ORDER BY seq DESC LIMIT ?4",
        )?
        .query_map(
            params![app_id, before, kind.map(EventType::as_str), limit + 1],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?
        .collect::<Result<_, _>>()?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next = match (more, rows.last()) {
        (true, Some(last)) => Some(format!("e{}", last.0)),
        _ => None,
    };
    let items = rows
        .iter()
        .map(|(_, id, kind, data, at)| event_json(id, kind, data, *at))
        .collect::<Result<Vec<_>, Problem>>()?;
    Ok(json!({"items": items, "next_cursor": next}))
}
