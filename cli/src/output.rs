//! Machine output: the global `--json`. With it every command prints exactly
//! one JSON object on stdout (lists wrapped in an object, e.g.
//! `{"transactions": [...]}`), and a failure prints
//! `{"error": {"code", "message", "retryable", "exit_code", ...}}` there
//! instead of the line on stderr. Field names are stable and documented in
//! `docs/cli.md`; codes and messages are language-neutral (English), the
//! exit code is the same as without `--json`.
//!
//! What a person reads (prompts, the quote before a confirmation) goes to
//! stderr in this mode, so stdout stays one object.

use std::sync::atomic::{AtomicBool, Ordering};

use imwallet_core::wallet::Locale;
use serde_json::{Value, json};

use crate::exit::CliError;

static JSON: AtomicBool = AtomicBool::new(false);

/// Turns machine output on or off for the rest of the run.
pub fn set_json(on: bool) {
    JSON.store(on, Ordering::Relaxed);
}

/// Whether `--json` was given.
pub fn json() -> bool {
    JSON.load(Ordering::Relaxed)
}

/// Whether the raw command line asks for `--json` (before clap parses it,
/// so a usage error can answer in JSON too).
pub fn asked_in(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// A line for a person: printed on stdout without `--json`, nothing with.
pub fn say(line: impl std::fmt::Display) {
    if !json() {
        out(&line);
    }
}

/// One line on stdout; a reader that went away (`| head`) is not a panic.
fn out(line: &dyn std::fmt::Display) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// A line a person needs to see even with `--json` (e.g. the quote before
/// a question): stdout without `--json`, stderr with it.
pub fn tell(line: impl std::fmt::Display) {
    if json() {
        eprintln!("{line}");
    } else {
        out(&line);
    }
}

/// Prints the one JSON object of a command (with `--json` only).
pub fn emit(value: Value) {
    if json() {
        out(&value);
    }
}

/// The JSON error object of a failure: `code` (a stable snake_case name,
/// see `docs/cli.md`), `message` (English), `retryable`, `exit_code`, and,
/// when known, `field`, `retry_after_s`, `operation_id` and the payload
/// refusal's `kind`/`offset`.
pub fn error_value(e: &CliError) -> Value {
    // Language-neutral: the English text, whatever language the run uses.
    let before = crate::i18n::current();
    crate::i18n::set_current(Locale::En);
    let message = crate::exit::one_line(&e.user_line(Locale::En));
    let mut error = json!({
        "code": e.kind(),
        "message": message,
        "retryable": e.retryable(),
        "exit_code": e.exit_code(),
    });
    let remedy = e.remedy(Locale::En);
    crate::i18n::set_current(before);
    if let Some(map) = error.as_object_mut() {
        for (key, value) in e.details() {
            map.insert(key.to_owned(), value);
        }
        if let Some(r) = remedy {
            map.insert("remedy".to_owned(), Value::from(r));
        }
    }
    json!({ "error": error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_is_seen_before_parsing_but_not_after_a_double_dash() {
        let args = |list: &[&str]| list.iter().map(Into::into).collect::<Vec<_>>();
        assert!(asked_in(&args(&["imwallet", "balance", "--json"])));
        assert!(!asked_in(&args(&["imwallet", "--", "--json"])));
        assert!(!asked_in(&args(&["--json"])));
    }

    #[test]
    fn an_error_object_carries_code_message_retryable_and_exit_code() {
        let e = CliError::input("amount", "ten");
        let v = error_value(&e);
        assert_eq!(v["error"]["code"], "invalid_input");
        assert_eq!(v["error"]["exit_code"], 3);
        assert_eq!(v["error"]["retryable"], false);
        assert_eq!(v["error"]["field"], "amount");
        assert!(v["error"]["message"].as_str().unwrap_or("").contains("ten"));
        let v = error_value(&CliError::NotConfirmed);
        assert_eq!(v["error"]["code"], "not_confirmed");
        assert_eq!(v["error"]["exit_code"], 10);
    }
}
