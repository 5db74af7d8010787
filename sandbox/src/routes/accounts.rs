//! Verification codes, registration, password reset and change, profile,
//! self-freeze (login, refresh and logout are in `sessions`).

use crate::auth::{self, App, User};
use crate::codes::{self, Delivery, Destination, Purpose};
use crate::json::Json;
use crate::lockout;
use crate::problem::{ErrorCode, Problem};
use crate::secrets::new_id;
use crate::state::AppState;
use crate::text;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

const MIN_PASSWORD_CHARS: usize = 8;

/// A display name: at most 100 characters of clean text ([`text`]).
fn check_display_name(name: Option<&str>) -> Result<(), Problem> {
    if name.is_some_and(|n| n.chars().count() > 100) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "display_name has at most 100 characters",
        ));
    }
    text::check_opt("display_name", name)
}

fn check_password_strength(password: &str) -> Result<(), Problem> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=256).contains(&n) {
        return Err(Problem::new(
            ErrorCode::WeakPassword,
            "passwords have 8 to 256 characters",
        ));
    }
    Ok(())
}

/// The profile JSON of a user.
pub fn profile(conn: &Connection, user_id: &str) -> Result<Value, Problem> {
    conn.prepare_cached(
        "SELECT id, phone, email, display_name, status, frozen_reason, created_at FROM users WHERE id = ?1",
    )?
    .query_row([user_id], |r| {
        Ok(json!({
            "user_id": r.get::<_, String>(0)?,
            "phone": r.get::<_, Option<String>>(1)?,
            "email": r.get::<_, Option<String>>(2)?,
            "display_name": r.get::<_, Option<String>>(3)?,
            "status": r.get::<_, String>(4)?,
            "frozen_reason": r.get::<_, Option<String>>(5)?,
            "created_at": r.get::<_, i64>(6)?,
        }))
    })
    .optional()?
    .ok_or(Problem::of(ErrorCode::UserNotFound))
}

/// The user id registered with a destination.
pub fn user_by_destination(
    conn: &Connection,
    dest: &Destination,
) -> Result<Option<String>, Problem> {
    let sql = match dest {
        Destination::Phone(_) => "SELECT id FROM users WHERE phone = ?1",
        Destination::Email(_) => "SELECT id FROM users WHERE email = ?1",
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([dest.as_str()], |r| r.get(0))
        .optional()?)
}

/// The user registered with a destination, if the user belongs to `app`
/// (a user of another app is nobody, for this app).
pub fn app_user_by_destination(
    conn: &Connection,
    dest: &Destination,
    app: &str,
) -> Result<Option<String>, Problem> {
    Ok(match user_by_destination(conn, dest)? {
        Some(id) if auth::app_of_user(conn, &id)?.as_deref() == Some(app) => Some(id),
        _ => None,
    })
}

/// Where a user's codes go: the phone if any, else the e-mail.
pub fn user_destination(conn: &Connection, user_id: &str) -> Result<Destination, Problem> {
    let (phone, email): (Option<String>, Option<String>) = conn
        .prepare_cached("SELECT phone, email FROM users WHERE id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    match (phone, email) {
        (Some(p), _) => Ok(Destination::Phone(p)),
        (None, Some(e)) => Ok(Destination::Email(e)),
        _ => Err(Problem::internal("user without destination")),
    }
}

/// Body of `POST /v1/verification-codes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    purpose: Purpose,
    #[serde(default)]
    destination: Option<String>,
}

/// `POST /v1/verification-codes`: sends a code. `register`, `login` and
/// `reset_password` need a `destination`; `bind_card` and `withdraw` go to the
/// signed-in user's own phone or e-mail.
pub async fn send_code(
    State(state): State<AppState>,
    app: App,
    headers: HeaderMap,
    body: Json<CodeRequest>,
) -> Result<Response, Problem> {
    let req = body.value;
    let now = state.now();
    let token = auth::bearer(&headers).map(str::to_owned);
    let sent = state.db.write(|c| {
        let dest = match req.purpose {
            Purpose::BindCard | Purpose::Withdraw => {
                let token = token
                    .as_deref()
                    .ok_or(Problem::of(ErrorCode::Unauthorized))?;
                let (user, _) = auth::user_for_token(c, token, now)?
                    .ok_or(Problem::of(ErrorCode::InvalidToken))?;
                user_destination(c, &user)?
            }
            _ => {
                let raw = req.destination.as_deref().ok_or(Problem::new(
                    ErrorCode::MissingField,
                    "missing field `destination`",
                ))?;
                let dest = Destination::parse(raw)?;
                if req.purpose == Purpose::Register {
                    if user_by_destination(c, &dest)?.is_some() {
                        return Err(Problem::of(ErrorCode::AlreadyRegistered));
                    }
                } else if app_user_by_destination(c, &dest, &app.id)?.is_none() {
                    return Err(Problem::of(ErrorCode::UserNotFound));
                }
                // Anyone can ask for these: a bound per API key as well as
                // the per-destination caps (sandbox/README.md, "Rules").
                let rules = &state.config.codes;
                state
                    .limits
                    .anonymous_sends
                    .admit(&app.id, now, rules.anonymous_sends_per_key_hour, 3_600_000)
                    .map_err(|wait| {
                        Problem::of(ErrorCode::TooManyCodeRequests).with("retry_after_s", wait)
                    })?;
                dest
            }
        };
        codes::send(
            c,
            &state.config.codes,
            now,
            &dest,
            req.purpose,
            &app.id,
            Delivery::Requested,
        )
    })?;
    Ok((StatusCode::ACCEPTED, axum::Json(sent)).into_response())
}

/// Body of `POST /v1/users`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
    password: String,
    code: String,
    #[serde(default)]
    display_name: Option<String>,
}

/// `POST /v1/users`: registers with a `register` code sent to the phone or
/// e-mail.
pub async fn register(
    State(state): State<AppState>,
    app: App,
    body: Json<Registration>,
) -> Result<Response, Problem> {
    let req = body.value;
    let dest = match (&req.phone, &req.email) {
        (Some(p), None) => Destination::phone(p)?,
        (None, Some(e)) => Destination::email(e)?,
        _ => {
            return Err(Problem::new(
                ErrorCode::InvalidDestination,
                "give exactly one of phone and email",
            ));
        }
    };
    check_password_strength(&req.password)?;
    check_display_name(req.display_name.as_deref())?;
    let now = state.now();
    // The cheap check first: a wrong code costs no Argon2id hash.
    state.db.write(|c| {
        if user_by_destination(c, &dest)?.is_some() {
            return Err(Problem::of(ErrorCode::AlreadyRegistered));
        }
        codes::verify(
            c,
            &state.config.codes,
            now,
            dest.as_str(),
            Purpose::Register,
            &req.code,
        )
    })?;
    let cost = state.config.hash_cost;
    let password = req.password;
    let hash = state.hasher.hash(password, cost).await?;
    let user_id = new_id("usr");
    let view = state.db.write(|c| {
        if user_by_destination(c, &dest)?.is_some() {
            return Err(Problem::of(ErrorCode::AlreadyRegistered));
        }
        let (phone, email) = match &dest {
            Destination::Phone(p) => (Some(p.as_str()), None),
            Destination::Email(e) => (None, Some(e.as_str())),
        };
        c.execute(
            "INSERT INTO users (id, app_id, phone, email, display_name, password_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![user_id, app.id, phone, email, req.display_name, hash, now],
        )?;
        c.execute(
            "INSERT INTO points (user_id, balance) VALUES (?1, 0)",
            [&user_id],
        )?;
        auth::record_event(c, &user_id, "registered", now)?;
        profile(c, &user_id)
    })?;
    Ok((StatusCode::CREATED, axum::Json(view)).into_response())
}

/// Body of `POST /v1/auth/password-reset`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    identifier: String,
    code: String,
    new_password: String,
}

/// `POST /v1/auth/password-reset`: sets a new password with a
/// `reset_password` code; every session is revoked.
pub async fn password_reset(
    State(state): State<AppState>,
    app: App,
    body: Json<PasswordReset>,
) -> Result<StatusCode, Problem> {
    let req = body.value;
    let dest = Destination::parse(&req.identifier)?;
    check_password_strength(&req.new_password)?;
    let user_id = state
        .db
        .read(|c| app_user_by_destination(c, &dest, &app.id))?
        .ok_or(Problem::of(ErrorCode::UserNotFound))?;
    let now = state.now();
    // The cheap check first: a wrong code costs no Argon2id hash.
    state.db.write(|c| {
        codes::verify(
            c,
            &state.config.codes,
            now,
            dest.as_str(),
            Purpose::ResetPassword,
            &req.code,
        )
    })?;
    let cost = state.config.hash_cost;
    let password = req.new_password;
    let hash = state.hasher.hash(password, cost).await?;
    state.db.write(|c| {
        c.execute(
            "UPDATE users SET password_hash = ?2, failed_logins = 0, locked_until = 0 WHERE id = ?1",
            params![user_id, hash],
        )?;
        auth::revoke_all(c, &user_id, None)?;
        auth::record_event(c, &user_id, "password_reset", now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/me`
pub async fn me(State(state): State<AppState>, user: User) -> Result<axum::Json<Value>, Problem> {
    Ok(axum::Json(state.db.read(|c| profile(c, &user.id))?))
}

/// Body of `PATCH /v1/me`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    /// Required (`{}` is refused, not read as "clear the name"); `null` clears.
    #[serde(deserialize_with = "Option::deserialize")]
    display_name: Option<String>,
}

/// `PATCH /v1/me`: changes the display name.
pub async fn update_me(
    State(state): State<AppState>,
    user: User,
    body: Json<ProfileUpdate>,
) -> Result<axum::Json<Value>, Problem> {
    check_display_name(body.value.display_name.as_deref())?;
    let view = state.db.write(|c| {
        c.execute(
            "UPDATE users SET display_name = ?2 WHERE id = ?1",
            params![user.id, body.value.display_name],
        )?;
        profile(c, &user.id)
    })?;
    Ok(axum::Json(view))
}

/// Checks a signed-in user's password through the lock-out: counted
/// before the hash is verified, a wrong one leaves `failed_event` and
/// answers `wrong_password` (or `locked_out`) like a login.
async fn check_user_password(
    state: &AppState,
    user_id: &str,
    password: String,
    failed_event: &'static str,
) -> Result<(), Problem> {
    let now = state.now();
    let hash = state.db.write(|c| lockout::reserve(c, user_id, now))?;
    let ok = state.hasher.verify(password, hash).await?;
    state
        .db
        .write(|c| lockout::conclude(c, user_id, ok, now, failed_event))
}

/// Body of `POST /v1/me/password`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// `POST /v1/me/password`: changes the password; other sessions are revoked.
pub async fn change_password(
    State(state): State<AppState>,
    user: User,
    body: Json<PasswordChange>,
) -> Result<StatusCode, Problem> {
    let req = body.value;
    check_password_strength(&req.new_password)?;
    check_user_password(
        &state,
        &user.id,
        req.current_password,
        "password_change_failed",
    )
    .await?;
    let cost = state.config.hash_cost;
    let password = req.new_password;
    let hash = state.hasher.hash(password, cost).await?;
    let now = state.now();
    state.db.write(|c| {
        c.execute(
            "UPDATE users SET password_hash = ?2 WHERE id = ?1",
            params![user.id, hash],
        )?;
        auth::revoke_all(c, &user.id, Some(&user.family))?;
        auth::record_event(c, &user.id, "password_changed", now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/me/freeze`: self-freeze (e.g. a stolen phone); revokes the
/// user's other sessions. Idempotent.
pub async fn freeze(
    State(state): State<AppState>,
    user: User,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    let view = state.db.write(|c| {
        let changed = c.execute(
            "UPDATE users SET status = 'frozen', frozen_reason = 'self' WHERE id = ?1 AND status = 'active'",
            [&user.id],
        )?;
        if changed > 0 {
            // "My phone was stolen": every other session ends with the
            // freeze; this one stays to unfreeze with the password.
            auth::revoke_all(c, &user.id, Some(&user.family))?;
            auth::record_event(c, &user.id, "frozen", now)?;
        }
        profile(c, &user.id)
    })?;
    Ok(axum::Json(view))
}

/// Body of `POST /v1/me/unfreeze`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unfreeze {
    password: String,
}

/// `POST /v1/me/unfreeze`: lifts a self or risk freeze with the password.
pub async fn unfreeze(
    State(state): State<AppState>,
    user: User,
    body: Json<Unfreeze>,
) -> Result<axum::Json<Value>, Problem> {
    let status: String = state.db.read(|c| {
        Ok(
            c.query_row("SELECT status FROM users WHERE id = ?1", [&user.id], |r| {
                r.get(0)
            })?,
        )
    })?;
    if status != "frozen" {
        return Err(Problem::of(ErrorCode::AccountNotFrozen));
    }
    check_user_password(&state, &user.id, body.value.password, "unfreeze_failed").await?;
    let now = state.now();
    let view = state.db.write(|c| {
        c.execute(
            "UPDATE users SET status = 'active', frozen_reason = NULL WHERE id = ?1",
            [&user.id],
        )?;
        auth::record_event(c, &user.id, "unfrozen", now)?;
        profile(c, &user.id)
    })?;
    Ok(axum::Json(view))
}

/// `GET /v1/me/security-events`: the newest 100 security events.
pub async fn security_events(
    State(state): State<AppState>,
    user: User,
) -> Result<axum::Json<Value>, Problem> {
    let items = state.db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT kind, at FROM security_events WHERE user_id = ?1 ORDER BY id DESC LIMIT 100",
        )?;
        let rows = stmt.query_map([&user.id], |r| {
            Ok(json!({"kind": r.get::<_, String>(0)?, "at": r.get::<_, i64>(1)?}))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    Ok(axum::Json(json!({"items": items})))
}
