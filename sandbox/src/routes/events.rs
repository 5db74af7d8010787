//! `GET /v1/events`: the calling app's event log ([`crate::events`]).

use crate::auth::App;
use crate::events::{self, EventType};
use crate::json::Query;
use crate::problem::{ErrorCode, Problem};
use crate::state::AppState;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

/// Query of `GET /v1/events`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    cursor: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
}

/// `GET /v1/events`: newest first, optionally of one `type`; `next_cursor`
/// (null on the last page) continues.
pub async fn list(
    State(state): State<AppState>,
    app: App,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Value>, Problem> {
    let limit = i64::from(q.limit.unwrap_or(50));
    if !(1..=200).contains(&limit) {
        return Err(Problem::new(ErrorCode::InvalidQuery, "limit is 1 to 200"));
    }
    let kind = q.kind.as_deref().map(EventType::parse).transpose()?;
    let before = match q.cursor.as_deref() {
        None => i64::MAX,
        Some(s) => s
            .strip_prefix('e')
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n > 0)
            .ok_or(Problem::of(ErrorCode::InvalidCursor))?,
    };
    Ok(axum::Json(
        state
            .db
            .read(|c| events::page(c, &app.id, kind, before, limit))?,
    ))
}
