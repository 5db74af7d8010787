//! The card's side of the wallet: top-up (a charge of a bound card) and
//! withdrawal (a payout to it), each under [`idempotency::run`].
//!
//! A top-up is bounded per operation and per user, currency and rolling
//! day ([`TopUpLimits`](crate::config::TopUpLimits)): one user can neither
//! overflow the platform's card-funding account (which every top-up in a
//! currency debits) nor hold the platform's money hostage. A top-up or a
//! withdrawal above its hold limit is parked in the risk-hold account until
//! an operator releases it ([`settle_top_up`], [`settle_withdrawal`]) or
//! rejects it.

use super::cards::active_card;
use super::moves::{gate, line, reply};
use super::positive;
use crate::auth::{self, User};
use crate::codes::{self, Purpose};
use crate::fees::{self, Operation};
use crate::idempotency::{self, IdempotencyKey, Request};
use crate::json::Json;
use crate::ledger::{AccountRef, Journal, LedgerStore, SqliteLedger, SystemAccount};
use crate::magic;
use crate::problem::{ErrorCode, Problem};
use crate::risk;
use crate::secrets::new_id;
use crate::state::AppState;
use crate::txns::{self, Txn};
use axum::extract::State;
use axum::response::Response;
use imwallet_protocol::money::{Money, MoneyWire};
use rusqlite::{Connection, params};
use serde::Deserialize;

/// Body of `POST /v1/top-ups`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopUpRequest {
    card_id: String,
    amount: MoneyWire,
    /// A `bind_card` code, for a card that asks for a second verification.
    #[serde(default)]
    code: Option<String>,
}

fn limit_exceeded(scope: &str, limit: Money) -> Problem {
    Problem::new(
        ErrorCode::TopUpLimitExceeded,
        format!(
            "top-ups are limited to {} {} per {scope}",
            limit.to_decimal_string(),
            limit.currency
        ),
    )
    .with("scope", scope)
    .with("limit", serde_json::json!(limit))
}

/// Refuses a top-up of `amount` above the per-operation limit, or one that
/// would take the user's top-ups in its currency over the last 24 hours
/// (completed and held) above the per-day limit. Sums are checked: an
/// amount near `i64::MAX` is refused, not wrapped.
fn check_top_up_limits(
    c: &Connection,
    state: &AppState,
    user: &str,
    amount: Money,
) -> Result<(), Problem> {
    let limits = &state.config.top_up;
    let cur = amount.currency;
    let per_op = limits.max_per_operation_minor;
    if per_op > 0 && amount.minor > per_op {
        return Err(limit_exceeded("operation", Money::new(per_op, cur)));
    }
    let per_day = limits.max_per_day_minor;
    if per_day > 0 {
        let mut stmt = c.prepare_cached(
            "SELECT amount FROM txns WHERE user_id = ?1 AND kind = 'top_up'
             AND currency = ?2 AND status IN ('completed', 'held') AND created_at > ?3",
        )?;
        let rows = stmt.query_map(params![user, cur.code(), state.now() - 86_400_000], |r| {
            r.get::<_, i64>(0)
        })?;
        let mut total = i128::from(amount.minor);
        for minor in rows {
            total += i128::from(minor?);
        }
        if total > i128::from(per_day) {
            return Err(limit_exceeded("day", Money::new(per_day, cur)));
        }
    }
    Ok(())
}

/// Credits a top-up's wallet from `source` (the card funding, or the risk
/// hold): the amount less the fee to the user, the fee to revenue.
pub fn settle_top_up(
    conn: &Connection,
    t: &Txn,
    journal_id: &str,
    source: AccountRef,
    now: i64,
) -> Result<(), Problem> {
    let amount = t.amount()?;
    let cur = amount.currency;
    let user = t.user_id.as_deref().unwrap_or_default();
    let mut journal = Journal::new(journal_id);
    journal.lines = vec![
        line(source, -amount.minor),
        line(AccountRef::user(user, cur), amount.minor - t.fee),
        line(AccountRef::system(SystemAccount::FeeRevenue, cur), t.fee),
    ];
    SqliteLedger::new(conn).post(&journal, now)?;
    Ok(())
}

/// `POST /v1/top-ups`: charges a bound card; the wallet receives the amount
/// minus the top-up fee, or (above the hold limit) the top-up is held. The
/// magic cards and amounts ([`crate::magic`]) refuse, ask for a code, answer
/// 429 or answer late on purpose.
pub async fn top_up(
    State(state): State<AppState>,
    user: User,
    key: IdempotencyKey,
    body: Json<TopUpRequest>,
) -> Result<Response, Problem> {
    let amount = positive(&body.value.amount)?;
    if amount.minor == magic::RATE_LIMITED_MINOR {
        return Err(Problem::of(ErrorCode::RateLimited).with("retry_after_s", 1));
    }
    let req = &body.value;
    let request = Request {
        app: &user.app.id,
        user: Some(&user.id),
        route: "POST /v1/top-ups",
        body: &body.raw,
    };
    let answer = idempotency::run(&state, &key, request, |c| {
        auth::require_active(c, &user.id)?;
        let behavior = active_card(c, &user.id, &req.card_id)?;
        match behavior.as_str() {
            "decline" => return Err(Problem::of(ErrorCode::CardDeclined)),
            "insufficient_funds" => return Err(Problem::of(ErrorCode::CardInsufficientFunds)),
            "verify" => {
                let Some(code) = req.code.as_deref() else {
                    return Err(Problem::of(ErrorCode::CardVerificationRequired));
                };
                let dest = super::accounts::user_destination(c, &user.id)?;
                codes::verify(
                    c,
                    &state.config.codes,
                    state.now(),
                    dest.as_str(),
                    Purpose::BindCard,
                    code,
                )?;
            }
            _ => {}
        }
        check_top_up_limits(c, &state, &user.id, amount)?;
        let q = fees::simple(&state.config.fees, Operation::TopUp, amount)?;
        let cur = amount.currency;
        let now = state.now();
        let hold = state.config.top_up.hold_above_minor;
        let held = hold > 0 && amount.minor > hold;
        let t = Txn {
            id: new_id("txn"),
            kind: "top_up".into(),
            status: if held { "held" } else { "completed" }.into(),
            user_id: Some(user.id.clone()),
            card_id: Some(req.card_id.clone()),
            amount_minor: amount.minor,
            currency: cur.code().into(),
            fee: q.fee.minor,
            created_at: now,
            ..Txn::default()
        };
        let funding = AccountRef::system(SystemAccount::CardFunding, cur);
        if held {
            let journal = Journal::new(&t.id).transfer(
                funding,
                AccountRef::system(SystemAccount::RiskHold, cur),
                amount.minor,
            );
            SqliteLedger::new(c).post(&journal, now)?;
        } else {
            settle_top_up(c, &t, &t.id, funding, now)?;
        }
        txns::insert(c, &t)?;
        reply(c, &t, &user.id)
    });
    if answer.is_ok()
        && amount.minor == magic::TIME_OUT_ONCE_MINOR
        && state.limits.timed_out_once.first(&user.id, &key.0)
    {
        tokio::time::sleep(std::time::Duration::from_millis(
            state.config.magic_delay_ms,
        ))
        .await;
    }
    answer
}

/// Body of `POST /v1/withdrawals`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    card_id: String,
    amount: MoneyWire,
    code: String,
}

/// Moves a withdrawal from `source` (the user, or the risk hold) into
/// clearing: the amount less the fee awaits the payout, the fee to revenue.
pub fn settle_withdrawal(
    conn: &Connection,
    t: &Txn,
    journal_id: &str,
    source: AccountRef,
    now: i64,
) -> Result<(), Problem> {
    let amount = t.amount()?;
    let cur = amount.currency;
    let mut journal = Journal::new(journal_id);
    journal.lines = vec![
        line(source, -amount.minor),
        line(
            AccountRef::system(SystemAccount::WithdrawalClearing, cur),
            amount.minor - t.fee,
        ),
        line(AccountRef::system(SystemAccount::FeeRevenue, cur), t.fee),
    ];
    SqliteLedger::new(conn).post(&journal, now)?;
    Ok(())
}

/// `POST /v1/withdrawals`: moves money to a bound card, confirmed by a
/// `withdraw` code. Pending until the payout completes; above the risk
/// hold limit ([`risk::must_hold`]) held for review first.
pub async fn withdraw(
    State(state): State<AppState>,
    user: User,
    key: IdempotencyKey,
    body: Json<WithdrawRequest>,
) -> Result<Response, Problem> {
    let amount = positive(&body.value.amount)?;
    let req = &body.value;
    let request = Request {
        app: &user.app.id,
        user: Some(&user.id),
        route: "POST /v1/withdrawals",
        body: &body.raw,
    };
    idempotency::run(&state, &key, request, |c| {
        gate(c, &state, &user.id)?;
        active_card(c, &user.id, &req.card_id)?;
        let q = fees::simple(&state.config.fees, Operation::Withdrawal, amount)?;
        let now = state.now();
        let cur = amount.currency;
        let balance = SqliteLedger::new(c).balance(&AccountRef::user(&user.id, cur))?;
        if balance.minor < amount.minor {
            return Err(Problem::of(ErrorCode::InsufficientFunds));
        }
        let dest = super::accounts::user_destination(c, &user.id)?;
        codes::verify(
            c,
            &state.config.codes,
            now,
            dest.as_str(),
            Purpose::Withdraw,
            &req.code,
        )?;
        let held = risk::must_hold(&state.config.risk, amount);
        let t = Txn {
            id: new_id("txn"),
            kind: "withdrawal".into(),
            status: if held { "held" } else { "pending" }.into(),
            user_id: Some(user.id.clone()),
            card_id: Some(req.card_id.clone()),
            amount_minor: amount.minor,
            currency: cur.code().into(),
            fee: q.fee.minor,
            created_at: now,
            ..Txn::default()
        };
        let source = AccountRef::user(&user.id, cur);
        if held {
            let journal = Journal::new(&t.id).transfer(
                source,
                AccountRef::system(SystemAccount::RiskHold, cur),
                amount.minor,
            );
            SqliteLedger::new(c).post(&journal, now)?;
        } else {
            settle_withdrawal(c, &t, &t.id, source, now)?;
        }
        txns::insert(c, &t)?;
        reply(c, &t, &user.id)
    })
}
