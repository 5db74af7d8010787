//! The one error type of the FFI, [`WalletFfiError`]: one variant per core
//! `WalletError` kind (plus [`WalletFfiError::CallbackFailed`]), each with
//! an [`ErrorInfo`] taken from the core's error catalog. Conversion only:
//! codes, retry hints and messages all come from
//! `imwallet_core::wallet::catalog`.

use imwallet_core::WalletError;
use imwallet_core::wallet::catalog::{self, CALLBACK_FAILED, CatalogEntry};
use imwallet_core::wallet::{CodeFailure as CoreCodeFailure, Locale as CoreLocale};

use crate::types::Locale;

/// What every error carries, from the core's error catalog.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorInfo {
    /// Stable, language-neutral code (see `docs/errors.md`).
    pub code: String,
    /// Whether the same call may succeed later unchanged.
    pub retryable: bool,
    /// Seconds to wait before retrying, when known.
    pub retry_after_s: Option<u64>,
    /// The server's request id, when the server answered.
    pub request_id: Option<String>,
    /// The locale of `user_message`.
    pub locale: Locale,
    /// The message for a person, in `locale`.
    pub user_message: String,
    /// The message for a person in English.
    pub user_message_en: String,
    /// The message for a person in Simplified Chinese.
    pub user_message_zh_cn: String,
    /// The message for a developer (English, no secrets).
    pub developer_message: String,
    /// Link to the code's entry in `docs/errors.md`.
    pub doc_url: String,
}

/// Why a verification code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum CodeFailure {
    /// Wrong code.
    Invalid,
    /// Expired.
    Expired,
    /// Already used.
    AlreadyUsed,
    /// Too many wrong tries.
    TooManyAttempts,
}

impl From<CoreCodeFailure> for CodeFailure {
    fn from(f: CoreCodeFailure) -> Self {
        match f {
            CoreCodeFailure::Invalid => Self::Invalid,
            CoreCodeFailure::Expired => Self::Expired,
            CoreCodeFailure::AlreadyUsed => Self::AlreadyUsed,
            CoreCodeFailure::TooManyAttempts => Self::TooManyAttempts,
        }
    }
}

/// Every way a call of this library can fail. The first field of every
/// variant is the catalog's [`ErrorInfo`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[allow(missing_docs)] // the variants mirror `WalletError` one to one; see docs/errors.md
pub enum WalletFfiError {
    #[error("{}", info.developer_message)]
    InvalidInput {
        info: ErrorInfo,
        field: String,
        reason: String,
    },
    #[error("{}", info.developer_message)]
    InvalidPayload {
        info: ErrorInfo,
        kind: String,
        offset: u32,
        tag: Option<String>,
        detail: String,
    },
    #[error("{}", info.developer_message)]
    WrongPassword { info: ErrorInfo, attempts_left: u32 },
    #[error("{}", info.developer_message)]
    LockedOut { info: ErrorInfo, retry_after_s: u64 },
    #[error("{}", info.developer_message)]
    ReloginRequired { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    VaultLocked { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    NotLoggedIn { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    VerificationFailed {
        info: ErrorInfo,
        reason: CodeFailure,
        attempts_left: Option<u32>,
    },
    #[error("{}", info.developer_message)]
    InsufficientFunds { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    CardDeclined { info: ErrorInfo, reason: String },
    #[error("{}", info.developer_message)]
    AccountFrozen {
        info: ErrorInfo,
        reason: Option<String>,
    },
    #[error("{}", info.developer_message)]
    RiskHold {
        info: ErrorInfo,
        transaction_id: String,
    },
    #[error("{}", info.developer_message)]
    RiskLimitExceeded { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    NotFound { info: ErrorInfo, what: String },
    #[error("{}", info.developer_message)]
    Conflict {
        info: ErrorInfo,
        conflict_code: String,
    },
    #[error("{}", info.developer_message)]
    RateLimited { info: ErrorInfo, retry_after_s: u64 },
    #[error("{}", info.developer_message)]
    Network { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    OutcomeUnknown {
        info: ErrorInfo,
        operation_id: String,
    },
    #[error("{}", info.developer_message)]
    Timeout { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    ServerUnavailable { info: ErrorInfo, status: u16 },
    #[error("{}", info.developer_message)]
    Unknown {
        info: ErrorInfo,
        server_code: String,
        detail: String,
    },
    #[error("{}", info.developer_message)]
    Configuration { info: ErrorInfo, detail: String },
    #[error("{}", info.developer_message)]
    Storage { info: ErrorInfo, detail: String },
    #[error("{}", info.developer_message)]
    Crypto { info: ErrorInfo, detail: String },
    #[error("{}", info.developer_message)]
    Cancelled { info: ErrorInfo },
    #[error("{}", info.developer_message)]
    Internal { info: ErrorInfo, detail: String },
    /// A host callback (`LogSink`, `SyncProgressListener`,
    /// `PlatformKeyStore`) threw; `callback` names which.
    #[error("{}", info.developer_message)]
    CallbackFailed {
        info: ErrorInfo,
        callback: String,
        detail: String,
    },
}

fn info_of(
    entry: &CatalogEntry,
    user_values: impl Fn(CoreLocale) -> String,
    developer_message: String,
    retry_after_s: Option<u64>,
    locale: CoreLocale,
    request_id: Option<String>,
) -> ErrorInfo {
    ErrorInfo {
        code: entry.code.to_owned(),
        retryable: entry.retryable,
        retry_after_s,
        request_id,
        locale: locale.into(),
        user_message: user_values(locale),
        user_message_en: user_values(CoreLocale::En),
        user_message_zh_cn: user_values(CoreLocale::ZhCn),
        developer_message,
        doc_url: catalog::doc_url(entry.code),
    }
}

impl WalletFfiError {
    /// The FFI form of a core error, with messages in `locale`.
    pub(crate) fn from_core(
        e: &WalletError,
        locale: CoreLocale,
        request_id: Option<String>,
    ) -> Self {
        use WalletError as W;
        let info = info_of(
            e.catalog_entry(),
            |l| e.user_message(l),
            e.developer_message(),
            e.retry_after_s(),
            locale,
            request_id,
        );
        match e.clone() {
            W::InvalidInput { field, reason } => Self::InvalidInput {
                info,
                field,
                reason,
            },
            W::InvalidPayload {
                kind,
                offset,
                tag,
                message,
            } => Self::InvalidPayload {
                info,
                kind,
                offset,
                tag,
                detail: message,
            },
            W::WrongPassword { attempts_left } => Self::WrongPassword {
                info,
                attempts_left,
            },
            W::LockedOut { retry_after_s } => Self::LockedOut {
                info,
                retry_after_s,
            },
            W::ReloginRequired => Self::ReloginRequired { info },
            W::VaultLocked => Self::VaultLocked { info },
            W::NotLoggedIn => Self::NotLoggedIn { info },
            W::VerificationFailed {
                reason,
                attempts_left,
            } => Self::VerificationFailed {
                info,
                reason: reason.into(),
                attempts_left,
            },
            W::InsufficientFunds => Self::InsufficientFunds { info },
            W::CardDeclined { reason } => Self::CardDeclined { info, reason },
            W::AccountFrozen { reason } => Self::AccountFrozen { info, reason },
            W::RiskHold { transaction_id } => Self::RiskHold {
                info,
                transaction_id,
            },
            W::RiskLimitExceeded => Self::RiskLimitExceeded { info },
            W::NotFound { what } => Self::NotFound { info, what },
            W::Conflict { code } => Self::Conflict {
                info,
                conflict_code: code,
            },
            W::RateLimited { retry_after_s } => Self::RateLimited {
                info,
                retry_after_s,
            },
            W::Network => Self::Network { info },
            W::OutcomeUnknown { operation_id } => Self::OutcomeUnknown { info, operation_id },
            W::Timeout => Self::Timeout { info },
            W::ServerUnavailable { status } => Self::ServerUnavailable { info, status },
            W::Unknown { code, message } => Self::Unknown {
                info,
                server_code: code,
                detail: message,
            },
            W::Configuration { message } => Self::Configuration {
                info,
                detail: message,
            },
            W::Storage { message } => Self::Storage {
                info,
                detail: message,
            },
            W::Crypto { message } => Self::Crypto {
                info,
                detail: message,
            },
            W::Cancelled => Self::Cancelled { info },
            W::Internal { message } => Self::Internal {
                info,
                detail: message,
            },
        }
    }

    /// A host callback failed.
    pub(crate) fn callback_failed(callback: &str, detail: String, locale: CoreLocale) -> Self {
        let entry = catalog::entry_of(CALLBACK_FAILED);
        let developer = format!("the host's {callback} failed: {detail}");
        let info = info_of(
            entry,
            |l| entry.template(l).to_owned(),
            developer,
            None,
            locale,
            None,
        );
        Self::CallbackFailed {
            info,
            callback: callback.to_owned(),
            detail,
        }
    }

    /// The catalog information of this error.
    pub fn info(&self) -> &ErrorInfo {
        match self {
            Self::InvalidInput { info, .. }
            | Self::InvalidPayload { info, .. }
            | Self::WrongPassword { info, .. }
            | Self::LockedOut { info, .. }
            | Self::ReloginRequired { info }
            | Self::VaultLocked { info }
            | Self::NotLoggedIn { info }
            | Self::VerificationFailed { info, .. }
            | Self::InsufficientFunds { info }
            | Self::CardDeclined { info, .. }
            | Self::AccountFrozen { info, .. }
            | Self::RiskHold { info, .. }
            | Self::RiskLimitExceeded { info }
            | Self::NotFound { info, .. }
            | Self::Conflict { info, .. }
            | Self::RateLimited { info, .. }
            | Self::Network { info }
            | Self::OutcomeUnknown { info, .. }
            | Self::Timeout { info }
            | Self::ServerUnavailable { info, .. }
            | Self::Unknown { info, .. }
            | Self::Configuration { info, .. }
            | Self::Storage { info, .. }
            | Self::Crypto { info, .. }
            | Self::Cancelled { info }
            | Self::Internal { info, .. }
            | Self::CallbackFailed { info, .. } => info,
        }
    }
}

/// What a host callback may throw (any other exception arrives as `Failed`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CallbackError {
    /// The user cancelled or failed the platform's authentication prompt.
    #[error("denied")]
    Denied,
    /// The platform key (or resource) is gone.
    #[error("unavailable")]
    Unavailable,
    /// Anything else the host wants to report.
    #[error("failed: {detail}")]
    Failed {
        /// What failed (no secrets).
        detail: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CallbackError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { detail: e.reason }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn catalog_fields_reach_the_ffi_error() {
        let e = WalletFfiError::from_core(
            &WalletError::WrongPassword { attempts_left: 2 },
            CoreLocale::ZhCn,
            Some("req-9".into()),
        );
        let WalletFfiError::WrongPassword {
            info,
            attempts_left,
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!((info.code.as_str(), *attempts_left), ("wrong_password", 2));
        assert_eq!(info.user_message, "密码错误，还可尝试 2 次。");
        assert_eq!(info.user_message_en, "Wrong password. 2 attempts left.");
        assert_eq!(info.request_id.as_deref(), Some("req-9"));
        assert!(info.doc_url.ends_with("#wrong_password"));
        let unknown = WalletFfiError::from_core(
            &WalletError::Unknown {
                code: "brand_new".into(),
                message: "m".into(),
            },
            CoreLocale::En,
            None,
        );
        assert!(
            matches!(unknown, WalletFfiError::Unknown { ref server_code, .. } if server_code == "brand_new")
        );
        assert_eq!(unknown.info().code, "unknown");
        let cb = WalletFfiError::callback_failed("LogSink", "boom".into(), CoreLocale::En);
        assert_eq!(cb.info().code, "callback_failed");
        assert!(!cb.info().user_message_zh_cn.is_empty());
    }
}
