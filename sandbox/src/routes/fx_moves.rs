//! FX: a quote valid for 60 seconds, and its conversion between the
//! user's balances (through the FX desk's pool account) under
//! [`idempotency::run`].

use super::moves::reply;
use super::positive;
use crate::auth::{self, User};
use crate::fx;
use crate::idempotency::{self, IdempotencyKey, Request};
use crate::json::Json;
use crate::ledger::{AccountRef, Journal, LedgerStore, SqliteLedger, SystemAccount};
use crate::problem::{ErrorCode, Problem};
use crate::secrets::new_id;
use crate::state::AppState;
use crate::txns::{self, Txn};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use imwallet_protocol::money::{Currency, Money, MoneyWire};
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of `POST /v1/fx/quotes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FxQuoteRequest {
    sell: MoneyWire,
    buy_currency: String,
}

const FX_QUOTE_TTL_MS: i64 = 60_000;

/// `POST /v1/fx/quotes`: a rate and amounts valid for 60 seconds.
pub async fn fx_quote(
    State(state): State<AppState>,
    user: User,
    body: Json<FxQuoteRequest>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let sell = positive(&body.value.sell)?;
    let to = Currency::from_code(&body.value.buy_currency)?;
    if to == sell.currency {
        return Err(Problem::of(ErrorCode::SameCurrency));
    }
    let buy = fx::convert(sell, to).ok_or(Problem::of(ErrorCode::AmountOverflow))?;
    if !buy.is_positive() {
        return Err(Problem::new(
            ErrorCode::NonPositiveAmount,
            "the amount buys nothing",
        ));
    }
    let id = new_id("fxq");
    let rate = fx::rate_string(sell.currency, to);
    let expires_at = state.now() + FX_QUOTE_TTL_MS;
    state.db.write(|c| {
        c.execute(
            "INSERT INTO fx_quotes (id, user_id, sell_currency, sell_minor, buy_currency, buy_minor, rate, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, user.id, sell.currency.code(), sell.minor, to.code(), buy.minor, rate, expires_at],
        )?;
        Ok(())
    })?;
    Ok((
        StatusCode::CREATED,
        axum::Json(
            json!({"quote_id": id, "sell": sell, "buy": buy, "rate": rate, "expires_at": expires_at}),
        ),
    ))
}

/// Body of `POST /v1/fx/conversions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FxConvertRequest {
    quote_id: String,
}

/// `POST /v1/fx/conversions`: executes a quote between the user's balances.
pub async fn fx_convert(
    State(state): State<AppState>,
    user: User,
    key: IdempotencyKey,
    body: Json<FxConvertRequest>,
) -> Result<Response, Problem> {
    let request = Request {
        app: &user.app.id,
        user: Some(&user.id),
        route: "POST /v1/fx/conversions",
        body: &body.raw,
    };
    let quote_id = &body.value.quote_id;
    idempotency::run(&state, &key, request, |c| {
        auth::require_active(c, &user.id)?;
        let row: Option<(String, i64, String, i64, i64, bool)> = c
            .query_row(
                "SELECT sell_currency, sell_minor, buy_currency, buy_minor, expires_at, used FROM fx_quotes
                 WHERE id = ?1 AND user_id = ?2",
                [quote_id, &user.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        let Some((sell_cur, sell_minor, buy_cur, buy_minor, expires_at, used)) = row else {
            return Err(Problem::of(ErrorCode::FxQuoteNotFound));
        };
        let now = state.now();
        if used {
            return Err(Problem::of(ErrorCode::FxQuoteUsed));
        }
        if expires_at <= now {
            return Err(Problem::of(ErrorCode::FxQuoteExpired));
        }
        let from = Currency::from_code(&sell_cur).map_err(Problem::internal)?;
        let to = Currency::from_code(&buy_cur).map_err(Problem::internal)?;
        let t = Txn {
            id: new_id("txn"),
            kind: "fx_conversion".into(),
            status: "completed".into(),
            user_id: Some(user.id.clone()),
            amount_minor: sell_minor,
            currency: from.code().into(),
            fx_quote_id: Some(quote_id.clone()),
            memo: Some(format!(
                "bought {} {}",
                Money::new(buy_minor, to).to_decimal_string(),
                to
            )),
            created_at: now,
            ..Txn::default()
        };
        let journal = Journal::new(&t.id)
            .transfer(
                AccountRef::user(&user.id, from),
                AccountRef::system(SystemAccount::FxPool, from),
                sell_minor,
            )
            .transfer(
                AccountRef::system(SystemAccount::FxPool, to),
                AccountRef::user(&user.id, to),
                buy_minor,
            );
        SqliteLedger::new(c).post(&journal, now)?;
        c.execute("UPDATE fx_quotes SET used = 1 WHERE id = ?1", [quote_id])?;
        txns::insert(c, &t)?;
        reply(c, &t, &user.id)
    })
}
