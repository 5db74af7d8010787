//! Who is calling: developer apps by `X-Api-Key`, users by bearer access
//! token. Sessions are token families: a refresh rotates both tokens within
//! the family; presenting an already-rotated refresh token revokes the whole
//! family (reuse detection), except a retry of a rotation whose response was
//! lost (same `Idempotency-Key`, inside a short grace window), which gets the
//! same pair again. Only SHA-256 digests of keys and tokens are stored.
//! Valid keys and tokens are remembered in the
//! [`SessionCache`](crate::session_cache::SessionCache), so most requests
//! authenticate without touching the database.

use crate::problem::{ErrorCode, Problem};
use crate::secrets::{hex, new_id, new_token, random_hex, sha256_hex};
use crate::session_cache::{CachedToken, Digest};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, request::Parts};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use std::sync::Arc;

/// A developer app authenticated by its API key.
#[derive(Debug, Clone)]
pub struct App {
    /// The app's id.
    pub id: String,
}

/// A user authenticated by an access token (the app is checked too).
#[derive(Debug, Clone)]
pub struct User {
    /// The calling app.
    pub app: App,
    /// The user's id.
    pub id: String,
    /// The token family (session) of the access token.
    pub family: String,
}

/// Looks up the app of an API key.
pub fn app_for_key(conn: &Connection, key: &str) -> Result<Option<App>, Problem> {
    Ok(app_by_digest(conn, &digest(key))?.map(|id| App { id }))
}

fn digest(secret: &str) -> Digest {
    Sha256::digest(secret.as_bytes()).into()
}

fn app_by_digest(conn: &Connection, key: &Digest) -> Result<Option<String>, Problem> {
    let mut stmt = conn.prepare_cached("SELECT id FROM apps WHERE key_hash = ?1")?;
    Ok(stmt.query_row([hex(key)], |r| r.get(0)).optional()?)
}

/// The session of an access-token digest (user, family, expiry), if its
/// family is not revoked.
fn token_by_digest(conn: &Connection, token: &Digest) -> Result<Option<CachedToken>, Problem> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.user_id, t.family, t.expires_at FROM access_tokens t
         JOIN token_families f ON f.id = t.family WHERE t.hash = ?1 AND f.revoked = 0",
    )?;
    Ok(stmt
        .query_row([hex(token)], |r| {
            Ok(CachedToken {
                user: r.get::<_, String>(0)?.into(),
                family: r.get::<_, String>(1)?.into(),
                expires_at: r.get(2)?,
            })
        })
        .optional()?)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The app of an API key, from the cache or the database.
fn authenticate_app(state: &AppState, key: &str) -> Result<Option<Arc<str>>, Problem> {
    let key = digest(key);
    let generations = state.db.generations();
    if let Some(app) = state.sessions.app(generations.sessions(), &key) {
        return Ok(Some(app));
    }
    let (generation, app) = state
        .db
        .read(|c| Ok((generations.sessions(), app_by_digest(c, &key)?)))?;
    let app: Option<Arc<str>> = app.map(Into::into);
    if let Some(app) = &app {
        state.sessions.put_app(generation, key, app.clone());
    }
    Ok(app)
}

impl FromRequestParts<AppState> for App {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<App, Problem> {
        let key =
            header(&parts.headers, "x-api-key").ok_or(Problem::of(ErrorCode::MissingApiKey))?;
        authenticate_app(state, key)?
            .map(|id| App { id: id.to_string() })
            .ok_or(Problem::of(ErrorCode::InvalidApiKey))
    }
}

/// An operator request: the app's `X-Api-Key` and the server's operator
/// credential in `X-Sandbox-Operator-Key`. What an operator does is scoped
/// to this app's users and merchants.
#[derive(Debug, Clone)]
pub struct Operator {
    /// The app the operator acts for.
    pub app: App,
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Operator, Problem> {
        let expected = match &state.config.operator_key {
            Some(key) if state.config.sandbox_endpoints => key,
            _ => return Err(Problem::of(ErrorCode::SandboxDisabled)),
        };
        let app = App::from_request_parts(parts, state).await?;
        let given = header(&parts.headers, "x-sandbox-operator-key").unwrap_or("");
        // Compare digests: a timing difference says nothing about the key.
        if digest(given) != digest(expected) {
            return Err(Problem::of(ErrorCode::InvalidOperatorKey));
        }
        Ok(Operator { app })
    }
}

/// The app that owns a user (`None`: no such user).
pub fn app_of_user(conn: &Connection, user_id: &str) -> Result<Option<String>, Problem> {
    Ok(conn
        .prepare_cached("SELECT app_id FROM users WHERE id = ?1")?
        .query_row([user_id], |r| r.get(0))
        .optional()?)
}

/// The app that owns a merchant (`None`: no such merchant).
pub fn app_of_merchant(conn: &Connection, merchant_id: &str) -> Result<Option<String>, Problem> {
    Ok(conn
        .prepare_cached("SELECT app_id FROM merchants WHERE id = ?1")?
        .query_row([merchant_id], |r| r.get(0))
        .optional()?)
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    header(headers, "authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    })
}

/// Resolves an access token to (user, family) if valid at `now`.
pub fn user_for_token(
    conn: &Connection,
    token: &str,
    now: i64,
) -> Result<Option<(String, String)>, Problem> {
    Ok(token_by_digest(conn, &digest(token))?
        .filter(|t| t.expires_at > now)
        .map(|t| (t.user.to_string(), t.family.to_string())))
}

/// The app and the session of a request, from the cache or (in one
/// database trip for both) from the database.
fn authenticate_user(
    state: &AppState,
    key: &str,
    token: &str,
    now: i64,
) -> Result<(Option<Arc<str>>, Option<CachedToken>), Problem> {
    let (key, token) = (digest(key), digest(token));
    let generations = state.db.generations();
    let generation = generations.sessions();
    if let Some(app) = state.sessions.app(generation, &key)
        && let Some(session) = state.sessions.token(generation, &token, now)
    {
        return Ok((Some(app), Some(session)));
    }
    let (generation, app, session) = state.db.read(|c| {
        let app = app_by_digest(c, &key)?;
        let session = match app {
            Some(_) => token_by_digest(c, &token)?,
            None => None,
        };
        Ok((generations.sessions(), app, session))
    })?;
    let app: Option<Arc<str>> = app.map(Into::into);
    if let Some(app) = &app {
        state.sessions.put_app(generation, key, app.clone());
    }
    let session = session.filter(|s| s.expires_at > now);
    if let Some(session) = &session {
        state.sessions.put_token(generation, token, session.clone());
    }
    Ok((app, session))
}

impl FromRequestParts<AppState> for User {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<User, Problem> {
        let key =
            header(&parts.headers, "x-api-key").ok_or(Problem::of(ErrorCode::MissingApiKey))?;
        let Some(token) = bearer(&parts.headers) else {
            authenticate_app(state, key)?.ok_or(Problem::of(ErrorCode::InvalidApiKey))?;
            return Err(Problem::of(ErrorCode::Unauthorized));
        };
        let (app, session) = authenticate_user(state, key, token, state.now())?;
        let app = app.ok_or(Problem::of(ErrorCode::InvalidApiKey))?;
        let session = session.ok_or(Problem::of(ErrorCode::InvalidToken))?;
        Ok(User {
            app: App {
                id: app.to_string(),
            },
            id: session.user.to_string(),
            family: session.family.to_string(),
        })
    }
}

/// A freshly issued token pair.
#[derive(Debug, Serialize)]
pub struct Tokens {
    /// The user the tokens belong to.
    pub user_id: String,
    /// Short-lived bearer token.
    pub access_token: String,
    /// Single-use token to get the next pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

/// Starts a new session (token family) for a user and issues its first pair.
pub fn start_session(
    conn: &Connection,
    state: &AppState,
    user_id: &str,
) -> Result<Tokens, Problem> {
    let family = new_id("fam");
    conn.prepare_cached(
        "INSERT INTO token_families (id, user_id, created_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![family, user_id, state.now()])?;
    issue_pair(conn, state, user_id, &family)
}

fn issue_pair(
    conn: &Connection,
    state: &AppState,
    user_id: &str,
    family: &str,
) -> Result<Tokens, Problem> {
    store_pair(
        conn,
        state,
        user_id,
        family,
        new_token("at"),
        new_token("rt"),
    )
}

fn store_pair(
    conn: &Connection,
    state: &AppState,
    user_id: &str,
    family: &str,
    access: String,
    refresh: String,
) -> Result<Tokens, Problem> {
    let now = state.now();
    conn.prepare_cached(
        "INSERT INTO access_tokens (hash, family, user_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        sha256_hex(access.as_bytes()),
        family,
        user_id,
        now + state.config.access_ttl_s * 1000
    ])?;
    conn.prepare_cached(
        "INSERT INTO refresh_tokens (hash, family, user_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        sha256_hex(refresh.as_bytes()),
        family,
        user_id,
        now + state.config.refresh_ttl_s * 1000
    ])?;
    Ok(Tokens {
        user_id: user_id.to_owned(),
        access_token: access,
        refresh_token: refresh,
        token_type: "Bearer",
        expires_in: state.config.access_ttl_s,
    })
}

/// The pair a rotation of `old_token` issues, derived from a random `seed`
/// kept with the old token's row and the old token itself (which the server
/// stores only as a digest): a retry that presents the old token again
/// re-derives the same pair, and the database alone cannot.
fn derive_pair(seed: &str, old_token: &str) -> (String, String) {
    let derive = |label: &str| {
        let mut h = Sha256::new();
        h.update(b"imwallet refresh replay v1\0");
        h.update(label.as_bytes());
        h.update(b"\0");
        h.update(seed.as_bytes());
        h.update(b"\0");
        h.update(old_token.as_bytes());
        format!("{label}_{}", hex(&h.finalize()))
    };
    (derive("at"), derive("rt"))
}

/// How a refresh ended.
#[derive(Debug)]
pub enum Refreshed {
    /// The token was rotated: a new pair.
    Rotated(Tokens),
    /// A retry of a rotation whose response was lost: the same pair again.
    Replayed(Tokens),
}

/// Rotates a refresh token.
///
/// `idempotency_key` makes the rotation replayable: a later request that
/// presents the same (now used) token with the same key, within
/// [`Config::refresh_replay_window_s`](crate::config::Config) and while the
/// pair it issued is still unused, gets that pair again. Any other reuse
/// of a rotated token revokes its family (the error is returned with the
/// revocation kept).
pub fn refresh(
    conn: &Connection,
    state: &AppState,
    token: &str,
    idempotency_key: Option<&str>,
) -> Result<Refreshed, Problem> {
    let hash = sha256_hex(token.as_bytes());
    let key_hash = idempotency_key.map(|k| sha256_hex(k.as_bytes()));
    let now = state.now();
    type Row = (
        String,
        String,
        i64,
        bool,
        bool,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT r.family, r.user_id, r.expires_at, r.used, f.revoked,
                    r.rotated_at, r.replay_key_hash, r.replay_seed FROM refresh_tokens r
             JOIN token_families f ON f.id = r.family WHERE r.hash = ?1",
        )?
        .query_row([&hash], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .optional()?;
    let Some((family, user_id, expires_at, used, revoked, rotated_at, stored_key, seed)) = row
    else {
        return Err(Problem::of(ErrorCode::InvalidRefreshToken));
    };
    if used {
        if !revoked
            && let (Some(key), Some(stored), Some(seed), Some(at)) =
                (&key_hash, &stored_key, &seed, rotated_at)
            && key == stored
            && now - at <= state.config.refresh_replay_window_s * 1000
        {
            let (access, refresh) = derive_pair(seed, token);
            // Only while the replayed pair is still the session's newest:
            // once its refresh token was used, the response was not lost.
            let successor_unused: bool = conn
                .prepare_cached("SELECT used = 0 FROM refresh_tokens WHERE hash = ?1")?
                .query_row([sha256_hex(refresh.as_bytes())], |r| r.get(0))
                .optional()?
                .unwrap_or(false);
            if successor_unused {
                return Ok(Refreshed::Replayed(Tokens {
                    user_id,
                    access_token: access,
                    refresh_token: refresh,
                    token_type: "Bearer",
                    expires_in: state.config.access_ttl_s,
                }));
            }
        }
        revoke_family(conn, &family)?;
        record_event(conn, &user_id, "refresh_token_reuse_detected", now)?;
        return Err(Problem::of(ErrorCode::RefreshTokenReused).keeping_writes());
    }
    if revoked || expires_at <= now {
        return Err(Problem::of(ErrorCode::InvalidRefreshToken));
    }
    let seed = key_hash.as_ref().map(|_| random_hex(32));
    conn.prepare_cached(
        "UPDATE refresh_tokens SET used = 1, rotated_at = ?2, replay_key_hash = ?3, replay_seed = ?4
         WHERE hash = ?1",
    )?
    .execute(params![hash, now, key_hash, seed])?;
    // The old access token of the family dies with the rotation.
    conn.prepare_cached("DELETE FROM access_tokens WHERE family = ?1")?
        .execute([&family])?;
    let tokens = match &seed {
        Some(seed) => {
            let (access, refresh) = derive_pair(seed, token);
            store_pair(conn, state, &user_id, &family, access, refresh)?
        }
        None => issue_pair(conn, state, &user_id, &family)?,
    };
    Ok(Refreshed::Rotated(tokens))
}

/// Revokes one session.
pub fn revoke_family(conn: &Connection, family: &str) -> Result<(), Problem> {
    conn.prepare_cached("UPDATE token_families SET revoked = 1 WHERE id = ?1")?
        .execute([family])?;
    Ok(())
}

/// Revokes every session of a user except `keep`.
pub fn revoke_all(conn: &Connection, user_id: &str, keep: Option<&str>) -> Result<(), Problem> {
    conn.prepare_cached(
        "UPDATE token_families SET revoked = 1 WHERE user_id = ?1 AND id != COALESCE(?2, '')",
    )?
    .execute(params![user_id, keep])?;
    Ok(())
}

/// Appends to a user's security log.
pub fn record_event(conn: &Connection, user_id: &str, kind: &str, at: i64) -> Result<(), Problem> {
    conn.prepare_cached("INSERT INTO security_events (user_id, kind, at) VALUES (?1, ?2, ?3)")?
        .execute(params![user_id, kind, at])?;
    Ok(())
}

/// Fails with `account_frozen` unless the user's account is active.
pub fn require_active(conn: &Connection, user_id: &str) -> Result<(), Problem> {
    let status: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT status, frozen_reason FROM users WHERE id = ?1")?
        .query_row([user_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match status {
        Some((s, _)) if s == "active" => Ok(()),
        Some((_, reason)) => Err(Problem::of(ErrorCode::AccountFrozen)
            .with("frozen_reason", reason.unwrap_or_else(|| "self".into()))),
        None => Err(Problem::of(ErrorCode::InvalidToken)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::config::Config;
    use crate::db::Db;

    fn state() -> AppState {
        AppState {
            db: Arc::new(Db::open(":memory:").unwrap()),
            clock: Arc::new(ManualClock::new(1_000_000)),
            config: Arc::new(Config::for_tests()),
            sessions: Arc::default(),
            hasher: Arc::default(),
            limits: Arc::default(),
        }
    }

    #[test]
    fn a_cached_token_stops_working_once_its_session_is_revoked() {
        let state = state();
        let now = state.now();
        let tokens = state
            .db
            .write(|c| {
                c.execute(
                    "INSERT INTO apps (id, name, key_hash, created_at) VALUES ('app_1', 'a', ?1, 0)",
                    [sha256_hex(b"key")],
                )?;
                start_session(c, &state, "usr_1")
            })
            .unwrap();
        let token = tokens.access_token.clone();
        let (app, session) = authenticate_user(&state, "key", &token, now).unwrap();
        assert_eq!(app.as_deref(), Some("app_1"));
        let family = session.unwrap().family;
        // served from the cache now
        let reads = state.db.stats().reads;
        assert!(
            authenticate_user(&state, "key", &token, now)
                .unwrap()
                .1
                .is_some()
        );
        assert_eq!(state.db.stats().reads, reads, "no database read");
        state.db.write(|c| revoke_family(c, &family)).unwrap();
        assert!(
            authenticate_user(&state, "key", &token, now)
                .unwrap()
                .1
                .is_none()
        );
        // and an expired one is refused even from the cache
        let fresh = state
            .db
            .write(|c| start_session(c, &state, "usr_1"))
            .unwrap();
        let later = now + state.config.access_ttl_s * 1000;
        assert!(
            authenticate_user(&state, "key", &fresh.access_token, now)
                .unwrap()
                .1
                .is_some()
        );
        assert!(
            authenticate_user(&state, "key", &fresh.access_token, later)
                .unwrap()
                .1
                .is_none()
        );
    }

    #[test]
    fn a_replayed_pair_is_rederived_from_the_seed_and_the_old_token_only() {
        let (a1, r1) = derive_pair("seed", "rt_old");
        assert_eq!(derive_pair("seed", "rt_old"), (a1.clone(), r1.clone()));
        assert_ne!(derive_pair("other seed", "rt_old").0, a1);
        assert_ne!(derive_pair("seed", "rt_other").1, r1);
        assert!(a1.starts_with("at_") && r1.starts_with("rt_"));
        assert_eq!(a1.len(), new_token("at").len());
        assert!(!a1.contains("seed") && !r1.contains("rt_old"));
    }
}
