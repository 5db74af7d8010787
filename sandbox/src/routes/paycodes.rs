//! Offline payment codes (付款码) over HTTP: a signed-in user's device gets
//! its secret provisioned, and a merchant charges a code the payer's phone
//! shows. The rules live in [`crate::paycodes`]; the payment is the same
//! as `POST /v1/payments` ([`super::moves::post_payment`]).

use super::merchants::owned_by;
use super::moves::{PaymentOrder, gate, post_payment};
use super::positive;
use crate::auth::{self, App, User};
use crate::idempotency::{self, IdempotencyKey, Reply, Request};
use crate::json::Json;
use crate::paycodes::{self, DRIFT_WINDOW_S};
use crate::problem::{ErrorCode, Problem};
use crate::secrets::hex;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use imwallet_protocol::money::{Money, MoneyWire};
use serde::Deserialize;
use serde_json::{Value, json};

/// Body of `POST /v1/me/paycode-devices`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionRequest {
    /// Rotate this device's secret; absent = register a new device
    /// (`null` is refused: the schema says string).
    #[serde(default, deserialize_with = "crate::json::present")]
    device_id: Option<String>,
}

/// `POST /v1/me/paycode-devices`: provisions (or, with `device_id`,
/// rotates) a device's payment-code secret. The secret is in this response
/// only.
pub async fn provision(
    State(state): State<AppState>,
    user: User,
    body: Json<ProvisionRequest>,
) -> Result<(StatusCode, axum::Json<Value>), Problem> {
    let now = state.now();
    let device = body.value.device_id.as_deref();
    let p = state.db.write(|c| {
        auth::require_active(c, &user.id)?;
        paycodes::provision(c, &user.id, device, now)
    })?;
    let status = if device.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        axum::Json(json!({
            "device_id": p.device_id,
            "secret": hex(p.secret.expose_bytes()),
            "generation": p.generation,
            "algorithm": "imwallet-paycode-v1",
            "drift_window_s": DRIFT_WINDOW_S,
            "provisioned_at": now,
        })),
    ))
}

/// Body of `POST /v1/merchants/{merchant_id}/paycode-charges`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChargeRequest {
    code: String,
    amount: MoneyWire,
    #[serde(default)]
    memo: Option<String>,
}

/// `POST /v1/merchants/{merchant_id}/paycode-charges`: the merchant (the
/// API key of the app that created it) charges a scanned payment code. The
/// code is verified, spent and the payment posted in one transaction.
pub async fn charge(
    State(state): State<AppState>,
    app: App,
    key: IdempotencyKey,
    Path(merchant_id): Path<String>,
    body: Json<ChargeRequest>,
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
    let route = format!("POST /v1/merchants/{merchant_id}/paycode-charges");
    let request = Request {
        app: &app.id,
        user: None,
        route: &route,
        body: &body.raw,
    };
    idempotency::run(&state, &key, request, |c| {
        owned_by(c, &app, &merchant_id)?;
        let now = state.now();
        let verified = paycodes::verify(c, &req.code, now)?;
        gate(c, &state, &verified.user_id)?;
        paycodes::consume(c, &verified)?;
        let t = post_payment(
            c,
            &state,
            &PaymentOrder {
                user: &verified.user_id,
                merchant: &merchant_id,
                amount,
                coupon_id: None,
                points: 0,
                memo: req.memo.clone(),
            },
        )?;
        let cur = amount.currency;
        let body = json!({
            "transaction_id": t.id,
            "status": t.status,
            "merchant_id": merchant_id,
            "device_id": verified.device_id,
            "code_time": verified.time,
            "amount": amount,
            "fee": Money::new(t.fee, cur),
            "net": Money::new(t.amount_minor - t.fee, cur),
            "created_at": t.created_at,
        });
        Ok(Reply {
            status: if t.status == "held" {
                StatusCode::ACCEPTED
            } else {
                StatusCode::CREATED
            },
            body,
        })
    })
}
