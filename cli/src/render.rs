//! Turning the facade's values into what a person reads: amounts with their
//! currency, history and summary tables, and QR codes in the terminal.
//! Formatting only; no business rules.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use imwallet_core::wallet::{SpendingLine, TransactionView};
use imwallet_protocol::money::Money;
use imwallet_protocol::wire::{Card, Coupon, Quote, Transaction, TransactionType};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::exit::CliError;
use crate::{i18n, tr};

/// An amount as the current language writes it (`1,234.56 CNY` /
/// `¥1,234.56`; see [`i18n::format::money`]).
pub fn money(m: &Money) -> String {
    i18n::format::money(m, i18n::current())
}

/// `+12.00 CNY` / `-3.00 CNY`: a signed change.
pub fn signed(m: &Money) -> String {
    if m.minor > 0 {
        format!("+{}", money(m))
    } else {
        money(m)
    }
}

/// A list of balances on one line (`0` when empty).
pub fn balances(list: &[Money]) -> String {
    if list.is_empty() {
        return tr!("no-balance");
    }
    list.iter().map(money).collect::<Vec<_>>().join(", ")
}

/// What a quote says, on one line.
pub fn quote(q: &Quote) -> String {
    let mut s = tr!(
        "quote-line",
        amount = money(&q.amount),
        fee = money(&q.fee),
        debit = money(&q.debit),
        credit = money(&q.credit),
    );
    push_extras(&mut s, &q.discount, q.points_redeemed, q.points_earned);
    s
}

/// Discount and points, when there are any.
fn push_extras(s: &mut String, discount: &Money, points_used: i64, points_earned: i64) {
    if discount.minor != 0 {
        s.push_str(&tr!("extra-discount", amount = money(discount)));
    }
    if points_used != 0 {
        s.push_str(&tr!("extra-points-used", points = points_used));
    }
    if points_earned != 0 {
        s.push_str(&tr!("extra-points-earned", points = points_earned));
    }
}

/// What a completed (or pending) operation did, on one line. A payment
/// is the payer's receipt: what the payer paid, not the merchant's fee.
pub fn transaction(t: &Transaction) -> String {
    let mut s = if t.kind == TransactionType::Payment {
        tr!(
            "payment-line",
            kind = kind_name(t.kind.as_str()),
            status = status_name(&wire_name(&t.status)),
            amount = money(&t.amount),
            paid = money(&payer_paid(t)),
            effect = signed(&t.balance_effect),
        )
    } else {
        tr!(
            "transaction-line",
            kind = kind_name(t.kind.as_str()),
            status = status_name(&wire_name(&t.status)),
            amount = money(&t.amount),
            fee = money(&t.fee),
            effect = signed(&t.balance_effect),
        )
    };
    push_extras(&mut s, &t.discount, t.points_redeemed, t.points_earned);
    if let Some(name) = t.counterparty.as_ref().and_then(|c| c.name.as_deref()) {
        s.push_str(&tr!("transaction-with", name = name));
    }
    s
}

/// What the payer of a payment paid: the amount less the coupon and the
/// points (the merchant's fee is the merchant's).
fn payer_paid(t: &Transaction) -> Money {
    if t.balance_effect.minor < 0 {
        Money::new(-t.balance_effect.minor, t.balance_effect.currency)
    } else {
        Money::new(
            t.amount.minor - t.discount.minor - t.points_redeemed,
            t.amount.currency,
        )
    }
}

/// A transaction kind (`top_up`, ...) in the current language.
pub fn kind_name(kind: &str) -> String {
    tr!("kind-name", kind = kind)
}

/// A transaction or card status (`completed`, ...) in the current language.
pub fn status_name(status: &str) -> String {
    tr!("status-name", status = status)
}

/// The snake_case wire name of a serialisable enum value.
pub fn wire_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A card on one line.
pub fn card(c: &Card) -> String {
    tr!(
        "card-line",
        id = c.card_id.as_str(),
        brand = c.brand.as_str(),
        last4 = c.last4.as_str(),
        expiry = format!("{:02}/{}", c.expiry_month, c.expiry_year),
        bank = c.bank.as_str(),
        status = status_name(&wire_name(&c.status)),
    )
}

/// A coupon on one line: id, what it takes off, the minimum spend, until
/// when, and its status.
pub fn coupon(c: &Coupon) -> String {
    let off = match (&c.amount_off, c.percent_off_bps) {
        (Some(m), _) => money(m),
        (None, Some(bps)) => tr!(
            "coupon-percent",
            percent = format!("{}.{:02}", bps / 100, bps % 100)
        ),
        (None, None) => "-".to_owned(),
    };
    tr!(
        "coupon-line",
        id = c.coupon_id.as_str(),
        off = off,
        min = money(&c.min_spend),
        until = timestamp(c.expires_at),
        status = status_name(&wire_name(&c.status)),
    )
}

/// `YYYY-MM-DD HH:MM +08:00`: Unix milliseconds in the local time zone.
pub fn timestamp(ms: i64) -> String {
    i18n::format::local_time(ms)
}

fn table(header: &[String]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

/// The history as a table, newest first.
pub fn history_table(items: &[TransactionView]) -> String {
    let mut t = table(&[
        tr!("table-when", zone = i18n::format::local_zone_name()),
        tr!("table-kind"),
        tr!("table-status"),
        tr!("table-amount"),
        tr!("table-counterparty"),
    ]);
    for item in items {
        t.add_row(vec![
            timestamp(item.created_at_ms),
            kind_name(&item.kind),
            status_name(&item.status),
            signed(&item.amount),
            item.counterparty.clone(),
        ]);
    }
    if let Some(col) = t.column_mut(3) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    t.to_string()
}

/// The spending summary as a table.
pub fn summary_table(lines: &[SpendingLine]) -> String {
    let mut t = table(&[
        tr!("table-month"),
        tr!("table-category"),
        tr!("table-spent"),
        tr!("table-count"),
    ]);
    for l in lines {
        t.add_row(vec![
            l.month.clone(),
            l.category.clone(),
            money(&l.total),
            l.count.to_string(),
        ]);
    }
    if let Some(col) = t.column_mut(2) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    t.to_string()
}

/// The history rows as JSON values (amounts as decimal strings).
pub fn history_json(items: &[TransactionView]) -> serde_json::Value {
    serde_json::Value::Array(
        items
            .iter()
            .map(|t| {
                serde_json::json!({
                    "transaction_id": t.transaction_id,
                    "created_at_ms": t.created_at_ms,
                    "kind": t.kind,
                    "status": t.status,
                    "amount": t.amount,
                    "counterparty": t.counterparty,
                    "category": t.category,
                })
            })
            .collect(),
    )
}

/// The spending summary as JSON values.
pub fn summary_json(lines: &[SpendingLine]) -> serde_json::Value {
    serde_json::Value::Array(
        lines
            .iter()
            .map(|l| {
                serde_json::json!({
                    "month": l.month,
                    "category": l.category,
                    "total": l.total,
                    "count": l.count,
                })
            })
            .collect(),
    )
}

/// Encodes a payload as a QR code.
pub fn qr_code(payload: &str) -> Result<QrCode, CliError> {
    QrCode::new(payload.as_bytes())
        .map_err(|e| CliError::Other(tr!("error-qr-encode", detail = e.to_string())))
}

/// A QR code drawn with half-block characters (two modules per character
/// row), light on dark so it scans from a dark terminal, with a quiet zone.
pub fn qr_terminal(code: &QrCode) -> String {
    code.render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use imwallet_protocol::money::Currency;

    #[test]
    fn a_signed_change_carries_its_sign() {
        assert_eq!(
            i18n::format::money(
                &Money::new(1_234, Currency::Cny),
                imwallet_core::wallet::Locale::En
            ),
            "12.34 CNY"
        );
        assert!(signed(&Money::new(1_234, Currency::Cny)).starts_with('+'));
        assert!(signed(&Money::new(-1_234, Currency::Cny)).starts_with('-'));
    }

    #[test]
    fn kinds_and_statuses_are_named_and_unknown_ones_shown_as_sent() {
        assert_eq!(kind_name("top_up"), "top-up");
        assert_eq!(status_name("held"), "held for review");
        assert_eq!(kind_name("refund_v9"), "refund_v9");
    }

    #[test]
    fn a_terminal_qr_is_a_square_of_half_blocks() {
        let code = qr_code("IMW hello").unwrap();
        let drawn = qr_terminal(&code);
        let rows: Vec<&str> = drawn.lines().collect();
        let width = code.width() + 8;
        assert_eq!(rows.len(), width.div_ceil(2));
        assert!(rows.iter().all(|r| r.chars().count() == width));
    }
}
