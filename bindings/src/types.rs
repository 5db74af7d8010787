//! Shared FFI types: [`Money`], [`Locale`], and the `mirror_enum!` macro
//! that declares an FFI enum mirroring a core enum variant by variant.

use imwallet_core::WalletError;
use imwallet_core::protocol::money::{Currency, Money as CoreMoney};
use imwallet_core::wallet::Locale as CoreLocale;

/// Declares a fieldless `uniffi::Enum` with the same variants as a core
/// enum, and the conversions both ways.
macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident <=> $core:path { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<$core> for $name {
            fn from(value: $core) -> Self {
                use $core as C;
                match value {
                    $(C::$variant => Self::$variant),+
                }
            }
        }

        impl From<$name> for $core {
            fn from(value: $name) -> Self {
                use $core as C;
                match value {
                    $($name::$variant => C::$variant),+
                }
            }
        }
    };
}
pub(crate) use mirror_enum;

mirror_enum! {
    /// The language of user messages.
    Locale <=> CoreLocale {
        /// Simplified Chinese (China).
        ZhCn,
        /// English.
        En,
    }
}

/// An amount: integer minor units of an ISO 4217 currency. No floats.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Money {
    /// Amount in minor units (fen, cents, yen, ...).
    pub minor: i64,
    /// ISO 4217 alphabetic code (`CNY`, `USD`, ...).
    pub currency: String,
}

impl From<CoreMoney> for Money {
    fn from(m: CoreMoney) -> Self {
        Self {
            minor: m.minor,
            currency: m.currency.code().to_owned(),
        }
    }
}

/// The core currency of an ISO 4217 code, or `InvalidInput`.
pub(crate) fn currency(code: &str) -> Result<Currency, WalletError> {
    Ok(Currency::from_code(code)?)
}

impl TryFrom<Money> for CoreMoney {
    type Error = WalletError;

    fn try_from(m: Money) -> Result<Self, WalletError> {
        Ok(CoreMoney::new(m.minor, currency(&m.currency)?))
    }
}

/// Converts an optional FFI amount.
pub(crate) fn opt_money(m: Option<Money>) -> Result<Option<CoreMoney>, WalletError> {
    m.map(CoreMoney::try_from).transpose()
}

/// Converts a list of core records.
pub(crate) fn list<A, B: From<A>>(items: Vec<A>) -> Vec<B> {
    items.into_iter().map(B::from).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn money_round_trips_and_bad_currencies_are_typed() {
        let m = Money {
            minor: 1234,
            currency: "CNY".into(),
        };
        let core = CoreMoney::try_from(m.clone()).unwrap();
        assert_eq!(Money::from(core), m);
        let bad = CoreMoney::try_from(Money {
            minor: 1,
            currency: "XXQ".into(),
        })
        .unwrap_err();
        assert_eq!(bad.code(), "invalid_input");
    }
}
