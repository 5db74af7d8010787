//! [`WalletError`]: the one error type of the facade, with stable,
//! matchable kinds a shell maps to its UI (DESIGN.md section 3).
//!
//! Messages never carry a secret: no password, token, code, card number or
//! memo. The server's problem `detail` is kept only in `Server`, because the
//! wallet API is written never to echo secrets.

use crate::api::{ApiError, NetworkFailure, Problem};
use crate::store::VaultError;
use imwallet_protocol::money::MoneyError;
use imwallet_protocol::qr::QrError;

/// Why a verification code (SMS / e-mail) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeFailure {
    /// Wrong code (or a login ticket that is no longer valid).
    Invalid,
    /// The code expired; request a new one.
    Expired,
    /// The code was already used.
    AlreadyUsed,
    /// Too many wrong tries; request a new code.
    TooManyAttempts,
}

impl std::fmt::Display for CodeFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Invalid => "the code is wrong",
            Self::Expired => "the code has expired",
            Self::AlreadyUsed => "the code was already used",
            Self::TooManyAttempts => "too many wrong tries; request a new code",
        })
    }
}

/// Every way a wallet call can fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalletError {
    /// An argument was rejected (locally or by the server).
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// Which input (`amount`, `password`, `card`, `to`, ...).
        field: String,
        /// The rule it broke (a stable code such as `too_many_decimals`).
        reason: String,
    },
    /// A scanned payload could not be used.
    #[error("invalid payment code ({kind} at {offset}): {message}")]
    InvalidPayload {
        /// `crc_mismatch`, `malformed`, `missing_field`, `invalid_value`,
        /// `duplicate_field`, `unsupported_format`, or `not_payable` for a
        /// valid code this wallet cannot pay.
        kind: String,
        /// Character offset of the problem.
        offset: u32,
        /// The EMV tag path, if any (e.g. `26.01`).
        tag: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// Wrong password; this many tries are left.
    #[error("wrong password ({attempts_left} attempts left)")]
    WrongPassword {
        /// Tries left before a lock-out.
        attempts_left: u32,
    },
    /// Too many wrong passwords: wait before the next try.
    #[error("locked out; retry in {retry_after_s} s")]
    LockedOut {
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// Local password unlock is disabled after too many failures; sign in
    /// with the server again.
    #[error("sign in again to unlock this device")]
    ReloginRequired,
    /// The local vault is locked; unlock it first.
    #[error("the wallet is locked")]
    VaultLocked,
    /// No session: log in first (or the session was revoked).
    #[error("not logged in")]
    NotLoggedIn,
    /// A verification code was refused.
    #[error("verification failed: {reason}")]
    VerificationFailed {
        /// Why.
        reason: CodeFailure,
        /// Tries left with this code, when the server says.
        attempts_left: Option<u32>,
    },
    /// Not enough balance.
    #[error("insufficient funds")]
    InsufficientFunds,
    /// The card was declined.
    #[error("card declined ({reason})")]
    CardDeclined {
        /// `card_declined`, `card_insufficient_funds`, `card_expired` or
        /// `card_not_verified`.
        reason: String,
    },
    /// The account is frozen.
    #[error("account frozen")]
    AccountFrozen {
        /// `self` or `risk`, when known.
        reason: Option<String>,
    },
    /// The server accepted the operation but a risk rule holds it for
    /// review; it completes or is rejected later (see history).
    #[error("held for risk review")]
    RiskHold {
        /// The held transaction.
        transaction_id: String,
    },
    /// Too many operations in a short time: the account was frozen for review.
    #[error("risk limit exceeded; account frozen for review")]
    RiskLimitExceeded,
    /// Something referenced does not exist.
    #[error("{what} not found")]
    NotFound {
        /// What was looked for (`card`, `recipient`, `merchant`, ...).
        what: String,
    },
    /// The request conflicts with the current state (already registered,
    /// card already bound, coupon used, ...).
    #[error("conflict: {code}")]
    Conflict {
        /// The server's stable code.
        code: String,
    },
    /// Slow down.
    #[error("rate limited; retry in {retry_after_s} s")]
    RateLimited {
        /// Seconds to wait.
        retry_after_s: u64,
    },
    /// The server could not be reached; nothing was applied.
    #[error("network unavailable")]
    Network,
    /// A money-moving request may or may not have been applied (timeout,
    /// lost response, server error). It is kept and reconciled with the same
    /// idempotency key on the next call, so it is never applied twice; an
    /// identical request resumes it instead of starting a new one.
    #[error("outcome unknown; it will be reconciled")]
    OutcomeUnknown {
        /// The local operation id (see `pending_operations`).
        operation_id: String,
    },
    /// The request timed out before any money could move (read-only call).
    #[error("request timed out")]
    Timeout,
    /// The server failed (5xx) on a call that moves no money.
    #[error("server unavailable (HTTP {status})")]
    ServerUnavailable {
        /// HTTP status.
        status: u16,
    },
    /// The server refused with a code the facade has no kind for (a newer
    /// server, or a malformed answer): the code is kept, never lost. Its
    /// catalog code is `unknown` (see `docs/errors.md`).
    #[error("server refused: {code}")]
    Unknown {
        /// The server's code (or `http_<status>`, `bad_response`).
        code: String,
        /// The server's explanation.
        message: String,
    },
    /// The wallet is configured wrongly (URL, API key, pins).
    #[error("configuration: {message}")]
    Configuration {
        /// What is wrong.
        message: String,
    },
    /// The local database failed.
    #[error("storage: {message}")]
    Storage {
        /// What failed (never a value).
        message: String,
    },
    /// A local cryptographic check failed (tampering, wrong key).
    #[error("crypto: {message}")]
    Crypto {
        /// What failed.
        message: String,
    },
    /// The call was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// A bug: an invariant did not hold.
    #[error("internal error: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

impl WalletError {
    /// Shorthand for [`WalletError::InvalidInput`].
    pub fn invalid(field: &str, reason: &str) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// Shorthand for [`WalletError::Internal`].
    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::Internal {
            message: message.into(),
        }
    }
}

/// The input a validation code refers to.
fn field_of(code: &str) -> &'static str {
    match code {
        "invalid_amount"
        | "too_many_decimals"
        | "unsupported_currency"
        | "amount_overflow"
        | "non_positive_amount"
        | "currency_mismatch"
        | "fee_exceeds_amount"
        | "same_currency" => "amount",
        "weak_password" => "password",
        "invalid_card_number" => "card",
        "invalid_destination" => "destination",
        "invalid_recipient" => "to",
        "invalid_payee" | "invalid_payload" => "payload",
        "insufficient_points" => "points",
        "coupon_min_spend_not_met" | "coupon_expired" => "coupon",
        _ => "request",
    }
}

fn from_problem(problem: Problem) -> WalletError {
    let code = problem.code.as_str();
    let code_failure = |reason| WalletError::VerificationFailed {
        reason,
        attempts_left: problem.attempts_left,
    };
    match code {
        "wrong_password" => WalletError::WrongPassword {
            attempts_left: problem.attempts_left.unwrap_or(0),
        },
        "locked_out" => WalletError::LockedOut {
            retry_after_s: problem.retry_after_s.unwrap_or(0),
        },
        "code_invalid" | "login_ticket_invalid" => code_failure(CodeFailure::Invalid),
        "code_expired" => code_failure(CodeFailure::Expired),
        "code_already_used" => code_failure(CodeFailure::AlreadyUsed),
        "code_attempts_exceeded" => code_failure(CodeFailure::TooManyAttempts),
        "resend_too_soon" | "daily_code_limit" => WalletError::RateLimited {
            retry_after_s: problem.retry_after_s.unwrap_or(60),
        },
        "insufficient_funds" => WalletError::InsufficientFunds,
        "card_declined" | "card_insufficient_funds" | "card_expired" | "card_not_verified" => {
            WalletError::CardDeclined {
                reason: problem.code,
            }
        }
        "account_frozen" => WalletError::AccountFrozen {
            reason: problem.frozen_reason,
        },
        "risk_velocity_exceeded" => WalletError::RiskLimitExceeded,
        "unauthorized" | "invalid_token" | "invalid_refresh_token" | "refresh_token_reused" => {
            WalletError::NotLoggedIn
        }
        "missing_api_key" | "invalid_api_key" => WalletError::Configuration {
            message: "the API key was refused".into(),
        },
        _ if code.ends_with("_not_found") => WalletError::NotFound {
            what: code.trim_end_matches("_not_found").to_owned(),
        },
        "already_registered"
        | "card_already_bound"
        | "coupon_already_used"
        | "already_reversed"
        | "not_reversible"
        | "withdrawal_not_pending"
        | "fx_quote_used"
        | "fx_quote_expired"
        | "account_not_frozen"
        | "order_already_paid"
        | "order_closed"
        | "order_expired"
        | "idempotency_key_reused" => WalletError::Conflict { code: problem.code },
        _ if problem.status >= 500 => WalletError::ServerUnavailable {
            status: problem.status,
        },
        _ if problem.status == 400 || problem.status == 422 || problem.status == 413 => {
            WalletError::InvalidInput {
                field: field_of(code).to_owned(),
                reason: problem.code,
            }
        }
        _ => WalletError::Unknown {
            message: problem.detail.unwrap_or(problem.title),
            code: problem.code,
        },
    }
}

impl From<ApiError> for WalletError {
    fn from(e: ApiError) -> Self {
        match e {
            ApiError::Problem(problem) => from_problem(*problem),
            ApiError::InvalidConfig(what) => WalletError::Configuration {
                message: what.to_owned(),
            },
            ApiError::InsecureTransport => WalletError::Configuration {
                message: "plain HTTP is only allowed to loopback addresses".into(),
            },
            ApiError::Network(NetworkFailure::Tls) => WalletError::Configuration {
                message: "TLS handshake failed (certificate or pin mismatch)".into(),
            },
            ApiError::Network(_) => WalletError::Network,
            ApiError::Timeout => WalletError::Timeout,
            ApiError::RateLimited { retry_after_s } => WalletError::RateLimited { retry_after_s },
            ApiError::UnexpectedStatus { status } if status >= 500 => {
                WalletError::ServerUnavailable { status }
            }
            ApiError::UnexpectedStatus { status } => WalletError::Unknown {
                code: format!("http_{status}"),
                message: "unexpected HTTP status".into(),
            },
            ApiError::Decode => WalletError::Unknown {
                code: "bad_response".into(),
                message: "the response does not match the API contract".into(),
            },
            ApiError::NotAuthenticated => WalletError::NotLoggedIn,
            ApiError::ResponseTooLarge => WalletError::Unknown {
                code: "response_too_large".into(),
                message: "the response is larger than the client reads".into(),
            },
        }
    }
}

impl From<VaultError> for WalletError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::WrongPassword { attempts_left } => {
                WalletError::WrongPassword { attempts_left }
            }
            VaultError::LockedOut { retry_after_s } => WalletError::LockedOut { retry_after_s },
            VaultError::ReloginRequired => WalletError::ReloginRequired,
            // Still locked, and the shell's action is the same: ask for
            // the password (a platform-key unlock the vault cannot take).
            VaultError::Locked | VaultError::PasswordUnlockRequired => WalletError::VaultLocked,
            VaultError::NoVault => WalletError::NotLoggedIn,
            VaultError::NotFound => WalletError::NotFound {
                what: "record".into(),
            },
            VaultError::Crypto(c) => WalletError::Crypto {
                message: c.to_string(),
            },
            VaultError::InvalidInput(reason) => WalletError::invalid("input", reason),
            other => WalletError::Storage {
                message: other.to_string(),
            },
        }
    }
}

impl From<MoneyError> for WalletError {
    fn from(e: MoneyError) -> Self {
        WalletError::InvalidInput {
            field: "amount".into(),
            reason: e.code().to_owned(),
        }
    }
}

impl From<QrError> for WalletError {
    fn from(e: QrError) -> Self {
        WalletError::InvalidPayload {
            kind: e.kind.as_str().to_owned(),
            offset: u32::try_from(e.offset).unwrap_or(u32::MAX),
            tag: e.tag,
            message: e.message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: u16, code: &str) -> ApiError {
        ApiError::Problem(Box::new(Problem {
            status,
            code: code.into(),
            title: String::new(),
            detail: None,
            attempts_left: Some(2),
            retry_after_s: Some(30),
            frozen_reason: Some("self".into()),
        }))
    }

    #[test]
    fn server_codes_map_to_stable_kinds() {
        assert_eq!(
            WalletError::from(problem(422, "code_expired")),
            WalletError::VerificationFailed {
                reason: CodeFailure::Expired,
                attempts_left: Some(2)
            }
        );
        assert_eq!(
            WalletError::from(problem(401, "wrong_password")),
            WalletError::WrongPassword { attempts_left: 2 }
        );
        assert_eq!(
            WalletError::from(problem(422, "insufficient_funds")),
            WalletError::InsufficientFunds
        );
        assert_eq!(
            WalletError::from(problem(403, "account_frozen")),
            WalletError::AccountFrozen {
                reason: Some("self".into())
            }
        );
        assert_eq!(
            WalletError::from(problem(404, "recipient_not_found")),
            WalletError::NotFound {
                what: "recipient".into()
            }
        );
        assert_eq!(
            WalletError::from(problem(422, "too_many_decimals")),
            WalletError::invalid("amount", "too_many_decimals")
        );
        assert_eq!(
            WalletError::from(problem(500, "internal")),
            WalletError::ServerUnavailable { status: 500 }
        );
    }

    #[test]
    fn transport_failures_map_to_network_kinds() {
        assert_eq!(
            WalletError::from(ApiError::Network(NetworkFailure::Connect)),
            WalletError::Network
        );
        assert_eq!(WalletError::from(ApiError::Timeout), WalletError::Timeout);
    }
}
