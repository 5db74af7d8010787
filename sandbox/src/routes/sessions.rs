//! Login with a second factor, token refresh and logout. Every password
//! check goes through [`lockout`]; the second factor of a correct password
//! is delivered whatever others requested for the same phone
//! ([`Delivery::SecondFactor`]).

use super::accounts::{app_user_by_destination, user_destination};
use crate::auth::{self, App, User};
use crate::codes::{self, Delivery, Destination, Purpose};
use crate::idempotency::IdempotencyKey;
use crate::json::Json;
use crate::lockout;
use crate::problem::{ErrorCode, Problem};
use crate::secrets::{new_token, sha256_hex};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of `POST /v1/auth/login`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    identifier: String,
    password: String,
}

/// The user a login names, if it belongs to the calling app.
fn login_target(c: &Connection, dest: &Destination, app: &str) -> Result<Option<String>, Problem> {
    app_user_by_destination(c, dest, app)
}

/// Sends the second factor of a login whose password was right, within
/// [`CodeRules::second_factor_daily_cap`](crate::config::CodeRules) per
/// user, and opens its ticket.
fn send_second_factor(
    c: &Connection,
    state: &AppState,
    user_id: &str,
    app: &str,
    ticket: &str,
    now: i64,
) -> Result<Value, Problem> {
    let rules = &state.config.codes;
    let recent: i64 = c.query_row(
        "SELECT COUNT(*) FROM login_tickets WHERE user_id = ?1 AND expires_at > ?2",
        params![user_id, now - 86_400_000 + rules.ttl_s * 1000],
        |r| r.get(0),
    )?;
    if recent >= i64::from(rules.second_factor_daily_cap) {
        return Err(Problem::of(ErrorCode::DailyCodeLimit).with("retry_after_s", 3600));
    }
    let user_dest = user_destination(c, user_id)?;
    let sent = codes::send(
        c,
        rules,
        now,
        &user_dest,
        Purpose::Login,
        app,
        Delivery::SecondFactor,
    )?;
    c.execute(
        "INSERT INTO login_tickets (hash, user_id, destination, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![sha256_hex(ticket.as_bytes()), user_id, user_dest.as_str(), sent.expires_at],
    )?;
    Ok(json!({"login_ticket": ticket, "second_factor": sent}))
}

/// `POST /v1/auth/login`: checks the password, sends a `login` code and
/// returns a ticket for the second step. The attempt is counted before
/// the password is checked and the lock is checked again before a ticket
/// is issued ([`lockout`]). An identifier that names no user of the
/// calling app runs the same counting and the same Argon2id verify (of a
/// dummy hash) and gets the same answer as a wrong password.
pub async fn login(
    State(state): State<AppState>,
    app: App,
    body: Json<Login>,
) -> Result<Response, Problem> {
    let req = body.value;
    let now = state.now();
    let user = match Destination::parse(&req.identifier) {
        Ok(dest) => state.db.write(|c| {
            let Some(id) = login_target(c, &dest, &app.id)? else {
                return Ok(None);
            };
            Ok(Some((lockout::reserve(c, &id, now)?, id)))
        })?,
        Err(_) => None,
    };
    let password = req.password;
    let Some((hash, user_id)) = user else {
        let phantoms = &state.limits.phantom_logins;
        lockout::reserve_unknown(phantoms, &req.identifier, now)?;
        state
            .hasher
            .verify_unknown(password, state.config.hash_cost)
            .await?;
        return Err(lockout::conclude_unknown(phantoms, &req.identifier, now));
    };
    let ok = state.hasher.verify(password, hash).await?;
    let ticket = new_token("lt");
    let out = state.db.write(|c| {
        lockout::conclude(c, &user_id, ok, now, "login_failed")?;
        send_second_factor(c, &state, &user_id, &app.id, &ticket, now)
    })?;
    Ok(axum::Json(out).into_response())
}

/// Body of `POST /v1/auth/login/verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginVerify {
    login_ticket: String,
    code: String,
}

/// `POST /v1/auth/login/verify`: the second factor; returns tokens.
pub async fn login_verify(
    State(state): State<AppState>,
    _app: App,
    body: Json<LoginVerify>,
) -> Result<Response, Problem> {
    let req = body.value;
    let now = state.now();
    let tokens = state.db.write(|c| {
        let hash = sha256_hex(req.login_ticket.as_bytes());
        let ticket: Option<(String, String, i64, bool)> = c
            .query_row(
                "SELECT user_id, destination, expires_at, used FROM login_tickets WHERE hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((user_id, dest, expires_at, used)) = ticket else {
            return Err(Problem::of(ErrorCode::LoginTicketInvalid));
        };
        if used || expires_at <= now {
            return Err(Problem::of(ErrorCode::LoginTicketInvalid));
        }
        codes::verify(
            c,
            &state.config.codes,
            now,
            &dest,
            Purpose::Login,
            &req.code,
        )?;
        c.execute("UPDATE login_tickets SET used = 1 WHERE hash = ?1", [&hash])?;
        auth::record_event(c, &user_id, "login", now)?;
        auth::start_session(c, &state, &user_id)
    })?;
    Ok(axum::Json(tokens).into_response())
}

/// Body of `POST /v1/auth/refresh`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    refresh_token: String,
}

/// `POST /v1/auth/refresh`: rotates the token pair; reuse of a rotated refresh
/// token revokes the session, except a retry with the rotation's
/// `Idempotency-Key` inside the replay window, which gets the same pair
/// (header `Idempotent-Replayed: true`).
pub async fn refresh(
    State(state): State<AppState>,
    _app: App,
    headers: HeaderMap,
    body: Json<Refresh>,
) -> Result<Response, Problem> {
    let key = IdempotencyKey::optional(&headers)?;
    let outcome = state.db.write(|c| {
        auth::refresh(
            c,
            &state,
            &body.value.refresh_token,
            key.as_ref().map(|k| k.0.as_str()),
        )
    })?;
    Ok(match outcome {
        auth::Refreshed::Rotated(tokens) => axum::Json(tokens).into_response(),
        auth::Refreshed::Replayed(tokens) => {
            let mut response = axum::Json(tokens).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
    })
}

/// `POST /v1/auth/logout`: revokes the current session.
pub async fn logout(State(state): State<AppState>, user: User) -> Result<StatusCode, Problem> {
    let now = state.now();
    state.db.write(|c| {
        auth::revoke_family(c, &user.family)?;
        auth::record_event(c, &user.id, "logout", now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}
