//! Bank cards: bind (Luhn, expiry, holder, then an SMS code), list, remove.
//! The full card number is never stored: only a token, the brand, the bank,
//! the last 4 digits and a salted digest to detect double binding.
//!
//! Sandbox test numbers: `4000000000000002` is declined,
//! `4000000000009995` fails with insufficient funds, `4000000000003220`
//! asks for a second verification on each top-up, any other Luhn-valid
//! number succeeds (the magic values of `sandbox/README.md`).

use super::accounts::user_destination;
use crate::auth::{self, User};
use crate::codes::{self, Purpose};
use crate::json::Json;
use crate::magic::{DECLINED_CARD, NO_FUNDS_CARD, VERIFY_CARD};
use crate::problem::{ErrorCode, Problem};
use crate::secrets::{hmac_sha256_hex, new_id};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

/// Whether a card number passes the Luhn check (12 to 19 digits).
pub fn luhn_valid(number: &str) -> bool {
    if !(12..=19).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn brand_of(number: &str) -> &'static str {
    match number.as_bytes() {
        [b'4', ..] => "visa",
        [b'5', b'1'..=b'5', ..] | [b'2', ..] => "mastercard",
        [b'3', b'4' | b'7', ..] => "amex",
        [b'6', b'2', ..] => "unionpay",
        [b'3', b'5', ..] => "jcb",
        _ => "unknown",
    }
}

/// (year, month) of a Unix-ms instant, UTC (civil-from-days).
pub fn year_month(ms: i64) -> (i64, u32) {
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month as u32)
}

/// A card's public JSON.
pub fn card_json(conn: &Connection, card_id: &str) -> Result<Value, Problem> {
    conn.prepare_cached(
        "SELECT id, brand, bank, last4, exp_month, exp_year, holder, status, created_at FROM cards WHERE id = ?1",
    )?
    .query_row([card_id], |r| {
        Ok(json!({
            "card_id": r.get::<_, String>(0)?,
            "brand": r.get::<_, String>(1)?,
            "bank": r.get::<_, String>(2)?,
            "last4": r.get::<_, String>(3)?,
            "expiry_month": r.get::<_, i64>(4)?,
            "expiry_year": r.get::<_, i64>(5)?,
            "holder_name": r.get::<_, String>(6)?,
            "status": r.get::<_, String>(7)?,
            "created_at": r.get::<_, i64>(8)?,
        }))
    })
    .optional()?
    .ok_or(Problem::of(ErrorCode::CardNotFound))
}

/// Status and sandbox behaviour of a user's card (not removed).
pub fn card_state(
    conn: &Connection,
    user_id: &str,
    card_id: &str,
) -> Result<(String, String), Problem> {
    conn.prepare_cached(
        "SELECT status, behavior FROM cards WHERE id = ?1 AND user_id = ?2 AND status != 'removed'",
    )?
    .query_row([card_id, user_id], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?
    .ok_or(Problem::of(ErrorCode::CardNotFound))
}

/// An active card of the user with its behaviour, or the matching problem.
pub fn active_card(conn: &Connection, user_id: &str, card_id: &str) -> Result<String, Problem> {
    let (status, behavior) = card_state(conn, user_id, card_id)?;
    if status != "active" {
        return Err(Problem::of(ErrorCode::CardNotVerified));
    }
    Ok(behavior)
}

/// Body of `POST /v1/cards`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BindCard {
    number: String,
    #[serde(deserialize_with = "crate::json::integer")]
    expiry_month: u32,
    #[serde(deserialize_with = "crate::json::integer")]
    expiry_year: u32,
    holder_name: String,
}

/// `POST /v1/cards`: starts binding; a `bind_card` code goes to the user.
pub async fn bind(
    State(state): State<AppState>,
    user: User,
    body: Json<BindCard>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let req = body.value;
    let number: String = req.number.chars().filter(|c| *c != ' ').collect();
    if !luhn_valid(&number) {
        return Err(Problem::of(ErrorCode::InvalidCardNumber));
    }
    if !(1..=12).contains(&req.expiry_month) || !(2000..=2100).contains(&req.expiry_year) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "expiry month 1-12, year 2000-2100",
        ));
    }
    let holder = req.holder_name.trim();
    if holder.is_empty() || holder.chars().count() > 100 {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "holder_name must be 1 to 100 characters",
        ));
    }
    let now = state.now();
    let (year, month) = year_month(now);
    if (i64::from(req.expiry_year), req.expiry_month) < (year, month) {
        return Err(Problem::of(ErrorCode::CardExpired));
    }
    let behavior = match number.as_str() {
        DECLINED_CARD => "decline",
        NO_FUNDS_CARD => "insufficient_funds",
        VERIFY_CARD => "verify",
        _ => "ok",
    };
    let card_id = new_id("card");
    let view = state.db.write(|c| {
        auth::require_active(c, &user.id)?;
        let fingerprint = card_fingerprint(c, &user.id, &number)?;
        let exists: Option<String> = c
            .query_row(
                "SELECT id FROM cards WHERE user_id = ?1 AND fingerprint = ?2 AND status != 'removed'",
                [&user.id, &fingerprint],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_some() {
            return Err(Problem::of(ErrorCode::CardAlreadyBound));
        }
        let dest = user_destination(c, &user.id)?;
        codes::send(
            c,
            &state.config.codes,
            now,
            &dest,
            Purpose::BindCard,
            &user.app.id,
            codes::Delivery::Requested,
        )?;
        c.execute(
            "INSERT INTO cards (id, user_id, fingerprint, brand, bank, last4, exp_month, exp_year, holder, behavior, status, created_at)
             VALUES (?1, ?2, ?3, ?4, 'Sandbox Bank', ?5, ?6, ?7, ?8, ?9, 'pending_verification', ?10)",
            params![
                card_id,
                user.id,
                fingerprint,
                brand_of(&number),
                &number[number.len() - 4..],
                req.expiry_month,
                req.expiry_year,
                holder,
                behavior,
                now
            ],
        )?;
        card_json(c, &card_id)
    })?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// Recognises a card bound twice by one user: an HMAC-SHA256 of user id and
/// card number under the server's `card_fingerprint` secret (migration
/// 0006), so the stored value next to `last4` cannot be brute-forced back
/// into the number without that secret.
fn card_fingerprint(c: &Connection, user_id: &str, number: &str) -> Result<String, Problem> {
    let key: Vec<u8> = c
        .prepare_cached("SELECT value FROM server_secrets WHERE name = 'card_fingerprint'")?
        .query_row([], |r| r.get(0))?;
    hmac_sha256_hex(&key, format!("{user_id}:{number}").as_bytes())
        .ok_or_else(|| Problem::internal("the card fingerprint key was refused"))
}

/// Body of `POST /v1/cards/{card_id}/verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyCard {
    code: String,
}

/// `POST /v1/cards/{card_id}/verify`: confirms the binding with the code.
pub async fn verify(
    State(state): State<AppState>,
    user: User,
    Path(card_id): Path<String>,
    body: Json<VerifyCard>,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    let view = state.db.write(|c| {
        auth::require_active(c, &user.id)?;
        let (status, _) = card_state(c, &user.id, &card_id)?;
        if status == "pending_verification" {
            let dest = user_destination(c, &user.id)?;
            codes::verify(
                c,
                &state.config.codes,
                now,
                dest.as_str(),
                Purpose::BindCard,
                &body.value.code,
            )?;
            c.execute(
                "UPDATE cards SET status = 'active' WHERE id = ?1",
                [&card_id],
            )?;
            auth::record_event(c, &user.id, "card_bound", now)?;
        }
        card_json(c, &card_id)
    })?;
    Ok(axum::Json(view))
}

/// `GET /v1/cards`
pub async fn list(State(state): State<AppState>, user: User) -> Result<axum::Json<Value>, Problem> {
    let items = state.db.read(|c| {
        let ids: Vec<String> = c
            .prepare_cached(
                "SELECT id FROM cards WHERE user_id = ?1 AND status != 'removed' ORDER BY created_at, id",
            )?
            .query_map([&user.id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        ids.iter().map(|id| card_json(c, id)).collect::<Result<Vec<_>, _>>()
    })?;
    Ok(axum::Json(json!({"items": items})))
}

/// `DELETE /v1/cards/{card_id}`
pub async fn remove(
    State(state): State<AppState>,
    user: User,
    Path(card_id): Path<String>,
) -> Result<StatusCode, Problem> {
    let now = state.now();
    state.db.write(|c| {
        auth::require_active(c, &user.id)?;
        card_state(c, &user.id, &card_id)?;
        c.execute(
            "UPDATE cards SET status = 'removed' WHERE id = ?1",
            [&card_id],
        )?;
        auth::record_event(c, &user.id, "card_removed", now)
    })?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards_and_rejects_typos() {
        assert!(luhn_valid("4242424242424242"));
        assert!(luhn_valid(DECLINED_CARD));
        assert!(luhn_valid(NO_FUNDS_CARD));
        assert!(luhn_valid(VERIFY_CARD));
        assert!(!luhn_valid("4242424242424241"));
        assert!(!luhn_valid("42424242424242a2"));
        assert!(!luhn_valid("4242"));
    }

    #[test]
    fn civil_date_of_known_instants() {
        assert_eq!(year_month(0), (1970, 1));
        assert_eq!(year_month(1_709_251_200_000), (2024, 3)); // 2024-03-01
        assert_eq!(year_month(1_709_251_199_999), (2024, 2));
    }
}
