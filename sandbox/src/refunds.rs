//! Refunds of merchant orders (issue 14 item 2): the fee rule, the
//! journal, the payer's `refund` transaction and the order's new totals.
//!
//! **Refund fee rule.** The merchant fee is returned pro rata, computed on
//! the running total so that the parts add up exactly: after refunds
//! totalling `R` of an order of amount `A` whose payment was charged fee
//! `F`, the fee returned so far is `round_half_up(F * R / A)`; one refund
//! returns the difference to what was returned before. A full refund
//! returns the whole fee. The payer is credited the refunded amount, the
//! merchant is debited it less the returned fee, the fee revenue account is
//! debited the returned fee. Points the payment earned stay with the payer.

use crate::events::{self, EventType};
use crate::ledger::{AccountRef, Journal, LedgerStore, SqliteLedger, SystemAccount};
use crate::orders::Order;
use crate::problem::{ErrorCode, Problem};
use crate::txns::{self, Txn};
use imwallet_protocol::money::Money;
use rusqlite::{Connection, params};
use serde_json::{Value, json};

/// The pro-rata part of `fee` for `refunded` of `amount`, half-up.
pub fn fee_share(fee: i64, refunded: i64, amount: i64) -> i64 {
    if amount <= 0 {
        return 0;
    }
    let num = i128::from(fee) * i128::from(refunded);
    let den = i128::from(amount);
    ((2 * num + den) / (2 * den)) as i64
}

/// A refund just posted.
#[derive(Debug, Clone)]
pub struct Refund {
    /// `rfd_...`.
    pub id: String,
    /// The `refund` transaction the payer sees.
    pub txn: Txn,
    /// Merchant fee returned with it.
    pub fee_returned: i64,
}

/// Refunds `amount` of a paid order: the journal of the module's fee rule,
/// a `refund` transaction of the payer and the order's new totals and
/// status, all in the caller's transaction.
///
/// # Errors
/// `order_not_refundable` (not paid, or the payment is not settled),
/// `currency_mismatch`, `refund_exceeds_paid`, `insufficient_funds` when
/// the merchant's settlement balance cannot cover it.
pub fn refund(
    conn: &Connection,
    order: &Order,
    amount: Money,
    reason: Option<&str>,
    now: i64,
) -> Result<Refund, Problem> {
    let (Some(payment_id), Some(payer)) = (&order.payment_txn, &order.payer_user) else {
        return Err(Problem::of(ErrorCode::OrderNotRefundable));
    };
    let payment =
        txns::load(conn, payment_id)?.ok_or(Problem::of(ErrorCode::OrderNotRefundable))?;
    if payment.status != "completed" {
        return Err(Problem::new(
            ErrorCode::OrderNotRefundable,
            format!("the payment is {}", payment.status),
        ));
    }
    let cur = order.amount.currency;
    if amount.currency != cur {
        return Err(Problem::new(
            ErrorCode::CurrencyMismatch,
            format!("the order is in {cur}"),
        ));
    }
    let left = order.amount.minor - order.refunded;
    if amount.minor > left {
        return Err(Problem::new(
            ErrorCode::RefundExceedsPaid,
            format!(
                "{} {cur} is left to refund",
                Money::new(left, cur).to_decimal_string()
            ),
        )
        .with("refundable", json!(Money::new(left, cur))));
    }
    let refunded = order.refunded + amount.minor;
    let fee_total = fee_share(payment.fee, refunded, order.amount.minor);
    let fee_back = fee_total - order.fee_returned;
    let txn_id = txns::new_id(now);
    let mut journal = Journal::new(&txn_id);
    journal.lines = vec![
        crate::ledger::Line {
            account: AccountRef::merchant(&order.merchant_id, cur),
            minor: -(amount.minor - fee_back),
        },
        crate::ledger::Line {
            account: AccountRef::system(SystemAccount::FeeRevenue, cur),
            minor: -fee_back,
        },
        crate::ledger::Line {
            account: AccountRef::user(payer, cur),
            minor: amount.minor,
        },
    ];
    SqliteLedger::new(conn).post(&journal, now)?;
    let t = Txn {
        id: txn_id,
        kind: "refund".into(),
        status: "completed".into(),
        user_id: Some(payer.clone()),
        merchant_id: Some(order.merchant_id.clone()),
        amount_minor: amount.minor,
        currency: cur.code().into(),
        fee: fee_back,
        memo: Some(reason.map_or_else(|| order.description.clone(), str::to_owned)),
        created_at: now,
        ..Txn::default()
    };
    txns::insert(conn, &t)?;
    let id = crate::secrets::new_id("rfd");
    conn.prepare_cached(
        "INSERT INTO order_refunds (id, order_id, txn_id, amount, fee_returned, reason, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id,
        order.id,
        t.id,
        amount.minor,
        fee_back,
        reason,
        now
    ])?;
    let status = if refunded == order.amount.minor {
        "refunded"
    } else {
        "partially_refunded"
    };
    conn.prepare_cached(
        "UPDATE merchant_orders SET status = ?2, refunded = ?3, fee_returned = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(params![order.id, status, refunded, fee_total, now])?;
    let object = refund_json(&id, &order.id, &t.id, amount, fee_back, reason, now);
    events::record_for_merchant(
        conn,
        &order.merchant_id,
        EventType::RefundSucceeded,
        &object,
        now,
    )?;
    Ok(Refund {
        id,
        txn: t,
        fee_returned: fee_back,
    })
}

/// A refund's JSON.
pub fn refund_json(
    id: &str,
    order_id: &str,
    txn_id: &str,
    amount: Money,
    fee_returned: i64,
    reason: Option<&str>,
    created_at: i64,
) -> Value {
    json!({
        "refund_id": id,
        "order_id": order_id,
        "transaction_id": txn_id,
        "status": "succeeded",
        "amount": amount,
        "fee_returned": Money::new(fee_returned, amount.currency),
        "reason": reason,
        "created_at": created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_fee_shares_add_up_to_the_whole_fee() {
        // 60 bps of 12.34 is 0.07; refunds of 1.00, 5.00, 6.34
        let (fee, amount) = (7, 1234);
        let mut returned = 0;
        let mut refunded = 0;
        let mut parts = Vec::new();
        for r in [100, 500, 634] {
            refunded += r;
            let total = fee_share(fee, refunded, amount);
            parts.push(total - returned);
            returned = total;
        }
        assert_eq!(parts, vec![1, 2, 4]);
        assert_eq!(returned, fee);
        assert_eq!(fee_share(0, 10, 10), 0);
        assert_eq!(fee_share(7, 0, 1234), 0);
    }
}
