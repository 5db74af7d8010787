//! Well-known wallet links, recognised as such. Their tokens are opaque:
//! only the issuing wallet can resolve them, so we report them verbatim and
//! guess nothing.
//!
//! * Alipay: `https://qr.alipay.com/<token>`
//! * WeChat Pay: `weixin://wxpay/bizpayurl?pr=<token>` and `wxp://<token>`
//! * PayPal.me: `https://paypal.me/<user>[/<amount>[<currency>]]` (also
//!   `www.paypal.me`)

use super::error::QrError;
use super::uri::{is_decimal, parse_query, split_query, strip_prefix_ci};

/// An opaque wallet link (Alipay, WeChat Pay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletLink<'a> {
    /// The whole link.
    pub url: &'a str,
    /// The opaque token.
    pub token: &'a str,
}

/// A PayPal.me link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaypalMe<'a> {
    /// The whole link.
    pub url: &'a str,
    /// PayPal.me user name.
    pub user: &'a str,
    /// Amount as written.
    pub amount: Option<&'a str>,
    /// ISO 4217 alpha currency, if given after the amount.
    pub currency: Option<&'a str>,
}

fn token_ok(t: &str) -> bool {
    !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

/// Parses `https://qr.alipay.com/<token>`.
///
/// # Errors
/// `missing_field`/`invalid_value` for an absent or odd token.
pub fn parse_alipay(input: &str) -> Result<WalletLink<'_>, QrError> {
    let off = "https://qr.alipay.com/".len();
    let token = input.get(off..).unwrap_or("");
    let token = token.split(['?', '#']).next().unwrap_or("");
    if token.is_empty() {
        return Err(QrError::missing(off, "token", "Alipay link without a code"));
    }
    if !token_ok(token) {
        return Err(QrError::invalid(
            off,
            "token",
            "Alipay code must be letters and digits",
        ));
    }
    Ok(WalletLink { url: input, token })
}

/// Parses `weixin://wxpay/bizpayurl?pr=<token>` or `wxp://<token>`.
///
/// # Errors
/// `missing_field`/`invalid_value` for an absent or odd token.
pub fn parse_wechat(input: &str) -> Result<WalletLink<'_>, QrError> {
    if let Some(t) = strip_prefix_ci(input, "wxp://") {
        if t.is_empty() {
            return Err(QrError::missing(
                6,
                "token",
                "WeChat Pay link without a code",
            ));
        }
        if !token_ok(t) {
            return Err(QrError::invalid(
                6,
                "token",
                "WeChat Pay code must be letters and digits",
            ));
        }
        return Ok(WalletLink {
            url: input,
            token: t,
        });
    }
    let rest = strip_prefix_ci(input, "weixin://").unwrap_or("");
    let (path, query) = split_query(rest, 9);
    if !path.eq_ignore_ascii_case("wxpay/bizpayurl") {
        return Err(QrError::invalid(
            9,
            "path",
            "only weixin://wxpay/bizpayurl links are payments",
        ));
    }
    let Some((q, qoff)) = query else {
        return Err(QrError::missing(
            input.len(),
            "pr",
            "WeChat Pay link without pr",
        ));
    };
    let params = parse_query(q, qoff, &[])?;
    let Some(pr) = params.iter().find(|p| p.key == "pr") else {
        return Err(QrError::missing(
            input.len(),
            "pr",
            "WeChat Pay link without pr",
        ));
    };
    let start = pr.offset + 3;
    let token = input.get(start..start + pr.value.len()).unwrap_or("");
    if !token_ok(token) || token != pr.value {
        return Err(QrError::invalid(
            pr.offset,
            "pr",
            "WeChat Pay code must be letters and digits",
        ));
    }
    Ok(WalletLink { url: input, token })
}

/// Parses a PayPal.me link whose path starts at byte `off`.
///
/// # Errors
/// `missing_field`/`invalid_value` for the user, amount or currency.
pub fn parse_paypal(input: &str, off: usize) -> Result<PaypalMe<'_>, QrError> {
    let path = input.get(off..).unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut parts = path.split('/');
    let user = parts.next().unwrap_or("");
    if user.is_empty() {
        return Err(QrError::missing(
            off,
            "user",
            "PayPal.me link without a user",
        ));
    }
    if user.len() > 20 || !user.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(QrError::invalid(
            off,
            "user",
            "PayPal.me user must be up to 20 letters and digits",
        ));
    }
    let (mut amount, mut currency) = (None, None);
    if let Some(a) = parts.next().filter(|a| !a.is_empty()) {
        let aoff = off + user.len() + 1;
        let split = a.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(a.len());
        let (num, cur) = a.split_at(split);
        if !is_decimal(num, 2) {
            return Err(QrError::invalid(
                aoff,
                "amount",
                "amount must be a decimal with at most 2 decimals",
            ));
        }
        if !cur.is_empty() && (cur.len() != 3 || !cur.bytes().all(|b| b.is_ascii_uppercase())) {
            return Err(QrError::invalid(
                aoff + split,
                "currency",
                "currency must be 3 upper-case letters",
            ));
        }
        amount = Some(num);
        currency = (!cur.is_empty()).then_some(cur);
    }
    if parts.next().is_some_and(|p| !p.is_empty()) {
        return Err(QrError::invalid(
            off,
            "path",
            "unexpected path after the amount",
        ));
    }
    Ok(PaypalMe {
        url: input,
        user,
        amount,
        currency,
    })
}
