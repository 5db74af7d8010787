//! Merchant orders over HTTP (issue 14 item 1): create, read by id or by
//! the merchant's `out_trade_no`, list with cursor paging, close. The
//! order's rules and its state machine are in [`crate::orders`]; paying one
//! is `POST /v1/payments` with its `qr_payload`. Every route is scoped to
//! the calling app's merchants (another app's is `merchant_not_found`).

use super::merchants::{load as load_merchant, owned_by};
use super::positive;
use crate::auth::App;
use crate::json::{Json, Query};
use crate::orders::{self, Order};
use crate::problem::{ErrorCode, Problem};
use crate::qr::{self, MerchantCodeSpec};
use crate::secrets::{new_token, random_hex, sha256_hex};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use imwallet_protocol::money::MoneyWire;
use rusqlite::params;
use serde::Deserialize;
use serde_json::{Value, json};

/// Default time an order stays payable: 30 minutes.
pub const DEFAULT_EXPIRY_S: i64 = 1_800;
/// Longest expiry: 7 days.
pub const MAX_EXPIRY_S: i64 = 604_800;

/// Body of `POST /v1/merchants/{merchant_id}/orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    out_trade_no: String,
    amount: MoneyWire,
    description: String,
    #[serde(default, deserialize_with = "crate::json::optional_integer")]
    expires_in_s: Option<i64>,
    #[serde(default, deserialize_with = "crate::json::present")]
    notify_url: Option<String>,
}

fn check_new(req: &NewOrder) -> Result<(), Problem> {
    let n = &req.out_trade_no;
    if n.is_empty()
        || n.len() > 32
        || !n
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "out_trade_no is 1 to 32 of A-Z a-z 0-9 _ -",
        ));
    }
    let d = req.description.chars().count();
    if !(1..=128).contains(&d) || req.description.trim().is_empty() {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "description has 1 to 128 characters",
        ));
    }
    crate::text::check("description", &req.description)?;
    if req
        .expires_in_s
        .is_some_and(|s| !(1..=MAX_EXPIRY_S).contains(&s))
    {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "expires_in_s is 1 to 604800",
        ));
    }
    if let Some(url) = &req.notify_url {
        let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
        let host = url.split_once("://").map_or("", |(_, rest)| rest);
        if !scheme_ok
            || host.is_empty()
            || host.starts_with('/')
            || url.len() > 512
            || !url.bytes().all(|b| (0x21..0x7f).contains(&b))
        {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "notify_url is an http or https URL of at most 512 characters",
            ));
        }
    }
    Ok(())
}

/// `POST /v1/merchants/{merchant_id}/orders`: creates an order with its
/// dynamic code and in-app token. The same `out_trade_no` again with the
/// same amount, description and `notify_url` answers the existing order
/// (`200`), so a merchant may retry; with anything different it is
/// `409 out_trade_no_taken`.
pub async fn create(
    State(state): State<AppState>,
    app: App,
    Path(merchant_id): Path<String>,
    body: Json<NewOrder>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let req = body.value;
    let amount = positive(&req.amount)?;
    check_new(&req)?;
    let now = state.now();
    let expires_at = now + 1000 * req.expires_in_s.unwrap_or(DEFAULT_EXPIRY_S);
    let (status, view) = state.db.write(|c| {
        let currency = owned_by(c, &app, &merchant_id)?;
        if amount.currency != currency {
            return Err(Problem::new(
                ErrorCode::CurrencyMismatch,
                format!("the merchant's currency is {currency}"),
            ));
        }
        if let Some(existing) = orders::by_out_trade_no(c, &merchant_id, &req.out_trade_no)? {
            if existing.amount == amount
                && existing.description == req.description
                && existing.notify_url == req.notify_url
            {
                return Ok((StatusCode::OK, orders::view(c, &existing, now)?));
            }
            return Err(Problem::new(
                ErrorCode::OutTradeNoTaken,
                format!("out_trade_no is order {}", existing.id),
            )
            .with("order_id", existing.id));
        }
        let m = load_merchant(c, &merchant_id)?;
        // 24 characters: the order id is the code's `62.05` reference (<= 25).
        let id = format!("ord_{}", random_hex(10));
        let payload = qr::issue_merchant_code(
            c,
            &MerchantCodeSpec {
                merchant_id: &merchant_id,
                name: &m.name,
                city: &m.city,
                country: &m.country,
                mcc: &m.mcc,
                currency,
                amount: Some(amount),
                reference: Some(id.as_str()),
            },
            now,
        )?;
        c.prepare_cached(
            "INSERT INTO merchant_orders (id, merchant_id, out_trade_no, currency, amount, description,
             notify_url, payload, payload_hash, order_token, status, expires_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'created', ?11, ?12, ?12)",
        )?
        .execute(params![
            id,
            merchant_id,
            req.out_trade_no,
            currency.code(),
            amount.minor,
            req.description,
            req.notify_url,
            payload,
            sha256_hex(payload.as_bytes()),
            new_token("otk"),
            expires_at,
            now
        ])?;
        let order = orders::load(c, &merchant_id, &id)?;
        Ok((StatusCode::CREATED, orders::view(c, &order, now)?))
    })?;
    Ok((status, axum::Json(view)))
}

/// `GET /v1/merchants/{merchant_id}/orders/{order_id}`
pub async fn get_one(
    State(state): State<AppState>,
    app: App,
    Path((merchant_id, order_id)): Path<(String, String)>,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    Ok(axum::Json(state.db.read(|c| {
        owned_by(c, &app, &merchant_id)?;
        let order = orders::load(c, &merchant_id, &order_id)?;
        orders::view(c, &order, now)
    })?))
}

/// `GET /v1/merchants/{merchant_id}/orders/by-out-trade-no/{out_trade_no}`
pub async fn by_out_trade_no(
    State(state): State<AppState>,
    app: App,
    Path((merchant_id, out_trade_no)): Path<(String, String)>,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    Ok(axum::Json(state.db.read(|c| {
        owned_by(c, &app, &merchant_id)?;
        let order = orders::by_out_trade_no(c, &merchant_id, &out_trade_no)?
            .ok_or(Problem::of(ErrorCode::OrderNotFound))?;
        orders::view(c, &order, now)
    })?))
}

/// Query of `GET /v1/merchants/{merchant_id}/orders`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    limit: Option<u32>,
    #[serde(default)]
    cursor: Option<String>,
}

/// `GET /v1/merchants/{merchant_id}/orders`: newest first; `next_cursor`
/// (null on the last page) continues.
pub async fn list(
    State(state): State<AppState>,
    app: App,
    Path(merchant_id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Value>, Problem> {
    let limit = i64::from(q.limit.unwrap_or(50));
    if !(1..=200).contains(&limit) {
        return Err(Problem::new(ErrorCode::InvalidQuery, "limit is 1 to 200"));
    }
    let before = match q.cursor.as_deref() {
        None => i64::MAX,
        Some(s) => s
            .strip_prefix('o')
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| *n > 0)
            .ok_or(Problem::of(ErrorCode::InvalidCursor))?,
    };
    let now = state.now();
    let page = state.db.read(|c| {
        owned_by(c, &app, &merchant_id)?;
        let rows: Vec<Order> = orders::page(c, &merchant_id, before, limit + 1)?;
        let more = rows.len() as i64 > limit;
        let rows = &rows[..rows.len().min(limit as usize)];
        let next = match (more, rows.last()) {
            (true, Some(last)) => Some(format!("o{}", last.seq)),
            _ => None,
        };
        let items = rows
            .iter()
            .map(|o| orders::view(c, o, now))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({"items": items, "next_cursor": next}))
    })?;
    Ok(axum::Json(page))
}

/// `POST /v1/merchants/{merchant_id}/orders/{order_id}/close`: an unpaid
/// order stops being payable (closing a closed one answers it again).
pub async fn close(
    State(state): State<AppState>,
    app: App,
    Path((merchant_id, order_id)): Path<(String, String)>,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    Ok(axum::Json(state.db.write(|c| {
        owned_by(c, &app, &merchant_id)?;
        let order = orders::load(c, &merchant_id, &order_id)?;
        orders::close(c, &order, now)?;
        let order = orders::load(c, &merchant_id, &order_id)?;
        orders::view(c, &order, now)
    })?))
}

/// `GET /v1/order-previews/{order_token}`: the merchant name, amount and
/// state of an order a user is about to pay by token (`preview_order`).
pub async fn preview(
    State(state): State<AppState>,
    _user: crate::auth::User,
    Path(token): Path<String>,
) -> Result<axum::Json<Value>, Problem> {
    let now = state.now();
    Ok(axum::Json(
        state.db.read(|c| orders::preview(c, &token, now))?,
    ))
}
