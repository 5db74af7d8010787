//! RFC 9457 `application/problem+json` errors with a stable machine-readable
//! `code`. Every error the API can return is an [`ErrorCode`]; the list is
//! mirrored by the `ErrorCode` enum of `api/openapi.yaml` (a test checks it).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

macro_rules! error_codes {
    ($($variant:ident = ($status:literal, $code:literal, $title:literal)),* $(,)?) => {
        /// A stable, documented error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $(#[doc = $title] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order of the spec's enum.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The wire spelling (snake_case).
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status this code is served with.
            pub fn status(self) -> StatusCode {
                let n: u16 = match self { $(ErrorCode::$variant => $status,)* };
                StatusCode::from_u16(n).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }

            /// A short human-readable summary.
            pub fn title(self) -> &'static str {
                match self { $(ErrorCode::$variant => $title,)* }
            }
        }
    };
}

error_codes! {
    MalformedJson = (400, "malformed_json", "The body is not well-formed JSON"),
    UnknownField = (400, "unknown_field", "The body has a field the API does not define"),
    MissingField = (400, "missing_field", "A required field is missing"),
    WrongType = (400, "wrong_type", "A field has the wrong JSON type"),
    InvalidValue = (422, "invalid_value", "A field has a value outside its allowed set"),
    InvalidText = (422, "invalid_text", "A text field holds a control or bidirectional formatting character"),
    InvalidQuery = (400, "invalid_query", "A query parameter is invalid"),
    InvalidCursor = (400, "invalid_cursor", "The paging cursor is invalid"),
    UnsupportedMediaType = (415, "unsupported_media_type", "The body must be application/json"),
    PayloadTooLarge = (413, "payload_too_large", "The body exceeds the size limit"),
    RouteNotFound = (404, "route_not_found", "No such endpoint"),
    MethodNotAllowed = (405, "method_not_allowed", "The endpoint does not support this method"),
    InvalidAmount = (422, "invalid_amount", "The amount is not a valid decimal string"),
    TooManyDecimals = (422, "too_many_decimals", "The amount has more decimals than the currency allows"),
    UnsupportedCurrency = (422, "unsupported_currency", "The currency is not supported"),
    AmountOverflow = (422, "amount_overflow", "The amount is too large"),
    NonPositiveAmount = (422, "non_positive_amount", "The amount must be greater than zero"),
    CurrencyMismatch = (422, "currency_mismatch", "The currencies do not match"),
    FeeExceedsAmount = (422, "fee_exceeds_amount", "The fee would exceed the amount"),
    TopUpLimitExceeded = (422, "top_up_limit_exceeded", "The top-up exceeds the per-operation or per-day limit"),
    MissingApiKey = (401, "missing_api_key", "The X-Api-Key header is missing"),
    InvalidApiKey = (401, "invalid_api_key", "The API key is not valid"),
    Unauthorized = (401, "unauthorized", "A bearer access token is required"),
    InvalidToken = (401, "invalid_token", "The access token is invalid, expired or revoked"),
    InvalidRefreshToken = (401, "invalid_refresh_token", "The refresh token is invalid or expired"),
    RefreshTokenReused = (401, "refresh_token_reused", "A used refresh token was presented; the session family is revoked"),
    WrongPassword = (401, "wrong_password", "The identifier or password is wrong"),
    LockedOut = (429, "locked_out", "Too many wrong passwords; try again later"),
    LoginTicketInvalid = (401, "login_ticket_invalid", "The login ticket is invalid, used or expired"),
    WeakPassword = (422, "weak_password", "The password is too short"),
    AlreadyRegistered = (409, "already_registered", "An account with this phone or e-mail exists"),
    UserNotFound = (404, "user_not_found", "No such user"),
    InvalidDestination = (422, "invalid_destination", "The phone number or e-mail address is invalid"),
    CodeInvalid = (422, "code_invalid", "The verification code is wrong"),
    CodeExpired = (422, "code_expired", "The verification code has expired"),
    CodeAlreadyUsed = (422, "code_already_used", "The verification code was already used"),
    CodeAttemptsExceeded = (422, "code_attempts_exceeded", "Too many wrong tries; the code is void"),
    ResendTooSoon = (429, "resend_too_soon", "A code was sent moments ago; wait before asking again"),
    DailyCodeLimit = (429, "daily_code_limit", "Daily verification-code limit reached for this destination"),
    TooManyCodeRequests = (429, "too_many_code_requests", "Too many verification-code requests from this API key; wait before asking again"),
    RateLimited = (429, "rate_limited", "Too many requests; retry after Retry-After seconds"),
    AccountFrozen = (403, "account_frozen", "The account is frozen; it can only read and unfreeze"),
    RiskVelocityExceeded = (403, "risk_velocity_exceeded", "Too many transactions in a short time; the account is frozen"),
    AccountNotFrozen = (409, "account_not_frozen", "The account is not frozen"),
    InvalidCardNumber = (422, "invalid_card_number", "The card number fails the Luhn check"),
    CardExpired = (422, "card_expired", "The card has expired"),
    CardAlreadyBound = (409, "card_already_bound", "This card is already bound"),
    CardNotFound = (404, "card_not_found", "No such card"),
    CardNotVerified = (409, "card_not_verified", "The card has not been verified yet"),
    CardDeclined = (402, "card_declined", "The card issuer declined the charge"),
    CardInsufficientFunds = (402, "card_insufficient_funds", "The card has insufficient funds"),
    CardVerificationRequired = (402, "card_verification_required", "The card issuer asks for a second verification: send a bind_card code as code"),
    InsufficientFunds = (422, "insufficient_funds", "The wallet balance is too low"),
    RecipientNotFound = (404, "recipient_not_found", "No user matches the recipient"),
    InvalidRecipient = (422, "invalid_recipient", "The recipient must be exactly one other user"),
    MerchantNotFound = (404, "merchant_not_found", "No such merchant"),
    InvalidPayee = (422, "invalid_payee", "Give exactly one of merchant_id, payload and order_token"),
    InvalidPayload = (422, "invalid_payload", "The scanned payload is not a payable code"),
    PayloadMalformed = (422, "payload_malformed", "The scanned payload does not parse; see qr_error for kind, offset and field"),
    PayloadForeign = (422, "payload_foreign", "The scanned payload is a valid code of another payment service"),
    PayloadNotIssued = (422, "payload_not_issued", "The merchant code was not issued by this wallet (altered or home-made)"),
    PayloadAlreadyPaid = (409, "payload_already_paid", "The dynamic merchant code was already paid"),
    AmountMismatch = (422, "amount_mismatch", "The amount differs from the amount in the code"),
    OrderNotFound = (404, "order_not_found", "No such order of this merchant"),
    OutTradeNoTaken = (409, "out_trade_no_taken", "The merchant already has a different order with this out_trade_no"),
    OrderAlreadyPaid = (409, "order_already_paid", "The order was already paid"),
    OrderClosed = (409, "order_closed", "The order was closed by the merchant"),
    OrderExpired = (409, "order_expired", "The order expired unpaid"),
    OrderAmountMismatch = (422, "order_amount_mismatch", "The amount differs from the order's amount"),
    OrderNotRefundable = (409, "order_not_refundable", "The order has no settled payment to refund"),
    RefundExceedsPaid = (422, "refund_exceeds_paid", "The refund would exceed what is left of the paid amount"),
    WebhookEndpointNotFound = (404, "webhook_endpoint_not_found", "No such webhook endpoint of this app"),
    WebhookDeliveryNotFound = (404, "webhook_delivery_not_found", "No such delivery of this webhook endpoint"),
    PaycodeUnknownDevice = (404, "paycode_unknown_device", "No payment-code device with this id"),
    PaycodeForged = (422, "paycode_forged", "The payment code does not verify with the device's secret"),
    PaycodeExpired = (422, "paycode_expired", "The payment code is older than the drift window"),
    PaycodeNotYetValid = (422, "paycode_not_yet_valid", "The payment code is from the future (device clock ahead)"),
    PaycodeReused = (409, "paycode_reused", "The payment code (or a newer one of the device) was already accepted"),
    CouponNotFound = (404, "coupon_not_found", "No such coupon"),
    CouponExpired = (422, "coupon_expired", "The coupon has expired"),
    CouponAlreadyUsed = (409, "coupon_already_used", "The coupon was already used"),
    CouponMinSpendNotMet = (422, "coupon_min_spend_not_met", "The amount is below the coupon's minimum spend"),
    InsufficientPoints = (422, "insufficient_points", "Not enough points"),
    TransactionNotFound = (404, "transaction_not_found", "No such transaction"),
    OperationNotFound = (404, "operation_not_found", "No money operation of this user has this Idempotency-Key"),
    AlreadyReversed = (409, "already_reversed", "The transaction was already reversed"),
    NotReversible = (409, "not_reversible", "The transaction cannot be reversed in its state"),
    HoldNotFound = (404, "hold_not_found", "No such risk hold"),
    WithdrawalNotPending = (409, "withdrawal_not_pending", "The withdrawal is not pending"),
    FxQuoteNotFound = (404, "fx_quote_not_found", "No such FX quote"),
    FxQuoteExpired = (422, "fx_quote_expired", "The FX quote has expired"),
    FxQuoteUsed = (409, "fx_quote_used", "The FX quote was already used"),
    SameCurrency = (422, "same_currency", "Source and target currency are the same"),
    IdempotencyKeyRequired = (400, "idempotency_key_required", "This request moves money and needs an Idempotency-Key header"),
    InvalidIdempotencyKey = (400, "invalid_idempotency_key", "The Idempotency-Key must be 1 to 255 visible ASCII characters"),
    IdempotencyKeyReused = (422, "idempotency_key_reused", "The Idempotency-Key was used with a different request"),
    IdempotencyInProgress = (409, "idempotency_in_progress", "A request with this Idempotency-Key is still running"),
    SandboxDisabled = (404, "sandbox_disabled", "Sandbox-only endpoints are disabled on this server"),
    InvalidOperatorKey = (401, "invalid_operator_key", "This operator endpoint needs the server's X-Sandbox-Operator-Key"),
    Internal = (500, "internal", "Internal server error"),
}

/// An API error: a code, a human-readable detail and optional extension
/// members (e.g. `attempts_left`, `retry_after_s`).
#[derive(Debug, Clone)]
pub struct Problem {
    /// The stable code.
    pub code: ErrorCode,
    /// Human-readable explanation of this occurrence (never a secret).
    pub detail: String,
    /// Extra members of the problem object.
    pub extra: Map<String, Value>,
    /// Keep the writes made before this error (e.g. a counted wrong code
    /// try, a risk freeze) instead of rolling the transaction back.
    pub keep_writes: bool,
}

impl Problem {
    /// A problem with the given code and detail.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Problem {
        Problem {
            code,
            detail: detail.into(),
            extra: Map::new(),
            keep_writes: false,
        }
    }

    /// A problem whose detail is the code's title.
    pub fn of(code: ErrorCode) -> Problem {
        Problem::new(code, code.title())
    }

    /// Adds an extension member.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Problem {
        self.extra.insert(key.to_owned(), value.into());
        self
    }

    /// Marks the problem so the writes before it are committed.
    pub fn keeping_writes(mut self) -> Problem {
        self.keep_writes = true;
        self
    }

    /// An internal error; the cause is logged, not sent.
    pub fn internal(cause: impl std::fmt::Display) -> Problem {
        tracing::error!(%cause, "internal error");
        Problem::of(ErrorCode::Internal)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.code.status()
    }

    /// The problem object as JSON.
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert(
            "type".into(),
            format!("https://imwallet.invalid/problems/{}", self.code.as_str()).into(),
        );
        body.insert("title".into(), self.code.title().into());
        body.insert("status".into(), self.status().as_u16().into());
        body.insert("detail".into(), self.detail.clone().into());
        body.insert("code".into(), self.code.as_str().into());
        for (k, v) in &self.extra {
            body.insert(k.clone(), v.clone());
        }
        Value::Object(body)
    }
}

impl From<rusqlite::Error> for Problem {
    fn from(err: rusqlite::Error) -> Problem {
        Problem::internal(err)
    }
}

impl From<imwallet_protocol::money::MoneyError> for Problem {
    fn from(err: imwallet_protocol::money::MoneyError) -> Problem {
        use imwallet_protocol::money::MoneyError as E;
        let code = match &err {
            E::UnknownCurrency(_) => ErrorCode::UnsupportedCurrency,
            E::CurrencyMismatch { .. } => ErrorCode::CurrencyMismatch,
            E::Overflow => ErrorCode::AmountOverflow,
            E::TooManyDecimals { .. } => ErrorCode::TooManyDecimals,
            E::InvalidAmount(_) => ErrorCode::InvalidAmount,
            E::NonPositive => ErrorCode::NonPositiveAmount,
            E::FeeExceedsAmount => ErrorCode::FeeExceedsAmount,
            E::InvalidFeeRule => ErrorCode::Internal,
        };
        Problem::new(code, err.to_string())
    }
}

/// Builds a problem+json response from a status and body (used for replays).
pub fn problem_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = problem_response(self.status(), &self.to_json());
        if let Some(secs) = self.extra.get("retry_after_s").and_then(Value::as_i64)
            && let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_code_is_unique_snake_case_and_4xx_except_internal() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {}", code.as_str());
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
            let status = code.status().as_u16();
            if *code == ErrorCode::Internal {
                assert_eq!(status, 500);
            } else {
                assert!((400..500).contains(&status), "{}", code.as_str());
            }
        }
    }

    #[test]
    fn problem_json_carries_code_status_and_extensions() {
        let p = Problem::of(ErrorCode::CodeInvalid).with("attempts_left", 3);
        let json = p.to_json();
        assert_eq!(json["code"], "code_invalid");
        assert_eq!(json["status"], 422);
        assert_eq!(json["attempts_left"], 3);
    }
}
