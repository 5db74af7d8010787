//! Sandbox-only operations that a real backend would do internally: the
//! verification-code outbox, issuing coupons, reversals, completing
//! withdrawals and reviewing risk holds. Each needs the server's operator
//! credential ([`Operator`]) and acts only on the calling app's own users
//! and merchants: another app's transaction, hold or user is "not found".
//! Off without `--operator-key` or with `--no-sandbox-endpoints`.

use super::card_moves::{settle_top_up, settle_withdrawal};
use super::history::coupon_json;
use super::moves::{add_points, settle_payment, settle_transfer};
use super::positive;
use crate::auth::{self, Operator};
use crate::idempotency::{self, IdempotencyKey, Reply, Request};
use crate::json::{Json, Query};
use crate::ledger::{AccountRef, Journal, LedgerError, LedgerStore, SqliteLedger, SystemAccount};
use crate::problem::{ErrorCode, Problem};
use crate::secrets::new_id;
use crate::state::AppState;
use crate::txns::{self, Txn};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use imwallet_protocol::money::{Currency, MoneyWire};
use rusqlite::{Connection, params};
use serde::Deserialize;
use serde_json::{Value, json};

/// Query of `GET /v1/sandbox/outbox`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    #[serde(default)]
    destination: Option<String>,
}

/// `GET /v1/sandbox/outbox`: the codes the sandbox "sent" to the calling
/// app's users (and to destinations it asked to register), newest first.
pub async fn outbox(
    State(state): State<AppState>,
    op: Operator,
    Query(q): Query<OutboxQuery>,
) -> Result<axum::Json<Value>, Problem> {
    let messages = state.db.read(|c| {
        let mut stmt = c.prepare_cached(
            "SELECT channel, destination, purpose, code, sent_at FROM outbox
             WHERE app_id = ?2 AND (?1 IS NULL OR destination = ?1) ORDER BY id DESC LIMIT 100",
        )?;
        let rows = stmt.query_map(params![q.destination, op.app.id], |r| {
            Ok(json!({
                "channel": r.get::<_, String>(0)?,
                "destination": r.get::<_, String>(1)?,
                "purpose": r.get::<_, String>(2)?,
                "code": r.get::<_, String>(3)?,
                "sent_at": r.get::<_, i64>(4)?,
            }))
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })?;
    Ok(axum::Json(json!({"messages": messages})))
}

/// Body of `POST /v1/sandbox/coupons`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCoupon {
    user_id: String,
    kind: String,
    #[serde(default)]
    amount_off: Option<MoneyWire>,
    #[serde(default, deserialize_with = "crate::json::optional_integer")]
    percent_off_bps: Option<u32>,
    min_spend: MoneyWire,
    #[serde(deserialize_with = "crate::json::integer")]
    expires_at: i64,
}

/// `POST /v1/sandbox/coupons`: gives a user a coupon.
pub async fn issue_coupon(
    State(state): State<AppState>,
    op: Operator,
    body: Json<NewCoupon>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let req = body.value;
    let min_spend = imwallet_protocol::money::Money::try_from(&req.min_spend)?;
    if min_spend.is_negative() {
        return Err(Problem::new(
            ErrorCode::NonPositiveAmount,
            "min_spend must not be negative",
        ));
    }
    let (value, currency): (i64, Currency) =
        match (req.kind.as_str(), &req.amount_off, req.percent_off_bps) {
            ("fixed", Some(off), None) => {
                let off = positive(off)?;
                if off.currency != min_spend.currency {
                    return Err(Problem::of(ErrorCode::CurrencyMismatch));
                }
                (off.minor, off.currency)
            }
            ("percent", None, Some(bps)) if (1..=10_000).contains(&bps) => {
                (i64::from(bps), min_spend.currency)
            }
            _ => {
                return Err(Problem::new(
                    ErrorCode::InvalidValue,
                    "kind fixed needs amount_off; kind percent needs percent_off_bps 1..=10000",
                ));
            }
        };
    let id = new_id("cpn");
    let now = state.now();
    let view = state.db.write(|c| {
        if auth::app_of_user(c, &req.user_id)?.as_deref() != Some(op.app.id.as_str()) {
            return Err(Problem::of(ErrorCode::UserNotFound));
        }
        c.execute(
            "INSERT INTO coupons (id, user_id, kind, currency, value, min_spend, expires_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![id, req.user_id, req.kind, currency.code(), value, min_spend.minor, req.expires_at, now],
        )?;
        coupon_json(c, &id, now)
    })?;
    Ok((StatusCode::CREATED, axum::Json(view)))
}

fn viewer(t: &Txn) -> String {
    t.user_id.clone().unwrap_or_default()
}

/// Whether every party of a transaction (user, counterparty, merchant)
/// belongs to `app`.
fn owned_by(c: &Connection, t: &Txn, app: &str) -> Result<bool, Problem> {
    for user in [&t.user_id, &t.counterparty_user].into_iter().flatten() {
        if auth::app_of_user(c, user)?.as_deref() != Some(app) {
            return Ok(false);
        }
    }
    if let Some(merchant) = &t.merchant_id
        && auth::app_of_merchant(c, merchant)?.as_deref() != Some(app)
    {
        return Ok(false);
    }
    Ok(t.user_id.is_some() || t.merchant_id.is_some())
}

/// A transaction of the operator's app.
fn txn_or_404(c: &Connection, op: &Operator, id: &str) -> Result<Txn, Problem> {
    match txns::load(c, id)? {
        Some(t) if owned_by(c, &t, &op.app.id)? => Ok(t),
        _ => Err(Problem::of(ErrorCode::TransactionNotFound)),
    }
}

/// Runs a sandbox-only, body-less admin operation of the app under its
/// `Idempotency-Key`.
fn run_admin(
    state: &AppState,
    operator: &Operator,
    key: &IdempotencyKey,
    route: &str,
    op: impl FnOnce(&Connection) -> Result<Reply, Problem>,
) -> Result<Response, Problem> {
    let request = Request {
        app: &operator.app.id,
        user: None,
        route,
        body: b"",
    };
    idempotency::run(state, key, request, op)
}

/// `POST /v1/sandbox/transactions/{transaction_id}/reverse`: books the exact
/// opposite of a completed transaction's journals as a new `reversal`
/// transaction. Refused if it would overdraw a wallet or merchant.
pub async fn reverse(
    State(state): State<AppState>,
    op: Operator,
    key: IdempotencyKey,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let route = format!("POST /v1/sandbox/transactions/{id}/reverse");
    run_admin(&state, &op, &key, &route, |c| {
        let t = txn_or_404(c, &op, &id)?;
        if t.status == "reversed" || t.reversed_by.is_some() {
            return Err(Problem::of(ErrorCode::AlreadyReversed));
        }
        if t.status != "completed" || t.kind == "reversal" {
            return Err(Problem::new(
                ErrorCode::NotReversible,
                "only completed transactions can be reversed",
            ));
        }
        crate::orders::refuse_reversal(c, &t)?;
        let ledger = SqliteLedger::new(c);
        let rev_id = new_id("txn");
        let mut journal = Journal::new(&rev_id);
        for part in [
            t.id.clone(),
            format!("{}/release", t.id),
            format!("{}/settle", t.id),
        ] {
            match ledger.journal(&part) {
                Ok(j) => journal.lines.extend(j.reversed(&rev_id).lines),
                Err(LedgerError::UnknownJournal(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let now = state.now();
        ledger.post(&journal, now)?;
        if let Some(user) = &t.user_id {
            add_points(c, user, &rev_id, t.points_redeemed - t.points_earned, now)?;
        }
        let r = Txn {
            id: rev_id.clone(),
            kind: "reversal".into(),
            status: "completed".into(),
            user_id: t.user_id.clone(),
            counterparty_user: t.counterparty_user.clone(),
            merchant_id: t.merchant_id.clone(),
            card_id: t.card_id.clone(),
            amount_minor: t.amount_minor,
            currency: t.currency.clone(),
            reversal_of: Some(t.id.clone()),
            created_at: now,
            ..Txn::default()
        };
        txns::insert(c, &r)?;
        txns::set_status(c, &t.id, "reversed", Some(&rev_id), now)?;
        Ok(Reply::created(txns::view(c, &r, &viewer(&t))?))
    })
}

/// `POST /v1/sandbox/withdrawals/{transaction_id}/complete`: the payout
/// reached the card.
pub async fn complete_withdrawal(
    State(state): State<AppState>,
    op: Operator,
    key: IdempotencyKey,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let route = format!("POST /v1/sandbox/withdrawals/{id}/complete");
    run_admin(&state, &op, &key, &route, |c| {
        let t = txn_or_404(c, &op, &id)?;
        if t.kind != "withdrawal" {
            return Err(Problem::of(ErrorCode::TransactionNotFound));
        }
        if t.status != "pending" {
            return Err(Problem::of(ErrorCode::WithdrawalNotPending));
        }
        let amount = t.amount()?;
        let now = state.now();
        let journal = Journal::new(format!("{}/settle", t.id)).transfer(
            AccountRef::system(SystemAccount::WithdrawalClearing, amount.currency),
            AccountRef::system(SystemAccount::CardSettlement, amount.currency),
            amount.minor - t.fee,
        );
        SqliteLedger::new(c).post(&journal, now)?;
        txns::set_status(c, &t.id, "completed", None, now)?;
        let t = txn_or_404(c, &op, &id)?;
        Ok(Reply::ok(txns::view(c, &t, &viewer(&t))?))
    })
}

fn held(c: &Connection, op: &Operator, id: &str) -> Result<Txn, Problem> {
    match txns::load(c, id)? {
        Some(t) if t.status == "held" && owned_by(c, &t, &op.app.id)? => Ok(t),
        _ => Err(Problem::of(ErrorCode::HoldNotFound)),
    }
}

/// `POST /v1/sandbox/risk/holds/{transaction_id}/release`: the reviewer
/// approves; the held funds complete the original operation (a payment,
/// transfer or top-up completes; a withdrawal becomes pending, awaiting
/// its payout).
pub async fn release_hold(
    State(state): State<AppState>,
    op: Operator,
    key: IdempotencyKey,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let route = format!("POST /v1/sandbox/risk/holds/{id}/release");
    run_admin(&state, &op, &key, &route, |c| {
        let t = held(c, &op, &id)?;
        let cur = t.amount()?.currency;
        let now = state.now();
        let source = AccountRef::system(SystemAccount::RiskHold, cur);
        let journal_id = format!("{}/release", t.id);
        // A released withdrawal goes on to wait for its payout; everything
        // else completes.
        let mut status = "completed";
        match t.kind.as_str() {
            "payment" => {
                let earned = settle_payment(c, &t, &journal_id, source, now)?;
                c.execute(
                    "UPDATE txns SET points_earned = ?2 WHERE id = ?1",
                    params![t.id, earned],
                )?;
            }
            "top_up" => settle_top_up(c, &t, &journal_id, source, now)?,
            "withdrawal" => {
                settle_withdrawal(c, &t, &journal_id, source, now)?;
                status = "pending";
            }
            _ => settle_transfer(c, &t, &journal_id, source, now)?,
        }
        txns::set_status(c, &t.id, status, None, now)?;
        let t = txn_or_404(c, &op, &id)?;
        Ok(Reply::ok(txns::view(c, &t, &viewer(&t))?))
    })
}

/// `POST /v1/sandbox/risk/holds/{transaction_id}/reject`: the reviewer
/// refuses; funds, points and coupon go back to the user.
pub async fn reject_hold(
    State(state): State<AppState>,
    op: Operator,
    key: IdempotencyKey,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let route = format!("POST /v1/sandbox/risk/holds/{id}/reject");
    run_admin(&state, &op, &key, &route, |c| {
        let t = held(c, &op, &id)?;
        let ledger = SqliteLedger::new(c);
        let original = ledger.journal(&t.id)?;
        let now = state.now();
        ledger.post(&original.reversed(format!("{}/reject", t.id)), now)?;
        if let Some(user) = &t.user_id {
            add_points(c, user, &t.id, t.points_redeemed, now)?;
        }
        if let Some(coupon) = &t.coupon_id {
            c.execute(
                "UPDATE coupons SET state = 'available', used_by = NULL WHERE id = ?1",
                [coupon],
            )?;
        }
        txns::set_status(c, &t.id, "rejected", None, now)?;
        crate::orders::reopen_after_rejection(c, &t.id, now)?;
        let t = txn_or_404(c, &op, &id)?;
        Ok(Reply::ok(txns::view(c, &t, &viewer(&t))?))
    })
}
