//! The one error catalog: for every [`WalletError`] kind a stable `code`,
//! whether a retry can help, the user message in zh-CN and en, and an
//! anchor into `docs/errors.md` (which lists every code with its cause and
//! remedy). Shells (CLI, Kotlin, Swift) read it from here; no language has
//! its own table.
//!
//! User messages are short sentences for a person; `{name}` placeholders
//! are filled from the error's fields. The developer message is the error's
//! `Display` text (English, no secrets).

use super::{CodeFailure, WalletError};

/// The language of user messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Simplified Chinese (China).
    ZhCn,
    /// English.
    #[default]
    En,
}

impl Locale {
    /// The locale of a language tag or POSIX locale (`zh-CN`, `zh_CN.UTF-8`,
    /// `zh-Hans`, `en-US`, ...): Chinese for any `zh`, else English.
    pub fn from_tag(tag: &str) -> Self {
        let lower = tag.trim().to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh-") || lower.starts_with("zh_") {
            Self::ZhCn
        } else {
            Self::En
        }
    }

    /// The host's locale from `LC_ALL`, `LC_MESSAGES` or `LANG` (the first
    /// one set and not `C`/`POSIX`); English when none is.
    pub fn from_host() -> Self {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|v| !v.is_empty() && v != "C" && v != "POSIX")
            .map_or(Self::En, |v| Self::from_tag(&v))
    }

    /// The BCP 47 tag (`zh-CN`, `en`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }
}

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    /// Stable, language-neutral code (also the anchor in `docs/errors.md`).
    pub code: &'static str,
    /// Whether the same call may succeed later without changing anything.
    pub retryable: bool,
    /// User message in English.
    pub en: &'static str,
    /// User message in Simplified Chinese.
    pub zh_cn: &'static str,
}

impl CatalogEntry {
    /// The user message template in `locale`.
    pub fn template(&self, locale: Locale) -> &'static str {
        match locale {
            Locale::ZhCn => self.zh_cn,
            Locale::En => self.en,
        }
    }
}

/// Where `docs/errors.md` is published; `doc_url` appends `#code`.
pub const DOCS_URL: &str = "https://example.invalid/imwallet-core/docs/errors.md";

/// The code of a failing host callback (used by the bindings).
pub const CALLBACK_FAILED: &str = "callback_failed";

const fn entry(
    code: &'static str,
    retryable: bool,
    en: &'static str,
    zh_cn: &'static str,
) -> CatalogEntry {
    CatalogEntry {
        code,
        retryable,
        en,
        zh_cn,
    }
}

/// Every code, in the order of `docs/errors.md`.
pub const CATALOG: &[CatalogEntry] = &[
    entry(
        "invalid_input",
        false,
        "Some of the details you entered are not valid. Please check them and try again.",
        "您输入的信息无效，请检查后重试。",
    ),
    entry(
        "invalid_payload",
        false,
        "This payment code cannot be used. Scan it again or ask for a new one.",
        "此付款码无法使用，请重新扫描或索取新的付款码。",
    ),
    entry(
        "wrong_password",
        false,
        "Wrong password. {attempts_left} attempts left.",
        "密码错误，还可尝试 {attempts_left} 次。",
    ),
    entry(
        "locked_out",
        true,
        "Too many wrong passwords. Try again in {retry_after_s} seconds.",
        "密码错误次数过多，请在 {retry_after_s} 秒后重试。",
    ),
    entry(
        "relogin_required",
        false,
        "For your security, please sign in again.",
        "为了您的安全，请重新登录。",
    ),
    entry(
        "vault_locked",
        false,
        "The wallet is locked. Unlock it to continue.",
        "钱包已锁定，请先解锁。",
    ),
    entry(
        "not_logged_in",
        false,
        "Please sign in first.",
        "请先登录。",
    ),
    entry(
        "code_invalid",
        false,
        "The verification code is wrong.",
        "验证码错误。",
    ),
    entry(
        "code_expired",
        false,
        "The verification code has expired. Request a new one.",
        "验证码已过期，请重新获取。",
    ),
    entry(
        "code_already_used",
        false,
        "This verification code was already used. Request a new one.",
        "该验证码已被使用，请重新获取。",
    ),
    entry(
        "code_attempts_exceeded",
        false,
        "Too many wrong codes. Request a new one.",
        "验证码错误次数过多，请重新获取。",
    ),
    entry(
        "insufficient_funds",
        false,
        "Your balance is not enough for this.",
        "余额不足。",
    ),
    entry(
        "card_declined",
        false,
        "The card was declined. Try another card or contact your bank.",
        "银行卡被拒绝，请更换银行卡或联系发卡行。",
    ),
    entry(
        "account_frozen",
        false,
        "Your account is frozen. No money can move until it is unfrozen.",
        "您的账户已冻结，解冻前无法进行资金操作。",
    ),
    entry(
        "risk_hold",
        false,
        "This operation is being reviewed for your security. The result will appear in your history.",
        "为保障您的资金安全，该笔操作正在审核中，结果将显示在交易记录中。",
    ),
    entry(
        "risk_limit_exceeded",
        false,
        "Too many operations in a short time. Your account is being reviewed.",
        "短时间内操作过于频繁，您的账户正在审核中。",
    ),
    entry(
        "not_found",
        false,
        "We could not find what you asked for.",
        "未找到相关信息。",
    ),
    entry(
        "conflict",
        false,
        "This cannot be done now: it was already done or something changed.",
        "该操作无法完成：可能已完成或状态已变化。",
    ),
    entry(
        "rate_limited",
        true,
        "Too many requests. Try again in {retry_after_s} seconds.",
        "操作过于频繁，请在 {retry_after_s} 秒后重试。",
    ),
    entry(
        "network",
        true,
        "No connection to the wallet service. Check your network and try again.",
        "无法连接钱包服务，请检查网络后重试。",
    ),
    entry(
        "outcome_unknown",
        true,
        "We could not confirm the result yet. It is checked automatically and is never charged twice.",
        "暂时无法确认结果，系统会自动核对，不会重复扣款。",
    ),
    entry(
        "timeout",
        true,
        "The request took too long. Please try again.",
        "请求超时，请重试。",
    ),
    entry(
        "server_unavailable",
        true,
        "The wallet service is temporarily unavailable. Please try again later.",
        "钱包服务暂时不可用，请稍后重试。",
    ),
    entry(
        "unknown",
        false,
        "The request could not be completed.",
        "请求未能完成。",
    ),
    entry(
        "configuration",
        false,
        "The app is not set up correctly. Please update it or contact support.",
        "应用配置有误，请更新应用或联系客服。",
    ),
    entry(
        "storage",
        false,
        "The wallet could not read or save its data on this device.",
        "钱包无法在本设备上读取或保存数据。",
    ),
    entry(
        "crypto",
        false,
        "The wallet data on this device failed a security check.",
        "本设备上的钱包数据未通过安全校验。",
    ),
    entry("cancelled", false, "Cancelled.", "已取消。"),
    entry(
        "internal",
        false,
        "Something went wrong. Please try again.",
        "出现错误，请重试。",
    ),
    entry(
        CALLBACK_FAILED,
        false,
        "The app could not complete a step on this device (for example the fingerprint check).",
        "应用无法在本设备上完成某一步骤（例如指纹验证）。",
    ),
];

/// The catalog row of `code`; the `unknown` row for a code not in the table.
pub fn entry_of(code: &str) -> &'static CatalogEntry {
    CATALOG
        .iter()
        .find(|e| e.code == code)
        .or_else(|| CATALOG.iter().find(|e| e.code == "unknown"))
        .unwrap_or(&CATALOG[0])
}

/// Fills `{name}` placeholders of `template` from `values`.
pub fn fill(template: &str, values: &[(&str, String)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The anchor of `code` in `docs/errors.md`.
pub fn doc_url(code: &str) -> String {
    format!("{DOCS_URL}#{code}")
}

impl WalletError {
    /// The stable catalog code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "invalid_input",
            Self::InvalidPayload { .. } => "invalid_payload",
            Self::WrongPassword { .. } => "wrong_password",
            Self::LockedOut { .. } => "locked_out",
            Self::ReloginRequired => "relogin_required",
            Self::VaultLocked => "vault_locked",
            Self::NotLoggedIn => "not_logged_in",
            Self::VerificationFailed { reason, .. } => match reason {
                CodeFailure::Invalid => "code_invalid",
                CodeFailure::Expired => "code_expired",
                CodeFailure::AlreadyUsed => "code_already_used",
                CodeFailure::TooManyAttempts => "code_attempts_exceeded",
            },
            Self::InsufficientFunds => "insufficient_funds",
            Self::CardDeclined { .. } => "card_declined",
            Self::AccountFrozen { .. } => "account_frozen",
            Self::RiskHold { .. } => "risk_hold",
            Self::RiskLimitExceeded => "risk_limit_exceeded",
            Self::NotFound { .. } => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::RateLimited { .. } => "rate_limited",
            Self::Network => "network",
            Self::OutcomeUnknown { .. } => "outcome_unknown",
            Self::Timeout => "timeout",
            Self::ServerUnavailable { .. } => "server_unavailable",
            Self::Unknown { .. } => "unknown",
            Self::Configuration { .. } => "configuration",
            Self::Storage { .. } => "storage",
            Self::Crypto { .. } => "crypto",
            Self::Cancelled => "cancelled",
            Self::Internal { .. } => "internal",
        }
    }

    /// This error's catalog row.
    pub fn catalog_entry(&self) -> &'static CatalogEntry {
        entry_of(self.code())
    }

    /// Whether the same call may succeed later unchanged.
    pub fn retryable(&self) -> bool {
        self.catalog_entry().retryable
    }

    /// Seconds to wait before retrying, when known.
    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            Self::LockedOut { retry_after_s } | Self::RateLimited { retry_after_s } => {
                Some(*retry_after_s)
            }
            _ => None,
        }
    }

    /// The message for a person, in `locale`.
    pub fn user_message(&self, locale: Locale) -> String {
        let mut values = Vec::new();
        if let Self::WrongPassword { attempts_left } = self {
            values.push(("attempts_left", attempts_left.to_string()));
        }
        if let Some(wait) = self.retry_after_s() {
            values.push(("retry_after_s", wait.to_string()));
        }
        fill(self.catalog_entry().template(locale), &values)
    }

    /// The message for a developer (English, no secrets).
    pub fn developer_message(&self) -> String {
        self.to_string()
    }

    /// The anchor of this error in `docs/errors.md`.
    pub fn doc_url(&self) -> String {
        doc_url(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_and_has_both_languages() {
        let mut seen = std::collections::BTreeSet::new();
        for e in CATALOG {
            assert!(seen.insert(e.code), "{} appears twice", e.code);
            assert!(!e.en.trim().is_empty(), "{} has no English message", e.code);
            assert!(
                !e.zh_cn.trim().is_empty(),
                "{} has no Chinese message",
                e.code
            );
            assert_ne!(e.en, e.zh_cn, "{} is not translated", e.code);
            assert!(
                e.zh_cn
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{}: the zh-CN message has no Chinese",
                e.code
            );
            let placeholders = |s: &str| s.matches('{').count();
            assert_eq!(placeholders(e.en), placeholders(e.zh_cn), "{}", e.code);
            assert!(e.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }

    fn every_kind() -> Vec<WalletError> {
        let s = String::new;
        let mut all = vec![
            WalletError::invalid("amount", "too_many_decimals"),
            WalletError::InvalidPayload {
                kind: s(),
                offset: 0,
                tag: None,
                message: s(),
            },
            WalletError::WrongPassword { attempts_left: 3 },
            WalletError::LockedOut { retry_after_s: 30 },
            WalletError::ReloginRequired,
            WalletError::VaultLocked,
            WalletError::NotLoggedIn,
            WalletError::InsufficientFunds,
            WalletError::CardDeclined { reason: s() },
            WalletError::AccountFrozen { reason: None },
            WalletError::RiskHold {
                transaction_id: s(),
            },
            WalletError::RiskLimitExceeded,
            WalletError::NotFound { what: s() },
            WalletError::Conflict { code: s() },
            WalletError::RateLimited { retry_after_s: 5 },
            WalletError::Network,
            WalletError::OutcomeUnknown { operation_id: s() },
            WalletError::Timeout,
            WalletError::ServerUnavailable { status: 503 },
            WalletError::Unknown {
                code: "brand_new".into(),
                message: s(),
            },
            WalletError::Configuration { message: s() },
            WalletError::Storage { message: s() },
            WalletError::Crypto { message: s() },
            WalletError::Cancelled,
            WalletError::Internal { message: s() },
        ];
        for reason in [
            CodeFailure::Invalid,
            CodeFailure::Expired,
            CodeFailure::AlreadyUsed,
            CodeFailure::TooManyAttempts,
        ] {
            all.push(WalletError::VerificationFailed {
                reason,
                attempts_left: None,
            });
        }
        all
    }

    #[test]
    fn every_kind_has_its_own_row_and_fills_its_placeholders() {
        let mut codes: Vec<&str> = every_kind().iter().map(WalletError::code).collect();
        codes.push(CALLBACK_FAILED);
        codes.sort_unstable();
        let mut table: Vec<&str> = CATALOG.iter().map(|e| e.code).collect();
        table.sort_unstable();
        assert_eq!(codes, table, "every catalog row belongs to a kind and back");
        for error in every_kind() {
            for locale in [Locale::En, Locale::ZhCn] {
                let message = error.user_message(locale);
                assert!(!message.contains('{'), "{}: {message}", error.code());
            }
        }
        assert_eq!(
            WalletError::WrongPassword { attempts_left: 2 }.user_message(Locale::ZhCn),
            "密码错误，还可尝试 2 次。"
        );
        assert_eq!(
            WalletError::RateLimited { retry_after_s: 9 }.retry_after_s(),
            Some(9)
        );
        assert!(WalletError::Network.retryable());
        assert!(!WalletError::InsufficientFunds.retryable());
        assert_eq!(
            WalletError::InsufficientFunds.doc_url(),
            format!("{DOCS_URL}#insufficient_funds")
        );
    }

    #[test]
    fn docs_list_exactly_the_catalog_codes() {
        let docs = include_str!("../../../docs/errors.md");
        let mut listed: Vec<&str> = docs
            .lines()
            .filter_map(|l| l.strip_prefix("### "))
            .map(str::trim)
            .collect();
        listed.sort_unstable();
        let mut table: Vec<&str> = CATALOG.iter().map(|e| e.code).collect();
        table.sort_unstable();
        assert_eq!(
            listed, table,
            "docs/errors.md headings must be the catalog codes"
        );
    }

    #[test]
    fn locale_tags_pick_the_language() {
        for zh in ["zh-CN", "zh_CN.UTF-8", "zh-Hans", "ZH"] {
            assert_eq!(Locale::from_tag(zh), Locale::ZhCn, "{zh}");
        }
        for en in ["en", "en_US.UTF-8", "de-DE", "", "zhx"] {
            assert_eq!(Locale::from_tag(en), Locale::En, "{en}");
        }
        assert_eq!(Locale::ZhCn.tag(), "zh-CN");
    }
}
