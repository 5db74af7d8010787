//! Amounts and times as each language writes them.
//!
//! - zh-CN: the currency's symbol before the amount (`¥1,000.00`,
//!   `US$12.50`); the ISO code after it for currencies without a common
//!   symbol.
//! - en: the ISO code after the amount (`1,000.00 CNY`), unambiguous for
//!   every currency.
//!
//! Times are shown in the local time zone with its offset
//! (`2026-01-15 09:02 +08:00`); the JSON output keeps Unix milliseconds.

use chrono::{Local, TimeZone};
use imwallet_core::wallet::Locale;
use imwallet_protocol::money::{Currency, Money};

/// `1,234.56 CNY` (en) or `¥1,234.56` (zh-CN).
pub fn money(m: &Money, locale: Locale) -> String {
    let plain = m.to_decimal_string();
    let (sign, unsigned) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain.as_str()),
    };
    let grouped = group_thousands(unsigned);
    match (locale, symbol(m.currency)) {
        (Locale::ZhCn, Some(symbol)) => format!("{sign}{symbol}{grouped}"),
        _ => format!("{sign}{grouped} {}", m.currency),
    }
}

/// The symbol Chinese text writes before an amount (CLDR's zh-Hans short
/// symbols for the currencies we carry), if there is a common one.
fn symbol(currency: Currency) -> Option<&'static str> {
    Some(match currency.code() {
        "CNY" => "¥",
        "USD" => "US$",
        "HKD" => "HK$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "JP¥",
        _ => return None,
    })
}

/// `1234567.89` → `1,234,567.89` (digits before the point only).
fn group_thousands(unsigned: &str) -> String {
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let mut grouped = String::with_capacity(unsigned.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(f) = fraction {
        grouped.push('.');
        grouped.push_str(f);
    }
    grouped
}

/// `YYYY-MM-DD HH:MM +HH:MM` of Unix milliseconds in the local time zone
/// (the `TZ` variable, else the system's zone).
pub fn local_time(unix_ms: i64) -> String {
    in_zone(&Local, unix_ms)
}

/// The local zone's current UTC offset (`+08:00`), for table headers.
pub fn local_zone_name() -> String {
    Local::now().offset().to_string()
}

/// `YYYY-MM-DD HH:MM +HH:MM` of Unix milliseconds in `zone`.
pub fn in_zone<Z: TimeZone>(zone: &Z, unix_ms: i64) -> String
where
    Z::Offset: std::fmt::Display,
{
    match zone.timestamp_millis_opt(unix_ms).earliest() {
        Some(t) => t.format("%Y-%m-%d %H:%M %:z").to_string(),
        None => format!("@{unix_ms}"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::FixedOffset;

    use super::*;

    #[test]
    fn english_writes_the_code_after_grouped_digits() {
        let m = |minor, c| money(&Money::new(minor, c), Locale::En);
        assert_eq!(m(100_000, Currency::Cny), "1,000.00 CNY");
        assert_eq!(m(123_456_789, Currency::Cny), "1,234,567.89 CNY");
        assert_eq!(m(-500, Currency::Cny), "-5.00 CNY");
        assert_eq!(m(1_000, Currency::Jpy), "1,000 JPY");
    }

    #[test]
    fn chinese_writes_the_symbol_before_the_amount() {
        let m = |minor, c| money(&Money::new(minor, c), Locale::ZhCn);
        assert_eq!(m(100_000, Currency::Cny), "¥1,000.00");
        assert_eq!(m(-500, Currency::Cny), "-¥5.00");
        assert_eq!(m(1_250, Currency::Usd), "US$12.50");
        assert_eq!(m(1_000, Currency::Jpy), "JP¥1,000");
    }

    #[test]
    fn every_currency_is_written_in_both_languages() {
        for c in Currency::ALL {
            let en = money(&Money::new(12_345, *c), Locale::En);
            let zh = money(&Money::new(12_345, *c), Locale::ZhCn);
            assert!(en.ends_with(c.code()), "{en}");
            let digits: String = zh.chars().filter(char::is_ascii_digit).collect();
            assert!(digits.starts_with("123"), "{zh}");
            assert!(zh.ends_with(c.code()) || !zh.contains(c.code()), "{zh}");
        }
    }

    #[test]
    fn times_show_the_local_zone() {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!());
        assert_eq!(
            in_zone(&beijing, 1_768_435_200_000 + 3_723_000),
            "2026-01-15 09:02 +08:00"
        );
        let utc = FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!());
        assert_eq!(in_zone(&utc, 0), "1970-01-01 00:00 +00:00");
    }
}
