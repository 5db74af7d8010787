//! The HTTP surface: one route table that both builds the router and can be
//! listed (the contract test compares it with `api/openapi.yaml`), plus the
//! small helpers handlers share.

mod accounts;
mod admin;
mod card_moves;
mod cards;
mod events;
mod fx_moves;
mod history;
mod merchants;
mod meta;
mod moves;
mod operations;
mod orders;
mod paycodes;
mod refunds;
mod sessions;
mod webhooks;

use crate::problem::{ErrorCode, Problem};
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodRouter, delete, get, patch, post};
use imwallet_protocol::money::{Money, MoneyWire};
use std::collections::BTreeMap;

/// One served operation.
pub struct Route {
    /// `GET`, `POST`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// Path in OpenAPI/axum syntax (`/v1/cards/{card_id}`).
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

macro_rules! table {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        vec![$(Route {
            method: stringify!($method),
            path: $path,
            handler: table!(@m $method)($handler),
        }),*]
    };
    (@m GET) => { get };
    (@m POST) => { post };
    (@m PATCH) => { patch };
    (@m DELETE) => { delete };
}

/// Every route of the API.
pub fn table() -> Vec<Route> {
    table! {
        GET "/healthz" => meta::healthz,
        POST "/v1/apps" => meta::create_app,
        GET "/v1/apps/current" => meta::current_app,
        POST "/v1/verification-codes" => accounts::send_code,
        POST "/v1/users" => accounts::register,
        POST "/v1/auth/login" => sessions::login,
        POST "/v1/auth/login/verify" => sessions::login_verify,
        POST "/v1/auth/refresh" => sessions::refresh,
        POST "/v1/auth/logout" => sessions::logout,
        POST "/v1/auth/password-reset" => accounts::password_reset,
        GET "/v1/me" => accounts::me,
        PATCH "/v1/me" => accounts::update_me,
        POST "/v1/me/password" => accounts::change_password,
        POST "/v1/me/freeze" => accounts::freeze,
        POST "/v1/me/unfreeze" => accounts::unfreeze,
        GET "/v1/me/security-events" => accounts::security_events,
        GET "/v1/me/operations/{idempotency_key}" => operations::by_key,
        POST "/v1/me/paycode-devices" => paycodes::provision,
        GET "/v1/balances" => history::balances,
        POST "/v1/cards" => cards::bind,
        GET "/v1/cards" => cards::list,
        POST "/v1/cards/{card_id}/verify" => cards::verify,
        DELETE "/v1/cards/{card_id}" => cards::remove,
        POST "/v1/quotes" => moves::quote,
        POST "/v1/top-ups" => card_moves::top_up,
        POST "/v1/payments" => moves::pay,
        POST "/v1/transfers" => moves::transfer,
        POST "/v1/withdrawals" => card_moves::withdraw,
        POST "/v1/fx/quotes" => fx_moves::fx_quote,
        POST "/v1/fx/conversions" => fx_moves::fx_convert,
        GET "/v1/transactions" => history::list,
        GET "/v1/transactions/{transaction_id}" => history::get_one,
        GET "/v1/points" => history::points,
        GET "/v1/coupons" => history::coupons,
        GET "/v1/risk/holds" => history::holds,
        POST "/v1/merchants" => merchants::create,
        GET "/v1/merchants/{merchant_id}" => merchants::get_one,
        GET "/v1/merchants/{merchant_id}/qr" => merchants::qr,
        POST "/v1/merchants/{merchant_id}/paycode-charges" => paycodes::charge,
        POST "/v1/merchants/{merchant_id}/orders" => orders::create,
        GET "/v1/merchants/{merchant_id}/orders" => orders::list,
        GET "/v1/merchants/{merchant_id}/orders/{order_id}" => orders::get_one,
        GET "/v1/merchants/{merchant_id}/orders/by-out-trade-no/{out_trade_no}" => orders::by_out_trade_no,
        POST "/v1/merchants/{merchant_id}/orders/{order_id}/close" => orders::close,
        POST "/v1/merchants/{merchant_id}/orders/{order_id}/refunds" => refunds::create,
        GET "/v1/order-previews/{order_token}" => orders::preview,
        GET "/v1/events" => events::list,
        POST "/v1/webhook-endpoints" => webhooks::create,
        GET "/v1/webhook-endpoints" => webhooks::list,
        DELETE "/v1/webhook-endpoints/{endpoint_id}" => webhooks::remove,
        POST "/v1/webhook-endpoints/{endpoint_id}/rotate-secret" => webhooks::rotate,
        GET "/v1/webhook-endpoints/{endpoint_id}/deliveries" => webhooks::deliveries,
        POST "/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/resend" => webhooks::resend,
        GET "/v1/sandbox/outbox" => admin::outbox,
        POST "/v1/sandbox/coupons" => admin::issue_coupon,
        POST "/v1/sandbox/transactions/{transaction_id}/reverse" => admin::reverse,
        POST "/v1/sandbox/withdrawals/{transaction_id}/complete" => admin::complete_withdrawal,
        POST "/v1/sandbox/risk/holds/{transaction_id}/release" => admin::release_hold,
        POST "/v1/sandbox/risk/holds/{transaction_id}/reject" => admin::reject_hold,
    }
}

/// `(method, path)` of every route, for the contract test and docs.
pub fn list() -> Vec<(&'static str, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The router over the route table, with problem+json fallbacks and the
/// body limit.
pub fn router(state: AppState) -> Router {
    let limit = state.config.body_limit;
    let mut by_path: BTreeMap<&'static str, MethodRouter<AppState>> = BTreeMap::new();
    for route in table() {
        let merged = match by_path.remove(route.path) {
            Some(existing) => existing.merge(route.handler),
            None => route.handler,
        };
        by_path.insert(route.path, merged);
    }
    let mut router = Router::new();
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    router
        .fallback(|| async { Problem::of(ErrorCode::RouteNotFound) })
        .method_not_allowed_fallback(|| async { Problem::of(ErrorCode::MethodNotAllowed) })
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::map_response(name_response))
        .with_state(state)
}

/// Names every response with an `X-Request-Id` (`req_<pid><sequence>` in
/// hex), so a client can quote it to support; the client's error catalog
/// shows it with the error.
async fn name_response(mut response: axum::response::Response) -> axum::response::Response {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = format!("req_{:06x}{n:010x}", std::process::id());
    if let Ok(value) = axum::http::HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Parses a wire amount that must be positive.
pub fn positive(wire: &MoneyWire) -> Result<Money, Problem> {
    let money = Money::try_from(wire)?;
    if !money.is_positive() {
        return Err(Problem::of(ErrorCode::NonPositiveAmount));
    }
    Ok(money)
}
