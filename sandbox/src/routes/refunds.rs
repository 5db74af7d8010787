//! Refunds of merchant orders over HTTP (issue 14 item 2): full or partial,
//! several partials up to the paid amount, each under an `Idempotency-Key`
//! (scoped to the app). The fee rule and the postings are in
//! [`crate::refunds::refund`].

use super::merchants::owned_by;
use super::positive;
use crate::auth::App;
use crate::idempotency::{self, IdempotencyKey, Reply, Request};
use crate::json::Json;
use crate::orders;
use crate::problem::{ErrorCode, Problem};
use crate::refunds;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use imwallet_protocol::money::MoneyWire;
use serde::Deserialize;

/// Body of `POST /v1/merchants/{merchant_id}/orders/{order_id}/refunds`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    amount: MoneyWire,
    #[serde(default, deserialize_with = "crate::json::present")]
    reason: Option<String>,
}

/// `POST /v1/merchants/{merchant_id}/orders/{order_id}/refunds`: refunds
/// part or all of what is left of a paid order to its payer.
pub async fn create(
    State(state): State<AppState>,
    app: App,
    key: IdempotencyKey,
    Path((merchant_id, order_id)): Path<(String, String)>,
    body: Json<RefundRequest>,
) -> Result<Response, Problem> {
    let req = &body.value;
    let amount = positive(&req.amount)?;
    if let Some(reason) = &req.reason {
        let n = reason.chars().count();
        if !(1..=80).contains(&n) {
            return Err(Problem::new(
                ErrorCode::InvalidValue,
                "reason has 1 to 80 characters",
            ));
        }
        crate::text::check("reason", reason)?;
    }
    let route = format!("POST /v1/merchants/{merchant_id}/orders/{order_id}/refunds");
    let request = Request {
        app: &app.id,
        user: None,
        route: &route,
        body: &body.raw,
    };
    idempotency::run(&state, &key, request, |c| {
        owned_by(c, &app, &merchant_id)?;
        let order = orders::load(c, &merchant_id, &order_id)?;
        let now = state.now();
        let r = refunds::refund(c, &order, amount, req.reason.as_deref(), now)?;
        Ok(Reply::created(refunds::refund_json(
            &r.id,
            &order.id,
            &r.txn.id,
            amount,
            r.fee_returned,
            req.reason.as_deref(),
            now,
        )))
    })
}
