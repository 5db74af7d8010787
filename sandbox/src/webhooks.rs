//! Webhook endpoints of a developer app (issue 14 item 3): the URL, the
//! event types sent there and the signing secret of the v1 scheme
//! (`imwallet_protocol::webhook`, docs/webhooks.md). The secret is returned
//! only by [`create`] and [`rotate`]; after a rotation the previous secret
//! keeps signing for [`ROTATION_OVERLAP_MS`].

use crate::events::EventType;
use crate::problem::{ErrorCode, Problem};
use crate::secrets::{new_id, new_token};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

/// How long the secret before a rotation still signs: 24 hours.
pub const ROTATION_OVERLAP_MS: i64 = 24 * 3600 * 1000;

/// Checks a receiver URL: `http` or `https`, a host, printable ASCII, at
/// most 512 bytes.
///
/// # Errors
/// `invalid_value` otherwise.
pub fn check_url(url: &str) -> Result<(), Problem> {
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let host = url.split_once("://").map_or("", |(_, rest)| rest);
    if !scheme_ok
        || host.is_empty()
        || host.starts_with('/')
        || url.len() > 512
        || !url.bytes().all(|b| (0x21..0x7f).contains(&b))
    {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "url is an http or https URL of at most 512 characters",
        ));
    }
    Ok(())
}

/// A stored endpoint.
struct Row {
    id: String,
    url: String,
    events: String,
    secret: String,
    previous_expires_at: Option<i64>,
    created_at: i64,
}

fn view(row: &Row, now: i64, with_secret: bool) -> Value {
    let events: Vec<&str> = row.events.split(',').filter(|e| !e.is_empty()).collect();
    let mut v = json!({
        "endpoint_id": row.id,
        "url": row.url,
        "events": events,
        "created_at": row.created_at,
        "previous_secret_expires_at": row.previous_expires_at.filter(|at| *at > now),
    });
    if with_secret {
        v["secret"] = Value::String(row.secret.clone());
    }
    v
}

fn load(conn: &Connection, app_id: &str, id: &str) -> Result<Row, Problem> {
    conn.prepare_cached(
        "SELECT id, url, events, secret, previous_expires_at, created_at
         FROM webhook_endpoints WHERE id = ?1 AND app_id = ?2",
    )?
    .query_row(params![id, app_id], |r| {
        Ok(Row {
            id: r.get(0)?,
            url: r.get(1)?,
            events: r.get(2)?,
            secret: r.get(3)?,
            previous_expires_at: r.get(4)?,
            created_at: r.get(5)?,
        })
    })
    .optional()?
    .ok_or(Problem::of(ErrorCode::WebhookEndpointNotFound))
}

/// Registers an endpoint of `app_id` for `events` (each type once, in the
/// spec's order); the answer carries the new secret.
pub fn create(
    conn: &Connection,
    app_id: &str,
    url: &str,
    events: &[EventType],
    now: i64,
) -> Result<Value, Problem> {
    check_url(url)?;
    if events.is_empty() {
        return Err(Problem::new(ErrorCode::InvalidValue, "events is not empty"));
    }
    let kinds: Vec<&str> = EventType::ALL
        .iter()
        .filter(|t| events.contains(t))
        .map(|t| t.as_str())
        .collect();
    let row = Row {
        id: new_id("whe"),
        url: url.to_owned(),
        events: kinds.join(","),
        secret: new_token("whsec"),
        previous_expires_at: None,
        created_at: now,
    };
    conn.prepare_cached(
        "INSERT INTO webhook_endpoints (id, app_id, url, events, secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        row.id, app_id, row.url, row.events, row.secret, now
    ])?;
    Ok(view(&row, now, true))
}

/// Every endpoint of `app_id`, oldest first, without secrets.
pub fn list(conn: &Connection, app_id: &str, now: i64) -> Result<Value, Problem> {
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT id, url, events, secret, previous_expires_at, created_at
             FROM webhook_endpoints WHERE app_id = ?1 ORDER BY seq",
        )?
        .query_map([app_id], |r| {
            Ok(Row {
                id: r.get(0)?,
                url: r.get(1)?,
                events: r.get(2)?,
                secret: r.get(3)?,
                previous_expires_at: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let items: Vec<Value> = rows.iter().map(|r| view(r, now, false)).collect();
    Ok(json!({ "items": items }))
}

/// Deletes the endpoint `id` of `app_id` with its deliveries (nothing more
/// is sent there).
///
/// # Errors
/// `webhook_endpoint_not_found` for an unknown id or another app's.
pub fn delete(conn: &Connection, app_id: &str, id: &str) -> Result<(), Problem> {
    let n = conn
        .prepare_cached("DELETE FROM webhook_endpoints WHERE id = ?1 AND app_id = ?2")?
        .execute(params![id, app_id])?;
    if n == 0 {
        return Err(Problem::of(ErrorCode::WebhookEndpointNotFound));
    }
    conn.prepare_cached(
        "DELETE FROM webhook_attempts WHERE delivery_id IN
             (SELECT id FROM webhook_deliveries WHERE endpoint_id = ?1)",
    )?
    .execute([id])?;
    conn.prepare_cached("DELETE FROM webhook_deliveries WHERE endpoint_id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Gives the endpoint a new secret; the current one becomes the previous
/// secret, signing alongside for [`ROTATION_OVERLAP_MS`].
///
/// # Errors
/// `webhook_endpoint_not_found` for an unknown id or another app's.
pub fn rotate(conn: &Connection, app_id: &str, id: &str, now: i64) -> Result<Value, Problem> {
    let mut row = load(conn, app_id, id)?;
    let previous = std::mem::replace(&mut row.secret, new_token("whsec"));
    row.previous_expires_at = Some(now + ROTATION_OVERLAP_MS);
    conn.prepare_cached(
        "UPDATE webhook_endpoints SET secret = ?1, previous_secret = ?2, previous_expires_at = ?3
         WHERE id = ?4",
    )?
    .execute(params![
        row.secret,
        previous,
        row.previous_expires_at,
        row.id
    ])?;
    Ok(view(&row, now, true))
}
