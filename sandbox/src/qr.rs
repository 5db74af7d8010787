//! Scan-to-pay on the server, over `imwallet_protocol::qr` (the one
//! implementation of parsing, building and CRC): issuing merchant codes,
//! turning a scanned payload into a payee, and mapping QR errors to
//! problems.
//!
//! Merchant codes are the wallet's receive codes with receiver kind `M`
//! (`build_receive_code` with `Receiver::Merchant`). Every issued code is
//! recorded by the SHA-256 of its text, so a payment by payload accepts only
//! merchant codes this server issued (an altered or home-made code with a
//! valid CRC is `payload_not_issued`), and a dynamic code is paid once.
//! Users' receive codes are built by the client; paying one is a transfer
//! to that user, and a user's dynamic code is paid once too
//! (`paid_user_codes`). Anything else that parses is somebody else's code
//! (`payload_foreign`); anything that does not parse is `payload_malformed`
//! with the parser's kind, offset and field.

use crate::problem::{ErrorCode, Problem};
use crate::secrets::sha256_hex;
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{self, Initiation, PaymentPayload, QrError, ReceiveCodeSpec, Receiver};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// What goes into a merchant code.
#[derive(Debug, Clone)]
pub struct MerchantCodeSpec<'a> {
    /// Merchant id.
    pub merchant_id: &'a str,
    /// Display name (≤ 25 characters).
    pub name: &'a str,
    /// City (≤ 15 characters).
    pub city: &'a str,
    /// ISO 3166 alpha-2.
    pub country: &'a str,
    /// Merchant category code, 4 digits.
    pub mcc: &'a str,
    /// The merchant's currency.
    pub currency: Currency,
    /// Fixed amount: makes the code dynamic (paid once).
    pub amount: Option<Money>,
    /// Order reference (`62.05`, ≤ 25 characters).
    pub reference: Option<&'a str>,
}

/// The problem for a payload the parser refused: `payload_malformed` with
/// the error's kind, offset and field in the detail and as `qr_error`.
pub fn malformed(err: &QrError) -> Problem {
    Problem::new(ErrorCode::PayloadMalformed, err.to_string()).with(
        "qr_error",
        json!({"kind": err.kind.as_str(), "offset": err.offset, "tag": err.tag}),
    )
}

/// Builds a merchant code and records it as issued (idempotent: the same
/// code issued twice is one row).
///
/// # Errors
/// `invalid_value` when the builder refuses a field (e.g. a reference that
/// is too long), naming the field.
pub fn issue_merchant_code(
    conn: &Connection,
    spec: &MerchantCodeSpec<'_>,
    now: i64,
) -> Result<String, Problem> {
    let payload = qr::build_receive_code(&ReceiveCodeSpec {
        initiation: if spec.amount.is_some() {
            Initiation::Dynamic
        } else {
            Initiation::Static
        },
        receiver: Receiver::Merchant(spec.merchant_id),
        currency: spec.currency,
        amount: spec.amount,
        reference: spec.reference,
        name: spec.name,
        city: spec.city,
        country: spec.country,
        mcc: spec.mcc,
    })
    .map_err(|e| {
        Problem::new(
            ErrorCode::InvalidValue,
            format!("field {}: {}", e.tag.as_deref().unwrap_or("?"), e.message),
        )
    })?;
    conn.prepare_cached(
        "INSERT OR IGNORE INTO merchant_codes (payload_hash, merchant_id, dynamic, reference, issued_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        sha256_hex(payload.as_bytes()),
        spec.merchant_id,
        spec.amount.is_some(),
        spec.reference,
        now
    ])?;
    Ok(payload)
}

/// Who a scanned wallet code pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payee {
    /// A merchant (code kind `M`).
    Merchant(String),
    /// A wallet user (code kind `U`).
    User(String),
}

/// A scanned wallet receive code, validated but not yet checked against
/// the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedCode {
    /// Who receives.
    pub payee: Payee,
    /// The code's currency.
    pub currency: Currency,
    /// The fixed amount of a dynamic code.
    pub amount: Option<Money>,
    /// Dynamic (`12`) rather than static (`11`).
    pub dynamic: bool,
    /// `62.05`, if any.
    pub reference: Option<String>,
    /// SHA-256 of the payload text (the issued-code key).
    pub hash: String,
}

impl ScannedCode {
    /// The amount to move: the code's own amount when it has one (a
    /// different `requested` amount is `amount_mismatch`), else the
    /// requested one in the code's currency.
    ///
    /// # Errors
    /// `amount_mismatch`, `currency_mismatch`, or `missing_field` when
    /// neither gives an amount.
    pub fn amount_to_pay(&self, requested: Option<Money>) -> Result<Money, Problem> {
        let amount = match (self.amount, requested) {
            (Some(fixed), Some(asked)) if fixed != asked => {
                return Err(Problem::new(
                    ErrorCode::AmountMismatch,
                    format!(
                        "the code is for {} {}; the request says {} {}",
                        fixed.to_decimal_string(),
                        fixed.currency,
                        asked.to_decimal_string(),
                        asked.currency
                    ),
                ));
            }
            (Some(fixed), _) => fixed,
            (None, Some(asked)) => asked,
            (None, None) => {
                return Err(Problem::new(
                    ErrorCode::MissingField,
                    "missing field `amount` (the code is static)",
                ));
            }
        };
        if amount.currency != self.currency {
            return Err(Problem::new(
                ErrorCode::CurrencyMismatch,
                format!("the code is in {}", self.currency),
            ));
        }
        Ok(amount)
    }
}

/// Parses a scanned payload and keeps it only if it is one of the wallet's
/// receive codes.
///
/// # Errors
/// `payload_malformed` (with the parser's kind/offset/tag),
/// `payload_foreign` (a valid code of another scheme; `format` and `scheme`
/// members), `invalid_payload` (a consumer-presented code, which a merchant
/// charges), `unsupported_currency`.
pub fn scan(payload: &str) -> Result<ScannedCode, Problem> {
    let code = match qr::parse(payload).map_err(|e| malformed(&e))? {
        PaymentPayload::ImwalletReceive(code) => code,
        PaymentPayload::ImwalletPaycode(_) | PaymentPayload::EmvCpm(_) => {
            return Err(Problem::new(
                ErrorCode::InvalidPayload,
                "a consumer-presented payment code: the merchant charges it",
            ));
        }
        other => {
            let scheme = match &other {
                PaymentPayload::EmvMpm(m) => m.scheme.map(|s| s.as_str()),
                _ => None,
            };
            let format = other.format().as_str();
            return Err(Problem::new(
                ErrorCode::PayloadForeign,
                format!(
                    "a valid {} code of another payment service, not this wallet's",
                    scheme.unwrap_or(format)
                ),
            )
            .with("format", format)
            .with("scheme", scheme));
        }
    };
    let currency = code.currency().ok_or_else(|| {
        Problem::new(
            ErrorCode::UnsupportedCurrency,
            format!(
                "the code's currency {} is not supported",
                code.mpm.currency_numeric
            ),
        )
    })?;
    let amount = code.amount().map_err(|e| malformed(&e))?;
    let payee = match code.receiver {
        Receiver::Merchant(id) => Payee::Merchant(id.to_owned()),
        Receiver::User(id) => Payee::User(id.to_owned()),
    };
    Ok(ScannedCode {
        payee,
        currency,
        amount,
        dynamic: code.mpm.initiation == Some(Initiation::Dynamic),
        reference: code.reference.map(str::to_owned),
        hash: sha256_hex(payload.as_bytes()),
    })
}

/// Checks that this server issued the merchant code and, for a dynamic
/// code, that it is not paid yet.
///
/// # Errors
/// `payload_not_issued`, `payload_already_paid`.
pub fn check_issued(
    conn: &Connection,
    code: &ScannedCode,
    merchant_id: &str,
) -> Result<(), Problem> {
    let row: Option<(String, Option<String>)> = conn
        .prepare_cached("SELECT merchant_id, paid_by FROM merchant_codes WHERE payload_hash = ?1")?
        .query_row([&code.hash], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((m, _)) if m != merchant_id => Err(Problem::of(ErrorCode::PayloadNotIssued)),
        Some((_, Some(txn))) if code.dynamic => Err(Problem::new(
            ErrorCode::PayloadAlreadyPaid,
            format!("this dynamic code was paid by {txn}"),
        )),
        Some(_) => Ok(()),
        None => Err(Problem::of(ErrorCode::PayloadNotIssued)),
    }
}

/// Marks a dynamic merchant code as paid by `txn_id` (static codes stay
/// payable).
pub fn mark_paid(conn: &Connection, code: &ScannedCode, txn_id: &str) -> Result<(), Problem> {
    if code.dynamic {
        conn.prepare_cached("UPDATE merchant_codes SET paid_by = ?2 WHERE payload_hash = ?1")?
            .execute([&code.hash, txn_id])?;
    }
    Ok(())
}

/// Checks that a user's dynamic (fixed-amount) receive code is not paid yet;
/// static user codes stay payable. Users' codes are built on the phone, so
/// the server learns of one when it is first paid.
///
/// # Errors
/// `payload_already_paid`.
pub fn check_user_code_unpaid(conn: &Connection, code: &ScannedCode) -> Result<(), Problem> {
    if !code.dynamic {
        return Ok(());
    }
    let paid: Option<String> = conn
        .prepare_cached("SELECT paid_by FROM paid_user_codes WHERE payload_hash = ?1")?
        .query_row([&code.hash], |r| r.get(0))
        .optional()?;
    match paid {
        Some(txn) => Err(Problem::new(
            ErrorCode::PayloadAlreadyPaid,
            format!("this fixed-amount receive code was paid by {txn}"),
        )),
        None => Ok(()),
    }
}

/// Records a user's dynamic receive code as paid by `txn_id`.
pub fn mark_user_code_paid(
    conn: &Connection,
    code: &ScannedCode,
    user_id: &str,
    txn_id: &str,
) -> Result<(), Problem> {
    if code.dynamic {
        conn.prepare_cached(
            "INSERT INTO paid_user_codes (payload_hash, user_id, paid_by) VALUES (?1, ?2, ?3)",
        )?
        .execute([&code.hash, user_id, txn_id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(amount: Option<Money>) -> MerchantCodeSpec<'static> {
        MerchantCodeSpec {
            merchant_id: "mer_1",
            name: "咖啡店 Coffee",
            city: "Shanghai",
            country: "CN",
            mcc: "5814",
            currency: Currency::Cny,
            amount,
            reference: Some("order-7"),
        }
    }

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(include_str!("../migrations/0004_qr_codes.sql"))
            .unwrap();
        c
    }

    #[test]
    fn an_issued_dynamic_code_scans_back_and_is_paid_once() {
        let c = db();
        let amount = Money::new(1234, Currency::Cny);
        let payload = issue_merchant_code(&c, &spec(Some(amount)), 1).unwrap();
        assert!(payload.starts_with("000201010212"));
        let code = scan(&payload).unwrap();
        assert_eq!(code.payee, Payee::Merchant("mer_1".into()));
        assert_eq!((code.amount, code.dynamic), (Some(amount), true));
        assert_eq!(code.reference.as_deref(), Some("order-7"));
        check_issued(&c, &code, "mer_1").unwrap();
        mark_paid(&c, &code, "txn_1").unwrap();
        let again = check_issued(&c, &code, "mer_1").unwrap_err();
        assert_eq!(again.code, ErrorCode::PayloadAlreadyPaid);
    }

    #[test]
    fn a_static_code_stays_payable_and_a_home_made_one_is_not_issued() {
        let c = db();
        let payload = issue_merchant_code(&c, &spec(None), 1).unwrap();
        let code = scan(&payload).unwrap();
        mark_paid(&c, &code, "txn_1").unwrap();
        check_issued(&c, &code, "mer_1").unwrap();
        let home_made = qr::build_receive_code(&ReceiveCodeSpec {
            initiation: Initiation::Static,
            receiver: Receiver::Merchant("mer_1"),
            currency: Currency::Cny,
            amount: None,
            reference: None,
            name: "Evil",
            city: "Shanghai",
            country: "CN",
            mcc: "5814",
        })
        .unwrap();
        let err = check_issued(&c, &scan(&home_made).unwrap(), "mer_1").unwrap_err();
        assert_eq!(err.code, ErrorCode::PayloadNotIssued);
    }

    #[test]
    fn malformed_and_foreign_payloads_get_their_own_codes() {
        let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";
        let foreign = scan(pix).unwrap_err();
        assert_eq!(foreign.code, ErrorCode::PayloadForeign);
        assert_eq!(foreign.extra["scheme"], "pix");
        let bad = scan(&pix.replace("Fulano", "Fulana")).unwrap_err();
        assert_eq!(bad.code, ErrorCode::PayloadMalformed);
        assert_eq!(bad.extra["qr_error"]["kind"], "crc_mismatch");
        assert_eq!(bad.extra["qr_error"]["offset"], 129);
        assert!(bad.detail.contains("crc_mismatch at byte 129"));
    }

    #[test]
    fn a_request_amount_must_agree_with_a_dynamic_code() {
        let c = db();
        let fixed = Money::new(500, Currency::Cny);
        let code = scan(&issue_merchant_code(&c, &spec(Some(fixed)), 1).unwrap()).unwrap();
        assert_eq!(code.amount_to_pay(None).unwrap(), fixed);
        assert_eq!(code.amount_to_pay(Some(fixed)).unwrap(), fixed);
        let other = code
            .amount_to_pay(Some(Money::new(501, Currency::Cny)))
            .unwrap_err();
        assert_eq!(other.code, ErrorCode::AmountMismatch);
        let stat = scan(&issue_merchant_code(&c, &spec(None), 1).unwrap()).unwrap();
        assert_eq!(
            stat.amount_to_pay(None).unwrap_err().code,
            ErrorCode::MissingField
        );
        assert_eq!(
            stat.amount_to_pay(Some(Money::new(1, Currency::Usd)))
                .unwrap_err()
                .code,
            ErrorCode::CurrencyMismatch
        );
    }
}
