//! `/v1/webhook-endpoints`: register, list, delete an app's webhook
//! endpoints and rotate their secrets ([`crate::webhooks`]).

use crate::auth::App;
use crate::delivery;
use crate::events::EventType;
use crate::json::Json;
use crate::problem::{ErrorCode, Problem};
use crate::state::AppState;
use crate::webhooks;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::Value;

/// Body of `POST /v1/webhook-endpoints`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewEndpoint {
    url: String,
    events: Vec<String>,
}

/// `POST /v1/webhook-endpoints`: `201` with the secret, shown only here.
pub async fn create(
    State(state): State<AppState>,
    app: App,
    body: Json<NewEndpoint>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let req = body.value;
    let events = req
        .events
        .iter()
        .map(|e| {
            EventType::parse(e).map_err(|_| {
                Problem::new(ErrorCode::InvalidValue, format!("unknown event type {e}"))
            })
        })
        .collect::<Result<Vec<_>, Problem>>()?;
    let now = state.now();
    let view = state
        .db
        .write(|c| webhooks::create(c, &app.id, &req.url, &events, now))?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// `GET /v1/webhook-endpoints`: the app's endpoints without secrets.
pub async fn list(State(state): State<AppState>, app: App) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    Ok(axum::Json(
        state.db.read(|c| webhooks::list(c, &app.id, now))?,
    ))
}

/// `DELETE /v1/webhook-endpoints/{endpoint_id}`: `204`.
pub async fn remove(
    State(state): State<AppState>,
    app: App,
    Path(id): Path<String>,
) -> Result<StatusCode, Problem> {
    state.db.write(|c| webhooks::delete(c, &app.id, &id))?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/webhook-endpoints/{endpoint_id}/rotate-secret`: the new
/// secret; the previous one signs too for 24 hours.
pub async fn rotate(
    State(state): State<AppState>,
    app: App,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    Ok(axum::Json(
        state.db.write(|c| webhooks::rotate(c, &app.id, &id, now))?,
    ))
}

/// `GET /v1/webhook-endpoints/{endpoint_id}/deliveries`: the newest 100
/// deliveries with every attempt.
pub async fn deliveries(
    State(state): State<AppState>,
    app: App,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, Problem> {
    Ok(axum::Json(
        state.db.read(|c| delivery::list(c, &app.id, &id))?,
    ))
}

/// `POST /v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/resend`:
/// `202`, the delivery is pending again and due now.
pub async fn resend(
    State(state): State<AppState>,
    app: App,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let now = state.now();
    state
        .db
        .write(|c| delivery::resend(c, &app.id, &id, &delivery_id, now))?;
    Ok(StatusCode::ACCEPTED)
}
