//! Money-moving operations: quotes, payment and transfer (top-up and
//! withdrawal, the card's side, are in `card_moves`; FX in `fx_moves`). Each runs under [`idempotency::run`]: account must be
//! active, the velocity rule is applied, the fee quote is computed by
//! [`fees`], the ledger journal is posted and the transaction row written, in
//! one SQLite transaction.

use super::accounts::user_by_destination;
use super::positive;
use crate::auth::{self, User};
use crate::codes::Destination;
use crate::fees::{self, Operation, Quote};
use crate::idempotency::{self, IdempotencyKey, Reply, Request};
use crate::json::Json;
use crate::ledger::{AccountRef, Journal, LedgerStore, SqliteLedger, SystemAccount};
use crate::orders;
use crate::problem::{ErrorCode, Problem};
use crate::qr::{self, Payee};
use crate::risk;
use crate::secrets::new_id;
use crate::state::AppState;
use crate::txns::{self, Txn};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use imwallet_protocol::money::{Currency, Money, MoneyWire};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;

pub(super) fn reply(conn: &Connection, t: &Txn, viewer: &str) -> Result<Reply, Problem> {
    let body = txns::view(conn, t, viewer)?;
    Ok(Reply {
        status: if t.status == "held" {
            StatusCode::ACCEPTED
        } else {
            StatusCode::CREATED
        },
        body,
    })
}

/// The account must be active and within the velocity rule to move money.
pub fn gate(conn: &Connection, state: &AppState, user: &str) -> Result<(), Problem> {
    auth::require_active(conn, user)?;
    risk::velocity_gate(conn, &state.config.risk, user, state.now())
}

/// Body of `POST /v1/quotes`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    operation: Operation,
    amount: MoneyWire,
    #[serde(default)]
    coupon_id: Option<String>,
    #[serde(default, deserialize_with = "crate::json::optional_integer")]
    points: Option<i64>,
}

/// `POST /v1/quotes`: the exact amounts an operation would post.
pub async fn quote(
    State(state): State<AppState>,
    user: User,
    body: Json<QuoteRequest>,
) -> Result<axum::Json<Quote>, Problem> {
    let req = body.value;
    let amount = positive(&req.amount)?;
    let q = if req.operation == Operation::Payment {
        let now = state.now();
        let discount = match &req.coupon_id {
            Some(id) => state
                .db
                .read(|c| coupon_discount(c, &user.id, id, amount, now))?,
            None => 0,
        };
        fees::payment(
            &state.config.fees,
            amount,
            discount,
            req.points.unwrap_or(0),
        )?
    } else {
        if req.coupon_id.is_some() || req.points.is_some() {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "coupon_id and points apply to payments only",
            ));
        }
        fees::simple(&state.config.fees, req.operation, amount)?
    };
    Ok(axum::Json(q))
}

pub(super) fn line(account: AccountRef, minor: i64) -> crate::ledger::Line {
    crate::ledger::Line { account, minor }
}

/// The discount a coupon gives on `amount`, after checking it applies.
pub fn coupon_discount(
    conn: &Connection,
    user_id: &str,
    coupon_id: &str,
    amount: Money,
    now: i64,
) -> Result<i64, Problem> {
    let row: Option<(String, String, i64, i64, i64, String)> = conn
        .prepare_cached(
            "SELECT kind, currency, value, min_spend, expires_at, state FROM coupons WHERE id = ?1 AND user_id = ?2",
        )?
        .query_row([coupon_id, user_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()?;
    let Some((kind, currency, value, min_spend, expires_at, coupon_state)) = row else {
        return Err(Problem::of(ErrorCode::CouponNotFound));
    };
    if coupon_state == "used" {
        return Err(Problem::of(ErrorCode::CouponAlreadyUsed));
    }
    if expires_at <= now {
        return Err(Problem::of(ErrorCode::CouponExpired));
    }
    if currency != amount.currency.code() {
        return Err(Problem::new(
            ErrorCode::CurrencyMismatch,
            "the coupon is for another currency",
        ));
    }
    if amount.minor < min_spend {
        return Err(Problem::of(ErrorCode::CouponMinSpendNotMet));
    }
    Ok(if kind == "percent" {
        // half-up on the minor unit, like every fee line
        ((i128::from(amount.minor) * i128::from(value) + 5_000) / 10_000) as i64
    } else {
        value.min(amount.minor)
    })
}

/// Body of `POST /v1/payments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    #[serde(default)]
    merchant_id: Option<String>,
    #[serde(default)]
    payload: Option<String>,
    #[serde(default)]
    order_token: Option<String>,
    #[serde(default)]
    amount: Option<MoneyWire>,
    #[serde(default)]
    coupon_id: Option<String>,
    #[serde(default, deserialize_with = "crate::json::optional_integer")]
    points: Option<i64>,
    #[serde(default)]
    memo: Option<String>,
}

fn merchant_currency(conn: &Connection, merchant_id: &str) -> Result<Currency, Problem> {
    let code: String = conn
        .prepare_cached("SELECT currency FROM merchants WHERE id = ?1")?
        .query_row([merchant_id], |r| r.get(0))
        .optional()?
        .ok_or(Problem::of(ErrorCode::MerchantNotFound))?;
    Currency::from_code(&code).map_err(Problem::internal)
}

/// Posts the settlement of a payment from `source` (the user, or the risk
/// hold): merchant gets the amount less its fee, coupon and points are
/// funded by marketing and the points liability, earned points are booked.
pub fn settle_payment(
    conn: &Connection,
    t: &Txn,
    journal_id: &str,
    source: AccountRef,
    now: i64,
) -> Result<i64, Problem> {
    let amount = t.amount()?;
    let cur = amount.currency;
    let user_pays = amount.minor - t.discount - t.points_redeemed;
    let earned = user_pays / 100;
    let merchant = t.merchant_id.as_deref().unwrap_or_default();
    let mut journal = Journal::new(journal_id);
    journal.lines = vec![
        line(source, -user_pays),
        line(
            AccountRef::system(SystemAccount::Marketing, cur),
            -t.discount - earned,
        ),
        line(
            AccountRef::system(SystemAccount::PointsLiability, cur),
            earned - t.points_redeemed,
        ),
        line(AccountRef::merchant(merchant, cur), amount.minor - t.fee),
        line(AccountRef::system(SystemAccount::FeeRevenue, cur), t.fee),
    ];
    SqliteLedger::new(conn).post(&journal, now)?;
    if let Some(user) = &t.user_id {
        add_points(conn, user, &t.id, earned, now)?;
    }
    Ok(earned)
}

/// Adds (or with a negative delta removes, clamped at zero) points.
pub fn add_points(
    conn: &Connection,
    user: &str,
    txn: &str,
    delta: i64,
    now: i64,
) -> Result<(), Problem> {
    if delta == 0 {
        return Ok(());
    }
    let balance: i64 = conn
        .prepare_cached("SELECT balance FROM points WHERE user_id = ?1")?
        .query_row([user], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let delta = delta.max(-balance);
    let changed = conn
        .prepare_cached("UPDATE points SET balance = balance + ?2 WHERE user_id = ?1")?
        .execute(params![user, delta])?;
    if changed == 0 {
        conn.prepare_cached("INSERT INTO points (user_id, balance) VALUES (?1, ?2)")?
            .execute(params![user, delta])?;
    }
    conn.prepare_cached(
        "INSERT INTO points_events (user_id, txn_id, delta, at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![user, txn, delta, now])?;
    Ok(())
}

/// A payment to post: who pays which merchant what, with what discounts.
#[derive(Debug, Clone)]
pub struct PaymentOrder<'a> {
    /// The paying user.
    pub user: &'a str,
    /// The merchant.
    pub merchant: &'a str,
    /// Gross amount (must be in the merchant's currency).
    pub amount: Money,
    /// Coupon to apply.
    pub coupon_id: Option<&'a str>,
    /// Points to redeem.
    pub points: i64,
    /// Free text.
    pub memo: Option<String>,
}

/// Posts a payment once the caller has passed the account [`gate`]: the
/// currency check, coupon, points, merchant fee, then the risk hold or the
/// settlement, and the transaction row.
pub fn post_payment(
    c: &Connection,
    state: &AppState,
    order: &PaymentOrder<'_>,
) -> Result<Txn, Problem> {
    let currency = merchant_currency(c, order.merchant)?;
    let amount = order.amount;
    if amount.currency != currency {
        return Err(Problem::new(
            ErrorCode::CurrencyMismatch,
            "pay in the merchant's currency",
        ));
    }
    let now = state.now();
    let discount = match order.coupon_id {
        Some(id) => coupon_discount(c, order.user, id, amount, now)?,
        None => 0,
    };
    let points = order.points;
    let q = fees::payment(&state.config.fees, amount, discount, points)?;
    if points > 0 {
        let have: i64 = c
            .prepare_cached("SELECT balance FROM points WHERE user_id = ?1")?
            .query_row([order.user], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        if have < points {
            return Err(Problem::of(ErrorCode::InsufficientPoints));
        }
    }
    let held = risk::must_hold(&state.config.risk, amount);
    let mut t = Txn {
        id: new_id("txn"),
        kind: "payment".into(),
        status: if held { "held" } else { "completed" }.into(),
        user_id: Some(order.user.to_owned()),
        merchant_id: Some(order.merchant.to_owned()),
        amount_minor: amount.minor,
        currency: currency.code().into(),
        fee: q.fee.minor,
        discount: q.discount.minor,
        points_redeemed: q.points_redeemed,
        coupon_id: order.coupon_id.map(str::to_owned),
        memo: order.memo.clone(),
        created_at: now,
        ..Txn::default()
    };
    if let Some(coupon) = order.coupon_id {
        c.execute(
            "UPDATE coupons SET state = 'used', used_by = ?2 WHERE id = ?1",
            [coupon, &t.id],
        )?;
    }
    add_points(c, order.user, &t.id, -q.points_redeemed, now)?;
    let user_account = AccountRef::user(order.user, currency);
    if held {
        let journal = Journal::new(&t.id).transfer(
            user_account,
            AccountRef::system(SystemAccount::RiskHold, currency),
            q.debit.minor,
        );
        SqliteLedger::new(c).post(&journal, now)?;
    } else {
        t.points_earned = settle_payment(c, &t, &t.id.clone(), user_account, now)?;
    }
    txns::insert(c, &t)?;
    Ok(t)
}

/// Whom `POST /v1/payments` pays.
enum PayTo {
    Merchant(String),
    Code(qr::ScannedCode),
}

/// `POST /v1/payments`: pays a merchant by id, by a scanned payload or by a
/// merchant order's `order_token` (in-app pay: its order's code), with
/// an optional coupon and points. A scanned merchant code must be one this
/// server issued; a scanned user receive code is a transfer to that user.
pub async fn pay(
    State(state): State<AppState>,
    user: User,
    key: IdempotencyKey,
    body: Json<PayRequest>,
) -> Result<Response, Problem> {
    let req = &body.value;
    let to = match (&req.merchant_id, &req.payload, &req.order_token) {
        (Some(id), None, None) => PayTo::Merchant(id.clone()),
        (None, Some(payload), None) => PayTo::Code(qr::scan(payload)?),
        (None, None, Some(token)) => {
            let payload = state.db.read(|c| orders::payload_for_token(c, token))?;
            PayTo::Code(qr::scan(&payload)?)
        }
        _ => return Err(Problem::of(ErrorCode::InvalidPayee)),
    };
    let requested = req.amount.as_ref().map(positive).transpose()?;
    if req.points.is_some_and(|p| p < 0) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "points must not be negative",
        ));
    }
    if req.memo.as_ref().is_some_and(|m| m.chars().count() > 140) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "memo has at most 140 characters",
        ));
    }
    crate::text::check_opt("memo", req.memo.as_deref())?;
    if let PayTo::Code(code) = &to
        && matches!(code.payee, Payee::User(_))
        && (req.coupon_id.is_some() || req.points.is_some())
    {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "coupon_id and points apply to merchant payments only",
        ));
    }
    let request = Request {
        app: &user.app.id,
        user: Some(&user.id),
        route: "POST /v1/payments",
        body: &body.raw,
    };
    idempotency::run(&state, &key, request, |c| {
        gate(c, &state, &user.id)?;
        let order = |merchant, amount, memo| PaymentOrder {
            user: &user.id,
            merchant,
            amount,
            coupon_id: req.coupon_id.as_deref(),
            points: req.points.unwrap_or(0),
            memo,
        };
        let t = match &to {
            PayTo::Merchant(id) => {
                merchant_currency(c, id)?;
                let amount = requested.ok_or(Problem::new(
                    ErrorCode::MissingField,
                    "missing field `amount`",
                ))?;
                post_payment(c, &state, &order(id, amount, req.memo.clone()))?
            }
            PayTo::Code(code) => {
                let memo = req.memo.clone().or_else(|| code.reference.clone());
                match &code.payee {
                    Payee::Merchant(id) => {
                        merchant_currency(c, id)?;
                        let discounts = req.coupon_id.is_some() || req.points.is_some();
                        let (amount, memo, of_order) =
                            orders::pay_terms(c, code, requested, discounts, memo, state.now())?;
                        qr::check_issued(c, code, id)?;
                        let t = post_payment(c, &state, &order(id, amount, memo))?;
                        qr::mark_paid(c, code, &t.id)?;
                        orders::mark_paid(c, of_order.as_ref(), &t, state.now())?;
                        t
                    }
                    Payee::User(id) => {
                        let amount = code.amount_to_pay(requested)?;
                        let to = existing_user(c, id)?;
                        qr::check_user_code_unpaid(c, code)?;
                        let t = post_transfer(c, &state, &user.id, to.clone(), amount, memo)?;
                        qr::mark_user_code_paid(c, code, &to, &t.id)?;
                        t
                    }
                }
            }
        };
        reply(c, &t, &user.id)
    })
}

/// Recipient of a transfer: exactly one field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    receive_code: Option<String>,
}

/// Body of `POST /v1/transfers`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    to: Recipient,
    amount: MoneyWire,
    #[serde(default)]
    memo: Option<String>,
}

fn existing_user(conn: &Connection, id: &str) -> Result<String, Problem> {
    conn.prepare_cached("SELECT id FROM users WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or(Problem::of(ErrorCode::RecipientNotFound))
}

/// The recipient's user id and, for a receive code, the scanned code (its
/// reference is the default memo; a dynamic one is marked paid).
fn resolve_recipient(
    conn: &Connection,
    to: &Recipient,
    amount: Money,
) -> Result<(String, Option<qr::ScannedCode>), Problem> {
    let found = match (&to.phone, &to.email, &to.user_id, &to.receive_code) {
        (Some(p), None, None, None) => user_by_destination(conn, &Destination::phone(p)?)?,
        (None, Some(e), None, None) => user_by_destination(conn, &Destination::email(e)?)?,
        (None, None, Some(id), None) => conn
            .prepare_cached("SELECT id FROM users WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?,
        (None, None, None, Some(payload)) => {
            let code = qr::scan(payload)?;
            let Payee::User(id) = &code.payee else {
                return Err(Problem::new(
                    ErrorCode::InvalidRecipient,
                    "a merchant code: pay it with POST /v1/payments",
                ));
            };
            code.amount_to_pay(Some(amount))?;
            let to = existing_user(conn, id)?;
            qr::check_user_code_unpaid(conn, &code)?;
            return Ok((to, Some(code)));
        }
        _ => {
            return Err(Problem::new(
                ErrorCode::InvalidRecipient,
                "give exactly one of phone, email, user_id and receive_code",
            ));
        }
    };
    Ok((
        found.ok_or(Problem::of(ErrorCode::RecipientNotFound))?,
        None,
    ))
}

/// Posts a transfer's delivery from `source` to the recipient.
pub fn settle_transfer(
    conn: &Connection,
    t: &Txn,
    journal_id: &str,
    source: AccountRef,
    now: i64,
) -> Result<(), Problem> {
    let amount = t.amount()?;
    let cur = amount.currency;
    let to = t.counterparty_user.as_deref().unwrap_or_default();
    let mut journal = Journal::new(journal_id);
    journal.lines = vec![
        line(source, -amount.minor),
        line(AccountRef::user(to, cur), amount.minor - t.fee),
        line(AccountRef::system(SystemAccount::FeeRevenue, cur), t.fee),
    ];
    SqliteLedger::new(conn).post(&journal, now)?;
    Ok(())
}

/// Posts a transfer from `from` to `to` once the caller has passed the
/// account [`gate`]: fee, risk hold or delivery, and the transaction row.
pub fn post_transfer(
    c: &Connection,
    state: &AppState,
    from: &str,
    to: String,
    amount: Money,
    memo: Option<String>,
) -> Result<Txn, Problem> {
    if to == from {
        return Err(Problem::new(
            ErrorCode::InvalidRecipient,
            "cannot transfer to yourself",
        ));
    }
    let q = fees::simple(&state.config.fees, Operation::Transfer, amount)?;
    let now = state.now();
    let held = risk::must_hold(&state.config.risk, amount);
    let t = Txn {
        id: txns::new_id(now),
        kind: "transfer".into(),
        status: if held { "held" } else { "completed" }.into(),
        user_id: Some(from.to_owned()),
        counterparty_user: Some(to),
        amount_minor: amount.minor,
        currency: amount.currency.code().into(),
        fee: q.fee.minor,
        memo,
        created_at: now,
        ..Txn::default()
    };
    let source = AccountRef::user(from, amount.currency);
    if held {
        let journal = Journal::new(&t.id).transfer(
            source,
            AccountRef::system(SystemAccount::RiskHold, amount.currency),
            amount.minor,
        );
        SqliteLedger::new(c).post(&journal, now)?;
    } else {
        settle_transfer(c, &t, &t.id, source, now)?;
    }
    txns::insert(c, &t)?;
    Ok(t)
}

/// `POST /v1/transfers`: sends money to another user (by phone, e-mail,
/// user id or the user's scanned receive code).
pub async fn transfer(
    State(state): State<AppState>,
    user: User,
    key: IdempotencyKey,
    body: Json<TransferRequest>,
) -> Result<Response, Problem> {
    let amount = positive(&body.value.amount)?;
    let req = &body.value;
    if req.memo.as_ref().is_some_and(|m| m.chars().count() > 140) {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "memo has at most 140 characters",
        ));
    }
    crate::text::check_opt("memo", req.memo.as_deref())?;
    let request = Request {
        app: &user.app.id,
        user: Some(&user.id),
        route: "POST /v1/transfers",
        body: &body.raw,
    };
    idempotency::run_async(&state, &key, request, |c| {
        gate(c, &state, &user.id)?;
        let (to, code) = resolve_recipient(c, &req.to, amount)?;
        let memo = req
            .memo
            .clone()
            .or_else(|| code.as_ref().and_then(|c| c.reference.clone()));
        let t = post_transfer(c, &state, &user.id, to.clone(), amount, memo)?;
        if let Some(code) = &code {
            qr::mark_user_code_paid(c, code, &to, &t.id)?;
        }
        reply(c, &t, &user.id)
    })
    .await
}
