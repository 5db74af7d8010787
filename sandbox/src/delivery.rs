//! Webhook delivery (issue 14 item 3): a worker task that POSTs each
//! queued delivery (written with its event, see [`crate::events`]) to its
//! endpoint, signed with the v1 scheme (`imwallet_protocol::webhook`,
//! header `IMWallet-Signature: t=...,v1=...`). At least once: a delivery
//! stays `pending` until the receiver answers 2xx, across restarts (the
//! queue is the SQLite file). Each endpoint gets its events in order: only
//! its oldest pending delivery is sent, one at a time. A failed attempt is
//! retried after the exponential back-off with jitter of
//! [`WebhookRules`]; after `retry_for_ms` the delivery is `failed` and the
//! next one goes; a manual resend makes it pending again.

use crate::config::WebhookRules;
use crate::events::event_json;
use crate::problem::{ErrorCode, Problem};
use crate::state::AppState;
use imwallet_protocol::webhook::{SIGNATURE_HEADER, sign_header};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The header naming the event (receivers deduplicate by it, as by the
/// body's `id`).
pub const EVENT_ID_HEADER: &str = "IMWallet-Event-Id";

/// The delay before retry number `attempts` (the count of failed attempts
/// so far, from 1): `d/2 + jitter` with `d = min(cap, base * 2^(attempts-1))`
/// and `jitter` in `0..=d/2` from `random`.
pub fn backoff_ms(rules: &WebhookRules, attempts: u32, random: u64) -> i64 {
    let shift = attempts.saturating_sub(1).min(40);
    let d = rules
        .retry_base_ms
        .saturating_mul(1_i64 << shift)
        .min(rules.retry_cap_ms)
        .max(1);
    let half = d / 2;
    let jitter = i64::try_from(random % (half as u64 + 1)).unwrap_or(0);
    d - half + jitter
}

/// One due delivery with what it takes to send it.
struct Due {
    id: String,
    endpoint_id: String,
    attempts: u32,
    retry_from: i64,
    url: String,
    secrets: Vec<String>,
    body: Vec<u8>,
}

/// The oldest pending delivery of each endpoint whose time has come.
fn due(conn: &Connection, now: i64) -> Result<Vec<Due>, Problem> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.id, d.endpoint_id, d.attempts, d.retry_from, e.url, e.secret,
                e.previous_secret, e.previous_expires_at, v.id, v.type, v.data, v.created_at
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
         JOIN events v ON v.id = d.event_id
         WHERE d.seq IN (SELECT MIN(seq) FROM webhook_deliveries
                         WHERE status = 'pending' GROUP BY endpoint_id)
           AND d.next_attempt_at <= ?1",
    )?;
    type Raw = (
        String,
        String,
        u32,
        i64,
        String,
        String,
        Option<String>,
        Option<i64>,
        String,
        String,
        String,
        i64,
    );
    let rows: Vec<Raw> = stmt
        .query_map([now], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(
            |(
                id,
                endpoint_id,
                attempts,
                retry_from,
                url,
                secret,
                prev,
                prev_until,
                eid,
                kind,
                data,
                at,
            )| {
                let mut secrets = vec![secret];
                if let (Some(p), Some(until)) = (prev, prev_until)
                    && until > now
                {
                    secrets.push(p);
                }
                let body = event_json(&eid, &kind, &data, at)?.to_string().into_bytes();
                Ok(Due {
                    id,
                    endpoint_id,
                    attempts,
                    retry_from,
                    url,
                    secrets,
                    body,
                })
            },
        )
        .collect()
}

/// What one attempt came to.
struct Outcome {
    http_status: Option<u16>,
    error: Option<String>,
    duration_ms: i64,
}

impl Outcome {
    fn delivered(&self) -> bool {
        self.http_status.is_some_and(|s| (200..300).contains(&s))
    }
}

async fn send(http: &reqwest::Client, rules: &WebhookRules, d: &Due, now_ms: i64) -> Outcome {
    let secrets: Vec<&str> = d.secrets.iter().map(String::as_str).collect();
    let signature = sign_header(&secrets, now_ms.div_euclid(1000), &d.body);
    let event_id = serde_json::from_slice::<Value>(&d.body)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let started = Instant::now();
    let result = http
        .post(&d.url)
        .timeout(Duration::from_millis(rules.timeout_ms))
        .header("content-type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(EVENT_ID_HEADER, event_id)
        .body(d.body.clone())
        .send()
        .await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    match result {
        Ok(resp) => Outcome {
            http_status: Some(resp.status().as_u16()),
            error: None,
            duration_ms,
        },
        Err(err) => Outcome {
            http_status: None,
            error: Some(if err.is_timeout() {
                "timeout".to_owned()
            } else if err.is_connect() {
                "connect".to_owned()
            } else {
                "request".to_owned()
            }),
            duration_ms,
        },
    }
}

/// Records an attempt and moves the delivery on: `succeeded`, pending
/// again after the back-off, or `failed` past the retry window.
fn record(
    conn: &Connection,
    rules: &WebhookRules,
    d: &Due,
    outcome: &Outcome,
    now: i64,
) -> Result<(), Problem> {
    conn.prepare_cached(
        "INSERT INTO webhook_attempts (delivery_id, at, http_status, error, duration_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        d.id,
        now,
        outcome.http_status,
        outcome.error,
        outcome.duration_ms
    ])?;
    let attempts = d.attempts.saturating_add(1);
    let (status, next) = if outcome.delivered() {
        ("succeeded", now)
    } else {
        let mut r = [0u8; 8];
        rand::fill(&mut r[..]);
        let next = now.saturating_add(backoff_ms(rules, attempts, u64::from_le_bytes(r)));
        if next > d.retry_from.saturating_add(rules.retry_for_ms) {
            ("failed", now)
        } else {
            ("pending", next)
        }
    };
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET status = ?1, attempts = ?2, next_attempt_at = ?3
         WHERE id = ?4 AND status = 'pending'",
    )?
    .execute(params![status, attempts, next, d.id])?;
    Ok(())
}

/// Runs the worker until `stop` turns true.
pub async fn run(state: AppState, http: reqwest::Client, mut stop: watch::Receiver<bool>) {
    let rules = state.config.webhooks;
    let in_flight: Arc<Mutex<HashSet<String>>> = Arc::default();
    loop {
        tokio::select! {
            _ = stop.changed() => return,
            () = tokio::time::sleep(Duration::from_millis(rules.poll_ms)) => {}
        }
        let now = state.now();
        let due = match state.db.read(|c| due(c, now)) {
            Ok(due) => due,
            Err(err) => {
                tracing::warn!(
                    code = err.code.as_str(),
                    "webhook delivery: cannot read the queue"
                );
                continue;
            }
        };
        for d in due {
            {
                let Ok(mut busy) = in_flight.lock() else {
                    return;
                };
                if !busy.insert(d.endpoint_id.clone()) {
                    continue;
                }
            }
            let (state, http, in_flight) = (state.clone(), http.clone(), in_flight.clone());
            tokio::spawn(async move {
                let outcome = send(&http, &rules, &d, state.now()).await;
                let now = state.now();
                if let Err(err) = state
                    .db
                    .write_async(|c| record(c, &rules, &d, &outcome, now))
                    .await
                {
                    tracing::warn!(
                        code = err.code.as_str(),
                        "webhook delivery: cannot record an attempt"
                    );
                }
                if let Ok(mut busy) = in_flight.lock() {
                    busy.remove(&d.endpoint_id);
                }
            });
        }
    }
}

/// The newest 100 deliveries of the app's endpoint `endpoint_id`, each with
/// its attempts.
///
/// # Errors
/// `webhook_endpoint_not_found` for an unknown endpoint or another app's.
pub fn list(conn: &Connection, app_id: &str, endpoint_id: &str) -> Result<Value, Problem> {
    owned(conn, app_id, endpoint_id)?;
    let rows: Vec<(String, String, String, String, u32, i64, i64)> = conn
        .prepare_cached(
            "SELECT d.id, d.event_id, v.type, d.status, d.attempts, d.next_attempt_at, d.created_at
             FROM webhook_deliveries d JOIN events v ON v.id = d.event_id
             WHERE d.endpoint_id = ?1 ORDER BY d.seq DESC LIMIT 100",
        )?
        .query_map([endpoint_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut attempts_of = conn.prepare_cached(
        "SELECT at, http_status, error, duration_ms FROM webhook_attempts
         WHERE delivery_id = ?1 ORDER BY seq",
    )?;
    let mut items = Vec::with_capacity(rows.len());
    for (id, event_id, kind, status, _, next, created) in rows {
        let attempts: Vec<Value> = attempts_of
            .query_map([&id], |r| {
                Ok(json!({
                    "at": r.get::<_, i64>(0)?,
                    "http_status": r.get::<_, Option<i64>>(1)?,
                    "error": r.get::<_, Option<String>>(2)?,
                    "duration_ms": r.get::<_, i64>(3)?,
                }))
            })?
            .collect::<Result<_, _>>()?;
        items.push(json!({
            "delivery_id": id,
            "event_id": event_id,
            "event_type": kind,
            "status": status,
            "next_attempt_at": if status == "pending" { Some(next) } else { None },
            "created_at": created,
            "attempts": attempts,
        }));
    }
    Ok(json!({ "items": items }))
}

fn owned(conn: &Connection, app_id: &str, endpoint_id: &str) -> Result<(), Problem> {
    conn.prepare_cached("SELECT 1 FROM webhook_endpoints WHERE id = ?1 AND app_id = ?2")?
        .query_row(params![endpoint_id, app_id], |_| Ok(()))
        .optional()?
        .ok_or(Problem::of(ErrorCode::WebhookEndpointNotFound))
}

/// Makes the delivery pending again, due now, with a fresh retry window
/// (a resend of a delivered event sends it again; receivers deduplicate by
/// the event id).
///
/// # Errors
/// `webhook_endpoint_not_found`, or `webhook_delivery_not_found` for a
/// delivery that is not the endpoint's.
pub fn resend(
    conn: &Connection,
    app_id: &str,
    endpoint_id: &str,
    delivery_id: &str,
    now: i64,
) -> Result<(), Problem> {
    owned(conn, app_id, endpoint_id)?;
    let n = conn
        .prepare_cached(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?1, retry_from = ?1
             WHERE id = ?2 AND endpoint_id = ?3",
        )?
        .execute(params![now, delivery_id, endpoint_id])?;
    if n == 0 {
        return Err(Problem::of(ErrorCode::WebhookDeliveryNotFound));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_up_to_the_cap_with_jitter_in_the_upper_half() {
        let rules = WebhookRules {
            retry_base_ms: 1000,
            retry_cap_ms: 8000,
            ..WebhookRules::default()
        };
        assert_eq!(backoff_ms(&rules, 1, 0), 500);
        assert_eq!(backoff_ms(&rules, 1, 500), 1000);
        assert_eq!(backoff_ms(&rules, 2, 0), 1000);
        assert_eq!(backoff_ms(&rules, 3, 0), 2000);
        assert_eq!(
            backoff_ms(&rules, 9, u64::MAX),
            backoff_ms(&rules, 4, u64::MAX)
        );
        for r in 0..2000 {
            let d = backoff_ms(&rules, 4, r);
            assert!((4000..=8000).contains(&d), "{d}");
        }
        assert!(backoff_ms(&rules, u32::MAX, u64::MAX) <= 8000);
    }

    #[test]
    fn the_default_schedule_keeps_retrying_for_more_than_24_hours() {
        let rules = WebhookRules::default();
        // the shortest schedule (all jitter 0) still spans the window
        let mut t = 0_i64;
        let mut n = 0_u32;
        while t <= rules.retry_for_ms {
            n += 1;
            t += backoff_ms(&rules, n, 0);
        }
        assert!(rules.retry_for_ms >= 24 * 3600 * 1000);
        assert!(n > 40, "{n} attempts");
    }
}
