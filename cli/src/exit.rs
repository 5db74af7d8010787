//! The one error type of the `imwallet` binary and its exit-code table.
//!
//! Every failure ends as one line on stderr (`imwallet: ...`, never a
//! backtrace or a `Debug` dump) and one of the exit codes below, so scripts
//! can tell the kinds apart. The table is also printed by `imwallet --help`.

use std::process::ExitCode;

use imwallet_core::wallet::{CodeFailure, Locale, WalletError};

use crate::tr;

/// The exit-code table in the current language, as shown by
/// `imwallet --help` (the README shows the English one).
pub fn exit_codes_help() -> String {
    tr!("exit-codes")
}

/// Exit code: any other failure.
pub const FAILURE: u8 = 1;
/// Exit code: invalid payment payload.
pub const INVALID_PAYLOAD: u8 = 2;
/// Exit code: invalid input.
pub const INVALID_INPUT: u8 = 3;
/// Exit code: authentication refused.
pub const AUTH: u8 = 4;
/// Exit code: server unreachable.
pub const UNREACHABLE: u8 = 5;
/// Exit code: not logged in.
pub const NOT_LOGGED_IN: u8 = 6;
/// Exit code: refused by the server.
pub const REFUSED: u8 = 7;
/// Exit code: outcome unknown.
pub const OUTCOME_UNKNOWN: u8 = 8;
/// Exit code: configuration.
pub const CONFIGURATION: u8 = 9;
/// Exit code: a money movement was not confirmed (declined, or no answer);
/// nothing was sent.
pub const NOT_CONFIRMED: u8 = 10;
/// Exit code: usage.
pub const USAGE: u8 = 64;
/// Exit code: interrupted.
pub const INTERRUPTED: u8 = 130;

/// Every way an `imwallet` command fails.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The wallet facade refused or failed.
    #[error("{}", wallet_message(.0))]
    Wallet(#[from] WalletError),
    /// A command-line value could not be used (`field`: what is wrong).
    #[error("{}", tr!("error-input", field = .field.as_str(), message = .message.as_str()))]
    Input {
        /// Which argument.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The command line itself is wrong (clap).
    #[error("{0}")]
    Usage(String),
    /// Missing or refused settings (server, API key).
    #[error("{0}")]
    Config(String),
    /// A wallet call could not reach the server at this URL (nothing was
    /// applied).
    #[error("{}", tr!("error-network-at", url = .0.as_str()))]
    NetworkAt(String),
    /// A sandbox admin call could not reach the server.
    #[error("{}", tr!("error-unreachable", url = .0.as_str()))]
    Unreachable(String),
    /// A sandbox admin call was refused (`code`: the server's problem code).
    #[error("{}", tr!("error-admin-refused", what = .what.as_str(), code = .code.as_str()))]
    AdminRefused {
        /// The call.
        what: String,
        /// The server's problem code or HTTP status.
        code: String,
    },
    /// Local I/O or anything else.
    #[error("{0}")]
    Other(String),
    /// Ctrl-C.
    #[error("{}", tr!("error-interrupted"))]
    Interrupted,
    /// The person did not confirm a money movement; nothing was sent.
    #[error("{}", tr!("error-not-confirmed"))]
    NotConfirmed,
    /// A failure inside a named step of a longer run (the demo); keeps the
    /// step's exit code.
    #[error("{}", tr!("error-step", step = .step.as_str(), reason = .source.to_string()))]
    Step {
        /// What was being done.
        step: String,
        /// Why it failed.
        source: Box<CliError>,
    },
}

impl CliError {
    /// Shorthand for [`CliError::Input`].
    pub fn input(field: &str, message: impl Into<String>) -> Self {
        CliError::Input {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The exit code of this error (see [`exit_codes_help`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Wallet(e) => wallet_exit_code(e),
            CliError::Input { .. } => INVALID_INPUT,
            CliError::Usage(_) => USAGE,
            CliError::Config(_) => CONFIGURATION,
            CliError::Unreachable(_) | CliError::NetworkAt(_) => UNREACHABLE,
            CliError::AdminRefused { .. } => REFUSED,
            CliError::Other(_) => FAILURE,
            CliError::Interrupted => INTERRUPTED,
            CliError::NotConfirmed => NOT_CONFIRMED,
            CliError::Step { source, .. } => source.exit_code(),
        }
    }

    /// A stable snake_case name of the error kind (for `--json` output).
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Wallet(e) => wallet_kind(e),
            CliError::Input { .. } => "invalid_input",
            CliError::Usage(_) => "usage",
            CliError::Config(_) => "configuration",
            CliError::Unreachable(_) | CliError::NetworkAt(_) => "network",
            CliError::AdminRefused { .. } => "sandbox_refused",
            CliError::Other(_) => "failure",
            CliError::Interrupted => "interrupted",
            CliError::NotConfirmed => "not_confirmed",
            CliError::Step { source, .. } => source.kind(),
        }
    }

    /// Whether trying the same command again later may succeed (`--json`'s
    /// `retryable`): the core catalog's answer for a wallet error; an
    /// unreachable sandbox is, everything else is not.
    pub fn retryable(&self) -> bool {
        match self {
            CliError::Wallet(e) => e.retryable(),
            CliError::Unreachable(_) | CliError::NetworkAt(_) => true,
            CliError::Step { source, .. } => source.retryable(),
            _ => false,
        }
    }

    /// The extra fields of `--json`'s error object that this error knows.
    pub fn details(&self) -> Vec<(&'static str, serde_json::Value)> {
        use serde_json::Value;
        match self {
            CliError::Input { field, .. } => vec![("field", Value::from(field.as_str()))],
            CliError::Wallet(e) => {
                let mut out = vec![("catalog_code", Value::from(e.code()))];
                if let Some(s) = e.retry_after_s() {
                    out.push(("retry_after_s", Value::from(s)));
                }
                match e {
                    WalletError::InvalidInput { field, .. } => {
                        out.push(("field", Value::from(field.as_str())));
                    }
                    WalletError::OutcomeUnknown { operation_id } => {
                        out.push(("operation_id", Value::from(operation_id.as_str())));
                    }
                    WalletError::InvalidPayload { kind, offset, .. } => {
                        out.push(("kind", Value::from(kind.as_str())));
                        out.push(("offset", Value::from(*offset)));
                    }
                    _ => {}
                }
                out
            }
            CliError::Step { step, source } => {
                let mut out = source.details();
                out.push(("step", Value::from(step.as_str())));
                out
            }
            _ => Vec::new(),
        }
    }

    /// The line a person reads: for a wallet error the error catalog's
    /// user message in `locale`, then the technical detail in brackets.
    pub fn user_line(&self, locale: Locale) -> String {
        match self {
            CliError::Wallet(e) => format!("{} ({})", e.user_message(locale), self),
            CliError::NetworkAt(_) => {
                format!("{} ({})", WalletError::Network.user_message(locale), self)
            }
            CliError::Step { step, source } => tr!(
                "error-step",
                step = step.as_str(),
                reason = source.user_line(locale)
            ),
            other => other.to_string(),
        }
    }

    /// What the person can do about it in the terminal, in `locale`
    /// (`remedy-<kind>` of the catalogs), when there is something to say
    /// beyond the message.
    pub fn remedy(&self, locale: Locale) -> Option<String> {
        let id = format!("remedy-{}", self.kind());
        crate::i18n::catalog::has_message(&id)
            .then(|| crate::i18n::catalog::text_in(locale, &id, None))
    }

    /// The whole line after `imwallet: `: the message, then the remedy.
    pub fn line_with_remedy(&self, locale: Locale) -> String {
        let message = one_line(&self.user_line(locale));
        match self.remedy(locale) {
            Some(r) => format!("{message} {r}"),
            None => message,
        }
    }

    /// Prints the one-line message (in the language chosen for this run,
    /// see [`crate::i18n::choose`]) and returns the exit code.
    pub fn report(&self) -> ExitCode {
        if crate::output::json() {
            println!("{}", crate::output::error_value(self));
            return ExitCode::from(self.exit_code());
        }
        eprintln!(
            "{}: {}",
            tr!("error-prefix"),
            self.line_with_remedy(crate::i18n::current())
        );
        ExitCode::from(self.exit_code())
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Other(tr!("error-io", detail = e.to_string()))
    }
}

/// Collapses a message onto one line.
pub fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exit code of a wallet error.
pub fn wallet_exit_code(e: &WalletError) -> u8 {
    use WalletError as W;
    match e {
        W::InvalidPayload { .. } => INVALID_PAYLOAD,
        W::InvalidInput { .. } => INVALID_INPUT,
        W::WrongPassword { .. }
        | W::LockedOut { .. }
        | W::ReloginRequired
        | W::VerificationFailed { .. } => AUTH,
        W::Network | W::Timeout | W::ServerUnavailable { .. } => UNREACHABLE,
        W::NotLoggedIn | W::VaultLocked => NOT_LOGGED_IN,
        W::InsufficientFunds
        | W::CardDeclined { .. }
        | W::AccountFrozen { .. }
        | W::RiskHold { .. }
        | W::RiskLimitExceeded
        | W::NotFound { .. }
        | W::Conflict { .. }
        | W::RateLimited { .. }
        | W::Unknown { .. } => REFUSED,
        W::OutcomeUnknown { .. } => OUTCOME_UNKNOWN,
        W::Configuration { .. } => CONFIGURATION,
        W::Cancelled => INTERRUPTED,
        W::Storage { .. } | W::Crypto { .. } | W::Internal { .. } => FAILURE,
    }
}

/// A stable snake_case name of a wallet error kind.
pub fn wallet_kind(e: &WalletError) -> &'static str {
    use WalletError as W;
    match e {
        W::InvalidInput { .. } => "invalid_input",
        W::InvalidPayload { .. } => "invalid_payload",
        W::WrongPassword { .. } => "wrong_password",
        W::LockedOut { .. } => "locked_out",
        W::ReloginRequired => "relogin_required",
        W::VaultLocked => "vault_locked",
        W::NotLoggedIn => "not_logged_in",
        W::VerificationFailed { .. } => "verification_failed",
        W::InsufficientFunds => "insufficient_funds",
        W::CardDeclined { .. } => "card_declined",
        W::AccountFrozen { .. } => "account_frozen",
        W::RiskHold { .. } => "risk_hold",
        W::RiskLimitExceeded => "risk_limit_exceeded",
        W::NotFound { .. } => "not_found",
        W::Conflict { .. } => "conflict",
        W::RateLimited { .. } => "rate_limited",
        W::Network => "network",
        W::OutcomeUnknown { .. } => "outcome_unknown",
        W::Timeout => "timeout",
        W::ServerUnavailable { .. } => "server_unavailable",
        // Kept as `server` (machine output of `--json`, unchanged); the
        // catalog's code for it is `unknown`.
        W::Unknown { .. } => "server",
        W::Configuration { .. } => "configuration",
        W::Storage { .. } => "storage",
        W::Crypto { .. } => "crypto",
        W::Cancelled => "cancelled",
        W::Internal { .. } => "internal",
    }
}

/// What a person reads for a wallet error (one line, no secrets: the
/// facade's messages never carry any).
pub fn wallet_message(e: &WalletError) -> String {
    use WalletError as W;
    match e {
        W::Network => tr!("error-network"),
        W::Timeout => tr!("error-timeout"),
        W::NotLoggedIn => tr!("error-not-logged-in"),
        W::VaultLocked => tr!("error-vault-locked"),
        W::VerificationFailed {
            reason,
            attempts_left,
        } => {
            let why = match reason {
                CodeFailure::Invalid => tr!("code-wrong"),
                CodeFailure::Expired => tr!("code-expired"),
                CodeFailure::AlreadyUsed => tr!("code-used"),
                CodeFailure::TooManyAttempts => tr!("code-too-many"),
            };
            match attempts_left {
                Some(n) => tr!("error-verification-tries", why = why, tries = *n),
                None => tr!("error-verification", why = why),
            }
        }
        W::OutcomeUnknown { operation_id } => {
            tr!("error-outcome-unknown", operation = operation_id.as_str())
        }
        W::InvalidPayload {
            kind,
            offset,
            message,
            ..
        } => tr!(
            "error-payload-refused",
            kind = kind.as_str(),
            offset = *offset,
            message = message.as_str()
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bad_input_kind_has_its_own_exit_code() {
        let codes = [
            CliError::Usage("x".into()).exit_code(),
            CliError::input("amount", "x").exit_code(),
            CliError::from(WalletError::InvalidPayload {
                kind: "malformed".into(),
                offset: 0,
                tag: None,
                message: "x".into(),
            })
            .exit_code(),
            CliError::from(WalletError::WrongPassword { attempts_left: 3 }).exit_code(),
            CliError::from(WalletError::Network).exit_code(),
        ];
        let mut unique = codes.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len(), "{codes:?}");
        assert!(codes.iter().all(|c| *c != 0));
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        let e = CliError::from(WalletError::VerificationFailed {
            reason: CodeFailure::Invalid,
            attempts_left: Some(2),
        });
        assert_eq!(
            e.to_string(),
            "verification failed: wrong code (2 tries left)"
        );
    }

    #[test]
    fn the_user_line_leads_with_the_catalog_message() {
        let e = CliError::from(WalletError::WrongPassword { attempts_left: 2 });
        assert_eq!(
            e.user_line(Locale::En),
            "Wrong password. 2 attempts left. (wrong password (2 attempts left))"
        );
        assert!(e.user_line(Locale::ZhCn).starts_with("密码错误"));
        let step = CliError::Step {
            step: "pay".into(),
            source: Box::new(CliError::from(WalletError::InsufficientFunds)),
        };
        assert_eq!(
            step.user_line(Locale::En),
            "pay failed: Your balance is not enough for this. (insufficient funds)"
        );
    }

    #[test]
    fn a_refusal_a_person_can_act_on_carries_its_remedy_in_both_languages() {
        let e = CliError::from(WalletError::InsufficientFunds);
        let zh = e.line_with_remedy(Locale::ZhCn);
        let en = e.line_with_remedy(Locale::En);
        assert!(zh.contains("imwallet topup"), "{zh}");
        assert!(zh.starts_with("余额不足"), "{zh}");
        assert!(en.contains("imwallet topup"), "{en}");
        assert!(!en.contains('\n') && !zh.contains('\n'));
        let unknown = CliError::from(WalletError::OutcomeUnknown {
            operation_id: "op1".into(),
        });
        assert!(
            unknown
                .line_with_remedy(Locale::En)
                .contains("imwallet ops reconcile")
        );
        // Input errors already say what is wrong with which argument.
        assert!(CliError::input("amount", "x").remedy(Locale::En).is_none());
    }

    #[test]
    fn the_help_table_lists_every_code() {
        for code in [
            FAILURE,
            INVALID_PAYLOAD,
            INVALID_INPUT,
            AUTH,
            UNREACHABLE,
            NOT_LOGGED_IN,
            REFUSED,
            OUTCOME_UNKNOWN,
            CONFIGURATION,
            NOT_CONFIRMED,
            USAGE,
            INTERRUPTED,
        ] {
            for locale in [Locale::En, Locale::ZhCn] {
                let table = crate::i18n::catalog::text_in(locale, "exit-codes", None);
                assert!(table.contains(&format!("  {code} ")), "{code} missing");
            }
        }
    }
}
