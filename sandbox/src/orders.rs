//! Merchant orders (issue 14): the stored order, its state machine and the
//! two places money touches it — paying its dynamic code through
//! `POST /v1/payments` and refunding it.
//!
//! States: `created -> paid -> partially_refunded -> refunded` and
//! `created -> closed | expired`. `expired` is never stored: a `created`
//! order past `expires_at` reads as expired (like coupons). Each order owns
//! one dynamic merchant code (recorded in `merchant_codes` by
//! [`crate::qr::issue_merchant_code`]), so a payment of its payload is
//! found here by the payload's SHA-256.
//!
//! Refunds and their fee rule are in [`crate::refunds`].
//!
//! Paying, closing and refunding each record their event (`order.paid`,
//! `order.closed`, `refund.succeeded`) in the same transaction.

use crate::events::{self, EventType};
use crate::problem::{ErrorCode, Problem};
use crate::refunds::refund_json;
use crate::txns::Txn;
use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::{Value, json};

/// A stored order.
#[derive(Debug, Clone)]
pub struct Order {
    /// Insertion order (the paging cursor).
    pub seq: i64,
    /// `ord_...`.
    pub id: String,
    /// The merchant.
    pub merchant_id: String,
    /// The merchant's own order number.
    pub out_trade_no: String,
    /// Amount to pay.
    pub amount: Money,
    /// What is bought.
    pub description: String,
    /// Where the merchant wants notifications (stored; delivery is item 3).
    pub notify_url: Option<String>,
    /// The order's dynamic EMVCo payload.
    pub payload: String,
    /// The in-app pay token.
    pub order_token: String,
    /// Stored status (see [`Order::status`]).
    pub stored_status: String,
    /// Expiry, Unix ms.
    pub expires_at: i64,
    /// The payment transaction.
    pub payment_txn: Option<String>,
    /// The paying user.
    pub payer_user: Option<String>,
    /// When paid.
    pub paid_at: Option<i64>,
    /// When closed.
    pub closed_at: Option<i64>,
    /// Refunded so far, minor units.
    pub refunded: i64,
    /// Merchant fee returned with the refunds so far.
    pub fee_returned: i64,
    /// Creation time.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
}

const COLUMNS: &str = "seq, id, merchant_id, out_trade_no, currency, amount, description, notify_url, payload,
    order_token, status, expires_at, payment_txn, payer_user, paid_at, closed_at, refunded, fee_returned,
    created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<(Order, String)> {
    let currency: String = r.get(4)?;
    Ok((
        Order {
            seq: r.get(0)?,
            id: r.get(1)?,
            merchant_id: r.get(2)?,
            out_trade_no: r.get(3)?,
            amount: Money::new(r.get(5)?, Currency::Cny),
            description: r.get(6)?,
            notify_url: r.get(7)?,
            payload: r.get(8)?,
            order_token: r.get(9)?,
            stored_status: r.get(10)?,
            expires_at: r.get(11)?,
            payment_txn: r.get(12)?,
            payer_user: r.get(13)?,
            paid_at: r.get(14)?,
            closed_at: r.get(15)?,
            refunded: r.get(16)?,
            fee_returned: r.get(17)?,
            created_at: r.get(18)?,
            updated_at: r.get(19)?,
        },
        currency,
    ))
}

fn finish(row: (Order, String)) -> Result<Order, Problem> {
    let (mut order, currency) = row;
    order.amount.currency = Currency::from_code(&currency).map_err(Problem::internal)?;
    Ok(order)
}

fn load_where(conn: &Connection, clause: &str, args: &[&str]) -> Result<Option<Order>, Problem> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM merchant_orders WHERE {clause}"
    ))?
    .query_row(rusqlite::params_from_iter(args), from_row)
    .optional()?
    .map(finish)
    .transpose()
}

/// The merchant's order `id`, or `order_not_found`.
pub fn load(conn: &Connection, merchant_id: &str, id: &str) -> Result<Order, Problem> {
    load_where(conn, "id = ?1 AND merchant_id = ?2", &[id, merchant_id])?
        .ok_or(Problem::of(ErrorCode::OrderNotFound))
}

/// The merchant's order with its `out_trade_no`, if any.
pub fn by_out_trade_no(
    conn: &Connection,
    merchant_id: &str,
    out_trade_no: &str,
) -> Result<Option<Order>, Problem> {
    load_where(
        conn,
        "merchant_id = ?1 AND out_trade_no = ?2",
        &[merchant_id, out_trade_no],
    )
}

/// A page of the merchant's orders, newest first, below `before` (a seq).
pub fn page(
    conn: &Connection,
    merchant_id: &str,
    before: i64,
    limit: i64,
) -> Result<Vec<Order>, Problem> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM merchant_orders WHERE merchant_id = ?1 AND seq < ?2
         ORDER BY seq DESC LIMIT ?3"
    ))?
    .query_map(params![merchant_id, before, limit], from_row)?
    .map(|r| finish(r?))
    .collect()
}

impl Order {
    /// The status as the API shows it at `now` (`expired` is derived).
    pub fn status(&self, now: i64) -> &str {
        if self.stored_status == "created" && self.expires_at <= now {
            "expired"
        } else {
            &self.stored_status
        }
    }

    /// The refused state of an order that is not payable at `now`, if so.
    pub fn not_payable(&self, now: i64) -> Option<Problem> {
        match self.status(now) {
            "created" => None,
            "closed" => Some(Problem::of(ErrorCode::OrderClosed)),
            "expired" => Some(Problem::of(ErrorCode::OrderExpired)),
            _ => Some(Problem::new(
                ErrorCode::OrderAlreadyPaid,
                format!(
                    "order {} was paid by {}",
                    self.id,
                    self.payment_txn.as_deref().unwrap_or("?")
                ),
            )),
        }
    }
}

/// The order whose dynamic code has this payload hash, if it is one.
pub fn by_payload_hash(conn: &Connection, hash: &str) -> Result<Option<Order>, Problem> {
    load_where(conn, "payload_hash = ?1", &[hash])
}

/// The code of the order with this in-app `order_token`: paying by token
/// is paying the order's code.
///
/// # Errors
/// `order_not_found`.
pub fn payload_for_token(conn: &Connection, token: &str) -> Result<String, Problem> {
    conn.prepare_cached("SELECT payload FROM merchant_orders WHERE order_token = ?1")?
        .query_row([token], |r| r.get(0))
        .optional()?
        .ok_or(Problem::of(ErrorCode::OrderNotFound))
}

/// What a payer is shown before confirming an order paid by token.
///
/// # Errors
/// `order_not_found`.
pub fn preview(conn: &Connection, token: &str, now: i64) -> Result<Value, Problem> {
    let order = load_where(conn, "order_token = ?1", &[token])?
        .ok_or(Problem::of(ErrorCode::OrderNotFound))?;
    let (name, city): (String, String) = conn
        .prepare_cached("SELECT name, city FROM merchants WHERE id = ?1")?
        .query_row([&order.merchant_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(json!({
        "order_id": order.id,
        "merchant_id": order.merchant_id,
        "merchant_name": name,
        "merchant_city": city,
        "description": order.description,
        "amount": order.amount,
        "status": order.status(now),
        "expires_at": order.expires_at,
    }))
}

/// Checks an order payment before it is posted: payable at `now`, the
/// requested amount (if any) equal to the order's, no coupon or points.
///
/// # Errors
/// `order_already_paid`, `order_closed`, `order_expired`,
/// `order_amount_mismatch`, `invalid_value`.
pub fn check_payment(
    order: &Order,
    requested: Option<Money>,
    discounts: bool,
    now: i64,
) -> Result<Money, Problem> {
    if let Some(refused) = order.not_payable(now) {
        return Err(refused);
    }
    if requested.is_some_and(|asked| asked != order.amount) {
        return Err(Problem::new(
            ErrorCode::OrderAmountMismatch,
            format!(
                "the order is for {} {}",
                order.amount.to_decimal_string(),
                order.amount.currency
            ),
        ));
    }
    if discounts {
        return Err(Problem::new(
            ErrorCode::InvalidValue,
            "coupon_id and points do not apply to merchant orders",
        ));
    }
    Ok(order.amount)
}

/// The amount and memo of a payment of a scanned merchant code, and the
/// order it pays if the code is an order's: the order's amount (checked by
/// [`check_payment`]) and, without a memo, its description; otherwise the
/// code's own amount rule.
///
/// # Errors
/// As [`check_payment`], or as [`crate::qr::ScannedCode::amount_to_pay`].
pub fn pay_terms(
    conn: &Connection,
    code: &crate::qr::ScannedCode,
    requested: Option<Money>,
    discounts: bool,
    memo: Option<String>,
    now: i64,
) -> Result<(Money, Option<String>, Option<Order>), Problem> {
    match by_payload_hash(conn, &code.hash)? {
        Some(order) => {
            let amount = check_payment(&order, requested, discounts, now)?;
            let memo = memo
                .filter(|m| Some(m.as_str()) != code.reference.as_deref())
                .or_else(|| Some(order.description.clone()));
            Ok((amount, memo, Some(order)))
        }
        None => Ok((code.amount_to_pay(requested)?, memo, None)),
    }
}

/// Records that `t` paid the order, if the payment was an order's (same
/// SQLite transaction as the money).
pub fn mark_paid(
    conn: &Connection,
    order: Option<&Order>,
    t: &Txn,
    now: i64,
) -> Result<(), Problem> {
    let Some(order) = order else {
        return Ok(());
    };
    conn.prepare_cached(
        "UPDATE merchant_orders SET status = 'paid', payment_txn = ?2, payer_user = ?3, paid_at = ?4,
         updated_at = ?4 WHERE id = ?1 AND status = 'created'",
    )?
    .execute(params![order.id, t.id, t.user_id, now])?;
    let paid = load(conn, &order.merchant_id, &order.id)?;
    let object = view(conn, &paid, now)?;
    events::record_for_merchant(conn, &order.merchant_id, EventType::OrderPaid, &object, now)?;
    Ok(())
}

/// Makes an order payable again when its payment, held by a risk rule, is
/// rejected (the money went back to the payer): the order and its dynamic
/// code lose the payment. Does nothing for a payment of no order.
pub fn reopen_after_rejection(
    conn: &Connection,
    payment_txn: &str,
    now: i64,
) -> Result<(), Problem> {
    let hash: Option<String> = conn
        .prepare_cached(
            "UPDATE merchant_orders SET status = 'created', payment_txn = NULL, payer_user = NULL,
             paid_at = NULL, updated_at = ?2 WHERE payment_txn = ?1 RETURNING payload_hash",
        )?
        .query_row(params![payment_txn, now], |r| r.get(0))
        .optional()?;
    if let Some(hash) = hash {
        conn.prepare_cached("UPDATE merchant_codes SET paid_by = NULL WHERE payload_hash = ?1")?
            .execute([hash])?;
    }
    Ok(())
}

/// Closes a `created` order; closing a closed one changes nothing.
///
/// # Errors
/// `order_already_paid` (paid or refunded), `order_expired`.
pub fn close(conn: &Connection, order: &Order, now: i64) -> Result<(), Problem> {
    match order.status(now) {
        "closed" => Ok(()),
        "created" => {
            conn.prepare_cached(
                "UPDATE merchant_orders SET status = 'closed', closed_at = ?2, updated_at = ?2 WHERE id = ?1",
            )?
            .execute(params![order.id, now])?;
            let closed = load(conn, &order.merchant_id, &order.id)?;
            let object = view(conn, &closed, now)?;
            events::record_for_merchant(
                conn,
                &order.merchant_id,
                EventType::OrderClosed,
                &object,
                now,
            )?;
            Ok(())
        }
        _ => Err(order
            .not_payable(now)
            .unwrap_or(Problem::of(ErrorCode::OrderAlreadyPaid))),
    }
}

/// Refuses the sandbox reversal of an order's payment or refund: money of
/// an order goes back through its refunds, which keep the order's totals.
///
/// # Errors
/// `not_reversible`.
pub fn refuse_reversal(conn: &Connection, t: &Txn) -> Result<(), Problem> {
    let of_order = match t.kind.as_str() {
        "refund" => true,
        "payment" => conn
            .prepare_cached("SELECT 1 FROM merchant_orders WHERE payment_txn = ?1")?
            .exists([&t.id])?,
        _ => false,
    };
    if of_order {
        return Err(Problem::new(
            ErrorCode::NotReversible,
            "a merchant order's payment or refund is returned with a refund of the order",
        ));
    }
    Ok(())
}

/// The order as the merchant sees it at `now`, with its refunds.
pub fn view(conn: &Connection, order: &Order, now: i64) -> Result<Value, Problem> {
    let cur = order.amount.currency;
    let refunds = conn
        .prepare_cached(
            "SELECT id, txn_id, amount, fee_returned, reason, created_at FROM order_refunds
             WHERE order_id = ?1 ORDER BY seq",
        )?
        .query_map([&order.id], |r| {
            Ok(refund_json(
                &r.get::<_, String>(0)?,
                &order.id,
                &r.get::<_, String>(1)?,
                Money::new(r.get(2)?, cur),
                r.get(3)?,
                r.get::<_, Option<String>>(4)?.as_deref(),
                r.get(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({
        "order_id": order.id,
        "merchant_id": order.merchant_id,
        "out_trade_no": order.out_trade_no,
        "description": order.description,
        "amount": order.amount,
        "status": order.status(now),
        "expires_at": order.expires_at,
        "notify_url": order.notify_url,
        "qr_payload": order.payload,
        "order_token": order.order_token,
        "transaction_id": order.payment_txn,
        "paid_at": order.paid_at,
        "closed_at": order.closed_at,
        "refunded": Money::new(order.refunded, cur),
        "refundable": Money::new(
            if order.payment_txn.is_some() { order.amount.minor - order.refunded } else { 0 },
            cur
        ),
        "refunds": refunds,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    }))
}
