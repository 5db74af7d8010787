//! BIP21 `bitcoin:` URIs: `bitcoin:<address>?amount=&label=&message=`.
//! The address must verify (Base58Check for legacy P2PKH/P2SH, bech32 or
//! bech32m for SegWit); `amount` is decimal BTC with at most 8 decimals;
//! an unknown `req-` parameter makes the URI invalid (BIP21 rule); other
//! unknown parameters are kept. An empty address is allowed only with a
//! `lightning=` parameter (BIP321 style).

use std::borrow::Cow;

use super::base58;
use super::bech32;
use super::error::QrError;
use super::uri::{Param, is_decimal, parse_query, percent_decode, split_query};

/// A validated BIP21 URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bip21Payload<'a> {
    /// The Bitcoin address (empty only with a `lightning` parameter).
    pub address: Cow<'a, str>,
    /// `amount` in BTC as written.
    pub amount: Option<Cow<'a, str>>,
    /// `label`.
    pub label: Option<Cow<'a, str>>,
    /// `message`.
    pub message: Option<Cow<'a, str>>,
    /// `lightning`: a BOLT11 invoice offered as an alternative.
    pub lightning: Option<Cow<'a, str>>,
    /// Every parameter, in order.
    pub params: Vec<Param<'a>>,
}

const KNOWN: [&str; 4] = ["amount", "label", "message", "lightning"];

/// Checks a Bitcoin address (mainnet, testnet, signet or regtest).
///
/// # Errors
/// `crc_mismatch` when the checksum fails, `invalid_value` otherwise.
pub fn check_bitcoin_address(addr: &str, offset: usize, tag: &str) -> Result<(), QrError> {
    let lower = addr.to_ascii_lowercase();
    if lower.starts_with("bc1") || lower.starts_with("tb1") || lower.starts_with("bcrt1") {
        let d = match bech32::decode(addr) {
            Ok(d) => d,
            Err(bech32::Bech32Error::BadChecksum) => {
                return Err(QrError::checksum(
                    offset,
                    tag,
                    "address checksum does not verify",
                ));
            }
            Err(bech32::Bech32Error::Malformed(_)) => {
                return Err(QrError::invalid(offset, tag, "address is not valid bech32"));
            }
        };
        let Some((&version, program)) = d.data.split_first() else {
            return Err(QrError::invalid(
                offset,
                tag,
                "address has no witness program",
            ));
        };
        let bytes = bech32::words_to_bytes(program);
        let variant_ok = match version {
            0 => d.variant == bech32::Variant::Bech32 && matches!(bytes.len(), 20 | 32),
            1..=16 => d.variant == bech32::Variant::Bech32m && (2..=40).contains(&bytes.len()),
            _ => false,
        };
        if !variant_ok {
            return Err(QrError::invalid(
                offset,
                tag,
                "witness version, checksum variant or program length is wrong",
            ));
        }
        return Ok(());
    }
    match base58::check(addr) {
        base58::Check::Ok(p) if p.len() == 21 && matches!(p[0], 0x00 | 0x05 | 0x6f | 0xc4) => {
            Ok(())
        }
        base58::Check::Ok(_) | base58::Check::NotBase58 => {
            Err(QrError::invalid(offset, tag, "not a Bitcoin address"))
        }
        base58::Check::BadChecksum => Err(QrError::checksum(
            offset,
            tag,
            "address checksum does not verify",
        )),
    }
}

/// Parses a `bitcoin:` URI.
///
/// # Errors
/// [`QrError`] for a bad address, amount or a required parameter we do
/// not understand.
pub fn parse_bip21(input: &str) -> Result<Bip21Payload<'_>, QrError> {
    let rest = input.get(8..).unwrap_or("");
    let (addr_raw, query) = split_query(rest, 8);
    let address = percent_decode(addr_raw, 8, "address")?;
    let params = match query {
        Some((q, off)) => parse_query(q, off, &[])?,
        None => Vec::new(),
    };
    for p in &params {
        if p.key.starts_with("req-") && !KNOWN.contains(&&p.key[4..]) {
            return Err(QrError::invalid(
                p.offset,
                p.key,
                "required parameter not understood (BIP21: the URI is invalid)",
            ));
        }
    }
    let get = |k: &str| {
        params
            .iter()
            .find(|p| p.key == k || p.key.strip_prefix("req-") == Some(k))
    };
    let lightning = get("lightning").map(|p| p.value.clone());
    if address.is_empty() {
        if lightning.is_none() {
            return Err(QrError::missing(
                8,
                "address",
                "the Bitcoin address is missing",
            ));
        }
    } else {
        check_bitcoin_address(&address, 8, "address")?;
    }
    if let Some(a) = get("amount")
        && !is_decimal(&a.value, 8)
    {
        return Err(QrError::invalid(
            a.offset,
            "amount",
            "amount must be decimal BTC with at most 8 decimals",
        ));
    }
    Ok(Bip21Payload {
        address,
        amount: get("amount").map(|p| p.value.clone()),
        label: get("label").map(|p| p.value.clone()),
        message: get("message").map(|p| p.value.clone()),
        lightning,
        params: params.clone(),
    })
}
