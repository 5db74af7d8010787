//! Health and developer-app self-service.

use crate::auth::App;
use crate::json::Json;
use crate::problem::{ErrorCode, Problem};
use crate::secrets::{new_id, new_token, sha256_hex};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use rusqlite::params;
use serde::Deserialize;
use serde_json::{Value, json};

/// `GET /healthz`
pub async fn healthz() -> axum::Json<Value> {
    axum::Json(json!({"status": "ok"}))
}

/// Body of `POST /v1/apps`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewApp {
    name: String,
}

/// `POST /v1/apps`: registers a developer app and returns its API key (shown
/// only once; the server keeps its digest).
pub async fn create_app(
    State(state): State<AppState>,
    body: Json<NewApp>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let name = body.value.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "name must be 1 to 100 characters",
        ));
    }
    let id = new_id("app");
    let key = new_token("sk_sandbox");
    let now = state.now();
    state.db.write(|c| {
        c.execute(
            "INSERT INTO apps (id, name, key_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, name, sha256_hex(key.as_bytes()), now],
        )?;
        Ok(())
    })?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"app_id": id, "name": name, "api_key": key, "created_at": now})),
    ))
}

/// `GET /v1/apps/current`
pub async fn current_app(
    State(state): State<AppState>,
    app: App,
) -> Result<axum::Json<Value>, Problem> {
    let (name, created_at): (String, i64) = state.db.read(|c| {
        Ok(c.query_row(
            "SELECT name, created_at FROM apps WHERE id = ?1",
            [&app.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    })?;
    Ok(axum::Json(
        json!({"app_id": app.id, "name": name, "created_at": created_at}),
    ))
}
