//! Turning the facade's values into what a person reads: amounts with their
//! currency, history and summary tables, and QR codes in the terminal.
//! Formatting only; no business rules.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use imwallet_core::wallet::{SpendingLine, TransactionView};
use imwallet_protocol::money::Money;
use imwallet_protocol::wire::{Card, Quote, Transaction};
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use crate::exit::CliError;

/// `1,234.56 CNY`: grouped thousands, the currency's own decimals.
pub fn money(m: &Money) -> String {
    let plain = m.to_decimal_string();
    let (sign, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f} {}", m.currency),
        None => format!("{sign}{grouped} {}", m.currency),
    }
}

/// `+12.00 CNY` / `-3.00 CNY`: a signed change.
pub fn signed(m: &Money) -> String {
    if m.minor > 0 {
        format!("+{}", money(m))
    } else {
        money(m)
    }
}

/// A list of balances on one line (`0.00` when empty).
pub fn balances(list: &[Money]) -> String {
    if list.is_empty() {
        return "0".to_owned();
    }
    list.iter().map(money).collect::<Vec<_>>().join(", ")
}

/// What a quote says, on one line.
pub fn quote(q: &Quote) -> String {
    let mut s = format!(
        "amount {}, fee {}, debit {}, credit {}",
        money(&q.amount),
        money(&q.fee),
        money(&q.debit),
        money(&q.credit)
    );
    if q.discount.minor != 0 {
        s.push_str(&format!(", discount {}", money(&q.discount)));
    }
    if q.points_redeemed != 0 {
        s.push_str(&format!(", points used {}", q.points_redeemed));
    }
    if q.points_earned != 0 {
        s.push_str(&format!(", points earned {}", q.points_earned));
    }
    s
}

/// What a completed (or pending) operation did, on one line.
pub fn transaction(t: &Transaction) -> String {
    let mut s = format!(
        "{} {}: amount {}, fee {}, wallet {}",
        t.kind.as_str(),
        status_name(t),
        money(&t.amount),
        money(&t.fee),
        signed(&t.balance_effect)
    );
    if t.discount.minor != 0 {
        s.push_str(&format!(", discount {}", money(&t.discount)));
    }
    if t.points_redeemed != 0 {
        s.push_str(&format!(", points used {}", t.points_redeemed));
    }
    if t.points_earned != 0 {
        s.push_str(&format!(", points earned {}", t.points_earned));
    }
    if let Some(name) = t.counterparty.as_ref().and_then(|c| c.name.as_deref()) {
        s.push_str(&format!(", with {name}"));
    }
    s
}

fn status_name(t: &Transaction) -> String {
    serde_json::to_value(t.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A card on one line.
pub fn card(c: &Card) -> String {
    let status = serde_json::to_value(c.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!(
        "{}  {} •••• {}  {:02}/{}  {}  {}",
        c.card_id, c.brand, c.last4, c.expiry_month, c.expiry_year, c.bank, status
    )
}

/// `YYYY-MM-DD HH:MM` (UTC) of Unix milliseconds.
pub fn timestamp(ms: i64) -> String {
    let t = imwallet_core::wallet::UtcMinute::of_unix_ms(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute
    )
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(header.to_vec());
    t
}

/// The history as a table, newest first.
pub fn history_table(items: &[TransactionView]) -> String {
    let mut t = table(&["when (UTC)", "kind", "status", "amount", "counterparty"]);
    for item in items {
        t.add_row(vec![
            timestamp(item.created_at_ms),
            item.kind.clone(),
            item.status.clone(),
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
    let mut t = table(&["month", "category", "spent", "count"]);
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
        .map_err(|e| CliError::Other(format!("cannot encode the QR code: {e}")))
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
    fn amounts_show_grouped_digits_and_their_currency() {
        assert_eq!(
            money(&Money::new(123_456_789, Currency::Cny)),
            "1,234,567.89 CNY"
        );
        assert_eq!(money(&Money::new(-500, Currency::Cny)), "-5.00 CNY");
        assert_eq!(money(&Money::new(1_000, Currency::Jpy)), "1,000 JPY");
        assert_eq!(signed(&Money::new(1_234, Currency::Cny)), "+12.34 CNY");
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(timestamp(0), "1970-01-01 00:00");
        assert_eq!(timestamp(1_768_435_200_000 + 3_723_000), "2026-01-15 01:02");
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
