//! Sandbox FX rates and quote arithmetic. Rates are fixed reference rates
//! (units per US dollar, in millionths); the bought amount is rounded down to
//! the target currency's minor unit, in the customer's disfavour by at most
//! one minor unit.

use imwallet_protocol::money::{Currency, Money};

/// Units of `currency` per 1 USD, times 1,000,000.
fn per_usd_micro(currency: Currency) -> i128 {
    match currency {
        Currency::Usd => 1_000_000,
        Currency::Cny => 7_200_000,
        Currency::Eur => 920_000,
        Currency::Jpy => 150_000_000,
        Currency::Gbp => 790_000,
        Currency::Hkd => 7_800_000,
        Currency::Sgd => 1_350_000,
        Currency::Brl => 5_000_000,
        Currency::Inr => 83_000_000,
        Currency::Thb => 36_000_000,
        Currency::Kwd => 310_000,
        Currency::Myr => 4_700_000,
        Currency::Idr => 15_600_000_000,
        Currency::Vnd => 24_500_000_000,
        Currency::Php => 56_000_000,
        Currency::Krw => 1_330_000_000,
        Currency::Aud => 1_520_000,
        Currency::Cad => 1_360_000,
        Currency::Chf => 880_000,
    }
}

/// The rate `to` per 1 `from` as a decimal string with 6 decimals.
pub fn rate_string(from: Currency, to: Currency) -> String {
    let micro = per_usd_micro(to) * 1_000_000 / per_usd_micro(from);
    format!("{}.{:06}", micro / 1_000_000, micro % 1_000_000)
}

/// What selling `sell` buys in `to`, or `None` on overflow.
pub fn convert(sell: Money, to: Currency) -> Option<Money> {
    let num = i128::from(sell.minor) * per_usd_micro(to) * 10i128.pow(u32::from(to.exponent()));
    let den = per_usd_micro(sell.currency) * 10i128.pow(u32::from(sell.currency.exponent()));
    let minor = i64::try_from(num.checked_div(den)?).ok()?;
    Some(Money::new(minor, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_with_exponents_and_rounds_down() {
        let bought = convert(Money::new(720, Currency::Cny), Currency::Usd).unwrap();
        assert_eq!(bought, Money::new(100, Currency::Usd));
        let yen = convert(Money::new(100, Currency::Usd), Currency::Jpy).unwrap();
        assert_eq!(yen, Money::new(150, Currency::Jpy));
        assert_eq!(rate_string(Currency::Usd, Currency::Cny), "7.200000");
    }
}
