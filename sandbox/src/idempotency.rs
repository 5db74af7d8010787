//! Idempotent execution of money-moving requests (`Idempotency-Key`).
//!
//! The key is scoped to the app and the user. The first request with a key
//! runs the operation and stores its successful response in the same SQLite
//! transaction as the ledger writes, so the money moves exactly once. A later
//! request with the same key and the same method, path and body gets the
//! stored response (header `Idempotent-Replayed: true`); with anything
//! different it gets `422 idempotency_key_reused`. All writes go through the
//! one database writer, so concurrent requests with one key are serialized:
//! exactly one executes and the others replay its response (a
//! `409 idempotency_in_progress` is reserved for backends with parallel
//! writers). Failed requests are not stored: nothing moved, so a retry may
//! run again. Keys are kept for `Config::idempotency_ttl_s` (25 h); every
//! answer says so in [`RETENTION_HEADER`] (seconds), so a client knows when
//! a replay stops being safe. Past that, the transaction a key produced is
//! still found through `operation_keys` (written in the same transaction as
//! the money, never pruned): `GET /v1/me/operations/{idempotency_key}`.

use crate::problem::{ErrorCode, Problem, problem_response};
use crate::secrets::sha256_hex;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};

/// The `Idempotency-Key` header of a request (required).
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    /// The key of a request whose `Idempotency-Key` is optional: `None`
    /// without the header, `invalid_idempotency_key` when it is malformed.
    pub fn optional(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, Problem> {
        let Some(value) = headers.get("idempotency-key") else {
            return Ok(None);
        };
        let key = value
            .to_str()
            .map_err(|_| Problem::of(ErrorCode::InvalidIdempotencyKey))?;
        IdempotencyKey::parse(key).map(Some)
    }

    /// A key given as text (a header value or a path segment): 1 to 255
    /// visible ASCII characters, else `invalid_idempotency_key`.
    pub fn parse(key: &str) -> Result<IdempotencyKey, Problem> {
        if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x21..0x7f).contains(&b)) {
            return Err(Problem::of(ErrorCode::InvalidIdempotencyKey));
        }
        Ok(IdempotencyKey(key.to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        IdempotencyKey::optional(&parts.headers)?
            .ok_or(Problem::of(ErrorCode::IdempotencyKeyRequired))
    }
}

/// A successful result of an operation.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status (2xx).
    pub status: StatusCode,
    /// JSON body.
    pub body: Value,
}

impl Reply {
    /// `201 Created` with a body.
    pub fn created(body: Value) -> Reply {
        Reply {
            status: StatusCode::CREATED,
            body,
        }
    }

    /// `200 OK` with a body.
    pub fn ok(body: Value) -> Reply {
        Reply {
            status: StatusCode::OK,
            body,
        }
    }

    fn into_response(self, replayed: bool) -> Response {
        let mut response = if self.status.is_success() {
            (self.status, axum::Json(self.body)).into_response()
        } else {
            problem_response(self.status, &self.body)
        };
        if replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        Reply::into_response(self, false)
    }
}

/// Who and what a key is bound to.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// App id.
    pub app: &'a str,
    /// User id, if the request is a user's.
    pub user: Option<&'a str>,
    /// `POST /v1/transfers`
    pub route: &'a str,
    /// The raw body.
    pub body: &'a [u8],
}

static CALLS: AtomicU64 = AtomicU64::new(0);

/// Response header with the idempotency retention in seconds: a replay
/// with the same key is answered from the stored response for this long.
pub const RETENTION_HEADER: &str = "idempotency-retention";

/// The scope a key lives in: the app and the user (`-` for app requests).
pub fn scope(app: &str, user: Option<&str>) -> String {
    format!("{app}:{}", user.unwrap_or("-"))
}

/// What a key is checked against, computed before taking the connection.
struct Bound {
    scope: String,
    fingerprint: String,
    now: i64,
    ttl_ms: i64,
    /// A user's request: the transaction it creates is findable by key.
    by_user: bool,
}

impl Bound {
    fn new(state: &AppState, request: &Request<'_>) -> Bound {
        let scope = scope(request.app, request.user);
        let mut input = Vec::with_capacity(request.route.len() + 1 + request.body.len());
        input.extend_from_slice(request.route.as_bytes());
        input.push(0);
        input.extend_from_slice(request.body);
        Bound {
            scope,
            fingerprint: sha256_hex(&input),
            now: state.now(),
            ttl_ms: state.config.idempotency_ttl_s * 1000,
            by_user: request.user.is_some(),
        }
    }
}

/// A stored (or just stored) answer: status, JSON text, whether replayed.
struct Answer(StatusCode, String, bool);

impl Answer {
    fn into_response(self) -> Result<Response, Problem> {
        let Answer(status, body, replayed) = self;
        if !status.is_success() {
            let body: Value = serde_json::from_str(&body).map_err(Problem::internal)?;
            return Ok(Reply { status, body }.into_response(replayed));
        }
        // The JSON text is sent as stored: serialized once per operation.
        let mut response = (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response();
        if replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        Ok(response)
    }
}

/// The part that runs on the connection: replay, refuse, or run `op` and
/// store its answer, all in the caller's write.
fn execute(
    conn: &Connection,
    key: &IdempotencyKey,
    bound: &Bound,
    op: impl FnOnce(&Connection) -> Result<Reply, Problem>,
) -> Result<Answer, Problem> {
    let (now, ttl_ms) = (bound.now, bound.ttl_ms);
    if CALLS.fetch_add(1, Ordering::Relaxed).is_multiple_of(4096) {
        conn.prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
            .execute([now - ttl_ms])?;
    }
    let stored: Option<(String, u16, String, i64)> = conn
        .prepare_cached(
            "SELECT fingerprint, status, body, created_at FROM idempotency WHERE scope = ?1 AND key = ?2",
        )?
        .query_row(params![bound.scope, key.0], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    if let Some((stored_fp, status, body, created_at)) = stored
        && created_at >= now - ttl_ms
    {
        if stored_fp != bound.fingerprint {
            return Err(Problem::of(ErrorCode::IdempotencyKeyReused));
        }
        let status = StatusCode::from_u16(status).map_err(Problem::internal)?;
        return Ok(Answer(status, body, true));
    }
    let reply = op(conn)?;
    let body = serde_json::to_string(&reply.body).map_err(Problem::internal)?;
    if bound.by_user
        && let Some(txn_id) = reply.body["id"]
            .as_str()
            .filter(|id| id.starts_with("txn_"))
    {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO operation_keys (scope, key, txn_id) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![bound.scope, key.0, txn_id])?;
    }
    conn.prepare_cached(
        "INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        bound.scope,
        key.0,
        bound.fingerprint,
        reply.status.as_u16(),
        body,
        now
    ])?;
    Ok(Answer(reply.status, body, false))
}

/// Runs `op` exactly once per key (see the module docs), blocking the
/// calling thread while it waits for the database.
pub fn run(
    state: &AppState,
    key: &IdempotencyKey,
    request: Request<'_>,
    op: impl FnOnce(&Connection) -> Result<Reply, Problem>,
) -> Result<Response, Problem> {
    let bound = Bound::new(state, &request);
    let response = state
        .db
        .write(|conn| execute(conn, key, &bound, op))?
        .into_response()?;
    Ok(with_retention(state, response))
}

/// Adds [`RETENTION_HEADER`] to an answer of an idempotent request.
pub fn with_retention(state: &AppState, mut response: Response) -> Response {
    if let Ok(value) = HeaderValue::from_str(&state.config.idempotency_ttl_s.to_string()) {
        response.headers_mut().insert(RETENTION_HEADER, value);
    }
    response
}

/// [`run`] for hot paths: waits for the database without blocking a
/// thread ([`Db::write_async`](crate::db::Db::write_async)).
pub async fn run_async(
    state: &AppState,
    key: &IdempotencyKey,
    request: Request<'_>,
    op: impl FnOnce(&Connection) -> Result<Reply, Problem>,
) -> Result<Response, Problem> {
    let bound = Bound::new(state, &request);
    let response = state
        .db
        .write_async(|conn| execute(conn, key, &bound, op))
        .await?
        .into_response()?;
    Ok(with_retention(state, response))
}
