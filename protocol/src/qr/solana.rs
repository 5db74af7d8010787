//! Solana Pay URLs (spec: docs.solanapay.com/spec).
//!
//! * Transfer request: `solana:<recipient>?amount=&spl-token=&reference=
//!   &label=&message=&memo=`; the recipient, `spl-token` and every
//!   `reference` (repeatable) are base58 32-byte public keys; `amount` is a
//!   non-negative decimal (at most 9 decimals for SOL).
//! * Transaction request: `solana:<https link>`, the link URL-encoded when
//!   it has a query of its own.

use std::borrow::Cow;

use super::base58;
use super::error::QrError;
use super::uri::{is_decimal, parse_query, percent_decode, split_query, strip_prefix_ci};

/// A transfer request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SolanaTransfer<'a> {
    /// Recipient public key (base58).
    pub recipient: &'a str,
    /// Amount in SOL or token units, as written.
    pub amount: Option<Cow<'a, str>>,
    /// SPL token mint.
    pub spl_token: Option<Cow<'a, str>>,
    /// Reference keys.
    pub references: Vec<Cow<'a, str>>,
    /// `label`.
    pub label: Option<Cow<'a, str>>,
    /// `message`.
    pub message: Option<Cow<'a, str>>,
    /// `memo`.
    pub memo: Option<Cow<'a, str>>,
}

/// A validated Solana Pay URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolanaPayPayload<'a> {
    /// Non-interactive transfer.
    Transfer(SolanaTransfer<'a>),
    /// Interactive transaction request: the wallet fetches this HTTPS link.
    TransactionRequest {
        /// The decoded HTTPS link.
        link: Cow<'a, str>,
    },
}

fn is_pubkey(s: &str) -> bool {
    base58::decode(s).is_some_and(|b| b.len() == 32)
}

/// Parses a `solana:` URL.
///
/// # Errors
/// [`QrError`] for a bad key, amount or link.
pub fn parse_solana(input: &str) -> Result<SolanaPayPayload<'_>, QrError> {
    let start = 7;
    let rest = input.get(start..).unwrap_or("");
    if strip_prefix_ci(rest, "https:").is_some() || strip_prefix_ci(rest, "https%3A").is_some() {
        let link = percent_decode(rest, start, "link")?;
        let host_ok = link
            .get(8..)
            .is_some_and(|h| h.split(['/', '?']).next().is_some_and(|h| !h.is_empty()));
        if !link.starts_with("https://") || !host_ok {
            return Err(QrError::invalid(
                start,
                "link",
                "transaction request link must be an https:// URL",
            ));
        }
        return Ok(SolanaPayPayload::TransactionRequest { link });
    }
    if strip_prefix_ci(rest, "http:").is_some() || strip_prefix_ci(rest, "http%3A").is_some() {
        return Err(QrError::invalid(
            start,
            "link",
            "transaction request link must use https",
        ));
    }
    let (recipient, query) = split_query(rest, start);
    if recipient.is_empty() {
        return Err(QrError::missing(
            start,
            "recipient",
            "the recipient is missing",
        ));
    }
    if !is_pubkey(recipient) {
        return Err(QrError::invalid(
            start,
            "recipient",
            "recipient must be a base58 32-byte public key",
        ));
    }
    let params = match query {
        Some((q, off)) => parse_query(q, off, &["reference"])?,
        None => Vec::new(),
    };
    let get = |k: &str| params.iter().find(|p| p.key == k);
    let spl_token = get("spl-token");
    if let Some(t) = spl_token
        && !is_pubkey(&t.value)
    {
        return Err(QrError::invalid(
            t.offset,
            "spl-token",
            "token mint must be a base58 32-byte public key",
        ));
    }
    if let Some(a) = get("amount") {
        let max = if spl_token.is_some() { 18 } else { 9 };
        if !is_decimal(&a.value, max) {
            return Err(QrError::invalid(
                a.offset,
                "amount",
                "amount must be a non-negative decimal (at most 9 decimals for SOL)",
            ));
        }
    }
    let mut references = Vec::new();
    for r in params.iter().filter(|p| p.key == "reference") {
        if !is_pubkey(&r.value) {
            return Err(QrError::invalid(
                r.offset,
                "reference",
                "reference must be a base58 32-byte public key",
            ));
        }
        references.push(r.value.clone());
    }
    let val = |k: &str| get(k).map(|p| p.value.clone());
    Ok(SolanaPayPayload::Transfer(SolanaTransfer {
        recipient,
        amount: val("amount"),
        spl_token: val("spl-token"),
        references,
        label: val("label"),
        message: val("message"),
        memo: val("memo"),
    }))
}
