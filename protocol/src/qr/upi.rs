//! UPI deep links: `upi://pay?pa=VPA&pn=NAME&am=AMOUNT&cu=INR&…` (NPCI
//! "UPI Linking Specification"). `pa` is mandatory; `am` is a positive
//! decimal with at most 2 decimals; `cu`, when given, must be `INR`; `mc`
//! is a 4-digit MCC. Other parameters are kept as they are.

use std::borrow::Cow;

use super::error::QrError;
use super::uri::{Param, is_decimal, parse_query, split_query, strip_prefix_ci};

/// A validated UPI payment link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpiPayload<'a> {
    /// `pa`: the payee's virtual payment address (`name@handle`).
    pub vpa: Cow<'a, str>,
    /// `pn`: payee name.
    pub payee_name: Option<Cow<'a, str>>,
    /// `am`: amount in rupees as written.
    pub amount: Option<Cow<'a, str>>,
    /// `cu`: currency (always `INR` when present).
    pub currency: Option<Cow<'a, str>>,
    /// `tn`: transaction note.
    pub note: Option<Cow<'a, str>>,
    /// `tr`: transaction reference.
    pub reference: Option<Cow<'a, str>>,
    /// `mc`: merchant category code.
    pub mcc: Option<Cow<'a, str>>,
    /// Every parameter, in order.
    pub params: Vec<Param<'a>>,
}

fn is_vpa(s: &str) -> bool {
    match s.split_once('@') {
        Some((user, handle)) => {
            !user.is_empty()
                && !handle.is_empty()
                && user
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
                && handle
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'.')
        }
        None => false,
    }
}

/// Parses `upi://pay?…`.
///
/// # Errors
/// [`QrError`] for a wrong host, a missing or bad `pa`, or bad parameters.
pub fn parse_upi(input: &str) -> Result<UpiPayload<'_>, QrError> {
    let Some(rest) = strip_prefix_ci(input, "upi://") else {
        return Err(QrError::unsupported("not a upi:// link"));
    };
    let (path, query) = split_query(rest, 6);
    if !path.eq_ignore_ascii_case("pay") && !path.eq_ignore_ascii_case("pay/") {
        return Err(QrError::invalid(
            6,
            "path",
            "only upi://pay links are payment requests",
        ));
    }
    let params = match query {
        Some((q, off)) => parse_query(q, off, &[])?,
        None => Vec::new(),
    };
    let get = |k: &str| params.iter().find(|p| p.key == k);
    let Some(pa) = get("pa") else {
        return Err(QrError::missing(
            input.len(),
            "pa",
            "payee address (pa) is mandatory",
        ));
    };
    if !is_vpa(&pa.value) {
        return Err(QrError::invalid(
            pa.offset,
            "pa",
            "payee address must look like name@handle",
        ));
    }
    if let Some(am) = get("am")
        && (!is_decimal(&am.value, 2) || am.value.bytes().all(|b| b == b'0' || b == b'.'))
    {
        return Err(QrError::invalid(
            am.offset,
            "am",
            "amount must be a positive decimal with at most 2 decimals",
        ));
    }
    if let Some(cu) = get("cu")
        && cu.value != "INR"
    {
        return Err(QrError::invalid(
            cu.offset,
            "cu",
            "UPI currency must be INR",
        ));
    }
    if let Some(mc) = get("mc")
        && (mc.value.len() != 4 || !mc.value.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(QrError::invalid(
            mc.offset,
            "mc",
            "merchant category code must be 4 digits",
        ));
    }
    let val = |k: &str| get(k).map(|p| p.value.clone());
    Ok(UpiPayload {
        vpa: pa.value.clone(),
        payee_name: val("pn"),
        amount: val("am"),
        currency: val("cu"),
        note: val("tn"),
        reference: val("tr"),
        mcc: val("mc"),
        params: params.clone(),
    })
}
