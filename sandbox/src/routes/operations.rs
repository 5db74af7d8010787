//! Money operations found by the client's `Idempotency-Key`:
//! `GET /v1/me/operations/{idempotency_key}`. A client that held an unknown
//! outcome longer than the idempotency retention (header
//! `Idempotency-Retention`) asks here whether the server applied it before
//! it replays the request: the answer comes from `operation_keys` and the
//! transactions table, which are never pruned, so it holds after the
//! idempotency record expired.

use crate::auth::User;
use crate::idempotency::{self, IdempotencyKey};
use crate::problem::{ErrorCode, Problem};
use crate::state::AppState;
use crate::txns;
use axum::extract::{Path, State};
use rusqlite::OptionalExtension;
use serde_json::Value;

/// `GET /v1/me/operations/{idempotency_key}`: the transaction the caller's
/// money request with this key created, as the caller sees it now, or
/// `404 operation_not_found` (the server never applied such a request:
/// replaying it with the same key is safe).
pub async fn by_key(
    State(state): State<AppState>,
    user: User,
    Path(key): Path<String>,
) -> Result<axum::Json<Value>, Problem> {
    let key = IdempotencyKey::parse(&key)?;
    let scope = idempotency::scope(&user.app.id, Some(&user.id));
    let view = state.db.read(|c| {
        let txn_id: Option<String> = c
            .prepare_cached("SELECT txn_id FROM operation_keys WHERE scope = ?1 AND key = ?2")?
            .query_row([&scope, &key.0], |r| r.get(0))
            .optional()?;
        let Some(txn_id) = txn_id else {
            return Err(Problem::of(ErrorCode::OperationNotFound));
        };
        let t = txns::load_for(c, &txn_id, &user.id)
            .map_err(|_| Problem::of(ErrorCode::OperationNotFound))?;
        txns::view(c, &t, &user.id)
    })?;
    Ok(axum::Json(view))
}
