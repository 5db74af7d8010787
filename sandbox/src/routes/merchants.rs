//! Merchants (sandbox self-service): create one, read it with its settlement
//! balances, get its static or dynamic QR payload (built and recorded by
//! [`crate::qr`] over `imwallet_protocol::qr`).

use crate::auth::{App, Operator};
use crate::json::{Json, Query};
use crate::ledger::{LedgerStore, SqliteLedger};
use crate::problem::{ErrorCode, Problem};
use crate::qr::{self, MerchantCodeSpec};
use crate::secrets::new_id;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of `POST /v1/merchants`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMerchant {
    name: String,
    city: String,
    #[serde(default, deserialize_with = "crate::json::present")]
    country: Option<String>,
    currency: String,
    #[serde(default, deserialize_with = "crate::json::present")]
    mcc: Option<String>,
}

/// A stored merchant.
pub(super) struct MerchantRow {
    pub(super) name: String,
    pub(super) city: String,
    pub(super) country: String,
    pub(super) currency: Currency,
    pub(super) mcc: String,
    created_at: i64,
}

/// The merchant `id`, or `merchant_not_found`.
pub(super) fn load(c: &Connection, id: &str) -> Result<MerchantRow, Problem> {
    let row: Option<(String, String, String, String, String, i64)> = c
        .query_row(
            "SELECT name, city, country, currency, mcc, created_at FROM merchants WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            },
        )
        .optional()?;
    let (name, city, country, currency, mcc, created_at) =
        row.ok_or(Problem::of(ErrorCode::MerchantNotFound))?;
    Ok(MerchantRow {
        name,
        city,
        country,
        currency: Currency::from_code(&currency).map_err(Problem::internal)?,
        mcc,
        created_at,
    })
}

fn merchant_json(c: &Connection, id: &str) -> Result<Value, Problem> {
    let m = load(c, id)?;
    let balances = SqliteLedger::new(c).balances_of(&format!("merchant:{id}"))?;
    Ok(json!({
        "merchant_id": id,
        "name": m.name,
        "city": m.city,
        "country": m.country,
        "currency": m.currency,
        "mcc": m.mcc,
        "balances": balances,
        "created_at": m.created_at,
    }))
}

fn text_ok(s: &str, max: usize) -> bool {
    !s.trim().is_empty() && s.chars().count() <= max
}

/// `POST /v1/merchants`: an operator action (the sandbox stands in for the
/// merchant onboarding a real platform does); the merchant belongs to the
/// operator's app.
pub async fn create(
    State(state): State<AppState>,
    op: Operator,
    body: Json<NewMerchant>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let app = op.app;
    let req = body.value;
    let currency = Currency::from_code(&req.currency)?;
    let country = req.country.unwrap_or_else(|| "CN".into());
    let mcc = req.mcc.unwrap_or_else(|| "5999".into());
    if !text_ok(&req.name, 25) || !text_ok(&req.city, 15) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "name 1-25 and city 1-15 characters",
        ));
    }
    crate::text::check("name", &req.name)?;
    crate::text::check("city", &req.city)?;
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "country is ISO 3166 alpha-2",
        ));
    }
    if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::new(ErrorCode::InvalidValue, "mcc is 4 digits"));
    }
    let id = new_id("mer");
    let now = state.now();
    let view = state.db.write(|c| {
        c.execute(
            "INSERT INTO merchants (id, app_id, name, city, country, currency, mcc, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                id,
                app.id,
                req.name.trim(),
                req.city.trim(),
                country,
                currency.code(),
                mcc,
                now
            ],
        )?;
        merchant_json(c, &id)
    })?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

/// `GET /v1/merchants/{merchant_id}`: one of the calling app's merchants
/// (another app's is `merchant_not_found`) with its balances.
pub async fn get_one(
    State(state): State<AppState>,
    app: App,
    Path(id): Path<String>,
) -> Result<axum::Json<Value>, Problem> {
    Ok(axum::Json(state.db.read(|c| {
        owned_by(c, &app, &id)?;
        merchant_json(c, &id)
    })?))
}

/// Query of `GET /v1/merchants/{merchant_id}/qr`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QrQuery {
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    reference: Option<String>,
}

/// `GET /v1/merchants/{merchant_id}/qr`: static payload, or dynamic with
/// `?amount=12.34` (in the merchant's currency; paid once). `reference`
/// goes into `62.05`; a dynamic code without one gets a fresh order
/// reference, so each dynamic code is a new order.
pub async fn qr(
    State(state): State<AppState>,
    app: App,
    Path(id): Path<String>,
    Query(q): Query<QrQuery>,
) -> Result<axum::Json<Value>, Problem> {
    crate::text::check_opt("reference", q.reference.as_deref())?;
    let now = state.now();
    let (payload, amount, reference) = state.db.write(|c| {
        owned_by(c, &app, &id)?;
        let m = load(c, &id)?;
        let amount = q
            .amount
            .as_deref()
            .map(|a| Money::parse(a, m.currency))
            .transpose()?;
        if amount.is_some_and(|a| !a.is_positive()) {
            return Err(Problem::of(ErrorCode::NonPositiveAmount));
        }
        let reference = match (&q.reference, amount) {
            (Some(r), _) => Some(r.clone()),
            (None, Some(_)) => Some(new_id("ord").chars().take(25).collect()),
            (None, None) => None,
        };
        let payload = qr::issue_merchant_code(
            c,
            &MerchantCodeSpec {
                merchant_id: &id,
                name: &m.name,
                city: &m.city,
                country: &m.country,
                mcc: &m.mcc,
                currency: m.currency,
                amount,
                reference: reference.as_deref(),
            },
            now,
        )?;
        Ok((payload, amount, reference))
    })?;
    Ok(axum::Json(json!({
        "merchant_id": id,
        "payload": payload,
        "initiation": if amount.is_some() { "dynamic" } else { "static" },
        "amount": amount,
        "reference": reference,
    })))
}

/// The merchant `id` if it belongs to `app` (a merchant authenticates with
/// the API key of the app that created it).
///
/// # Errors
/// `merchant_not_found` for an unknown merchant or another app's.
pub fn owned_by(c: &Connection, app: &App, id: &str) -> Result<Currency, Problem> {
    let row: Option<(String, String)> = c
        .prepare_cached("SELECT app_id, currency FROM merchants WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((owner, currency)) if owner == app.id => {
            Currency::from_code(&currency).map_err(Problem::internal)
        }
        _ => Err(Problem::of(ErrorCode::MerchantNotFound)),
    }
}
