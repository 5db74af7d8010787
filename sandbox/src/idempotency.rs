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
//! run again. Keys are kept for `Config::idempotency_ttl_s` (25 h).

use crate::problem::{ErrorCode, Problem, problem_response};
use crate::secrets::sha256_hex;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, request::Parts};
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
            .ok()
            .filter(|k| {
                !k.is_empty() && k.len() <= 255 && k.bytes().all(|b| (0x21..0x7f).contains(&b))
            })
            .ok_or(Problem::of(ErrorCode::InvalidIdempotencyKey))?;
        Ok(Some(IdempotencyKey(key.to_owned())))
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

/// Runs `op` exactly once per key (see the module docs).
pub fn run(
    state: &AppState,
    key: &IdempotencyKey,
    request: Request<'_>,
    op: impl FnOnce(&Connection) -> Result<Reply, Problem>,
) -> Result<Response, Problem> {
    let scope = format!("{}:{}", request.app, request.user.unwrap_or("-"));
    let mut fingerprint_input = Vec::with_capacity(request.route.len() + 1 + request.body.len());
    fingerprint_input.extend_from_slice(request.route.as_bytes());
    fingerprint_input.push(0);
    fingerprint_input.extend_from_slice(request.body);
    let fingerprint = sha256_hex(&fingerprint_input);
    let now = state.now();
    let ttl_ms = state.config.idempotency_ttl_s * 1000;
    state.db.write(|conn| {
        if CALLS.fetch_add(1, Ordering::Relaxed).is_multiple_of(4096) {
            conn.prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
                .execute([now - ttl_ms])?;
        }
        let stored: Option<(String, u16, String, i64)> = conn
            .prepare_cached(
                "SELECT fingerprint, status, body, created_at FROM idempotency WHERE scope = ?1 AND key = ?2",
            )?
            .query_row(params![scope, key.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        if let Some((stored_fp, status, body, created_at)) = stored
            && created_at >= now - ttl_ms
        {
            if stored_fp != fingerprint {
                return Err(Problem::of(ErrorCode::IdempotencyKeyReused));
            }
            let body: Value = serde_json::from_str(&body).map_err(Problem::internal)?;
            let status = StatusCode::from_u16(status).map_err(Problem::internal)?;
            return Ok(Reply { status, body }.into_response(true));
        }
        let reply = op(conn)?;
        let body = serde_json::to_string(&reply.body).map_err(Problem::internal)?;
        conn.prepare_cached(
            "INSERT OR REPLACE INTO idempotency (scope, key, fingerprint, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            scope,
            key.0,
            fingerprint,
            reply.status.as_u16(),
            body,
            now
        ])?;
        Ok(reply.into_response(false))
    })
}
