//! ISO 4217 currencies the wallet supports, with their numeric codes and
//! minor-unit exponents.
//!
//! The list is closed on purpose: an amount in a currency the wallet does not
//! know cannot be formatted, fee-rated or posted, so it is rejected at parse
//! time with [`MoneyError::UnknownCurrency`].

use super::MoneyError;
use std::fmt;
use std::str::FromStr;

macro_rules! currencies {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, $numeric:literal, $exponent:literal; )*) => {
        /// An ISO 4217 currency known to the wallet.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Currency {
            $( $(#[$doc])* $variant, )*
        }

        impl Currency {
            /// Every supported currency, in declaration order.
            pub const ALL: &'static [Currency] = &[ $( Currency::$variant, )* ];

            /// The ISO 4217 alphabetic code, e.g. `"CNY"`.
            pub const fn code(self) -> &'static str {
                match self { $( Currency::$variant => $code, )* }
            }

            /// The ISO 4217 numeric code, e.g. `156` for CNY (used by EMVCo QR tag 53).
            pub const fn numeric(self) -> u16 {
                match self { $( Currency::$variant => $numeric, )* }
            }

            /// Number of decimal digits of the minor unit: 2 for CNY, 0 for JPY, 3 for KWD.
            pub const fn exponent(self) -> u8 {
                match self { $( Currency::$variant => $exponent, )* }
            }

            /// Looks a currency up by its alphabetic code (exact, upper case).
            pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
                match code {
                    $( $code => Ok(Currency::$variant), )*
                    _ => Err(MoneyError::UnknownCurrency(truncate_for_error(code))),
                }
            }

            /// Looks a currency up by its numeric code.
            pub const fn from_numeric(numeric: u16) -> Option<Currency> {
                match numeric {
                    $( $numeric => Some(Currency::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

currencies! {
    /// Chinese yuan renminbi.
    Cny => "CNY", 156, 2;
    /// US dollar.
    Usd => "USD", 840, 2;
    /// Euro.
    Eur => "EUR", 978, 2;
    /// Japanese yen (no minor unit).
    Jpy => "JPY", 392, 0;
    /// Pound sterling.
    Gbp => "GBP", 826, 2;
    /// Hong Kong dollar.
    Hkd => "HKD", 344, 2;
    /// Singapore dollar.
    Sgd => "SGD", 702, 2;
    /// Brazilian real.
    Brl => "BRL", 986, 2;
    /// Indian rupee.
    Inr => "INR", 356, 2;
    /// Thai baht.
    Thb => "THB", 764, 2;
    /// Kuwaiti dinar (three decimals).
    Kwd => "KWD", 414, 3;
    /// Malaysian ringgit.
    Myr => "MYR", 458, 2;
    /// Indonesian rupiah.
    Idr => "IDR", 360, 2;
    /// Vietnamese dong (no minor unit).
    Vnd => "VND", 704, 0;
    /// Philippine peso.
    Php => "PHP", 608, 2;
    /// South Korean won (no minor unit).
    Krw => "KRW", 410, 0;
    /// Australian dollar.
    Aud => "AUD", 36, 2;
    /// Canadian dollar.
    Cad => "CAD", 124, 2;
    /// Swiss franc.
    Chf => "CHF", 756, 2;
}

/// Keeps error payloads small when a caller feeds a huge string.
fn truncate_for_error(input: &str) -> String {
    input.chars().take(16).collect()
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = MoneyError;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        Currency::from_code(code)
    }
}

impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::from_code(&code).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_numerics_and_exponents_round_trip() {
        for &currency in Currency::ALL {
            assert_eq!(Currency::from_code(currency.code()), Ok(currency));
            assert_eq!(Currency::from_numeric(currency.numeric()), Some(currency));
            assert_eq!(currency.code().len(), 3);
        }
        assert_eq!(Currency::Jpy.exponent(), 0);
        assert_eq!(Currency::Kwd.exponent(), 3);
        assert_eq!(Currency::Cny.numeric(), 156);
    }

    #[test]
    fn unknown_or_lowercase_codes_are_rejected() {
        assert!(matches!(
            Currency::from_code("cny"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        assert!(matches!(
            Currency::from_code("XXX"),
            Err(MoneyError::UnknownCurrency(_))
        ));
        assert_eq!(Currency::from_numeric(999), None);
    }

    #[test]
    fn serde_uses_the_alpha_code() {
        let json = serde_json::to_string(&Currency::Hkd).unwrap_or_default();
        assert_eq!(json, "\"HKD\"");
        let back: Result<Currency, _> = serde_json::from_str("\"SGD\"");
        assert_eq!(back.ok(), Some(Currency::Sgd));
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }
}
