//! `LogSink`: the library's `tracing` events, redacted, to the host's
//! logger. Nothing is logged until `set_log_sink` installs a sink.
//!
//! The core never puts a secret into a log line; as a second line of
//! defence every message passes [`redact`] before it reaches the host. A
//! sink that throws while installed is detached (logging must never fail a
//! wallet call); installing one that throws fails with `CallbackFailed`.

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Once, RwLock};

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::errors::{CallbackError, WalletFfiError};

/// Severity of a log record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum LogLevel {
    /// Errors.
    Error,
    /// Warnings.
    Warn,
    /// Progress of the journey (logins, syncs).
    Info,
    /// Details for debugging.
    Debug,
    /// Everything.
    Trace,
}

impl From<tracing::Level> for LogLevel {
    fn from(level: tracing::Level) -> Self {
        match level {
            tracing::Level::ERROR => Self::Error,
            tracing::Level::WARN => Self::Warn,
            tracing::Level::INFO => Self::Info,
            tracing::Level::DEBUG => Self::Debug,
            _ => Self::Trace,
        }
    }
}

/// One log line.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// The module that logged (`imwallet_core::api::client`, ...).
    pub target: String,
    /// The message and its fields, redacted.
    pub message: String,
}

/// The host's logger.
#[uniffi::export(with_foreign)]
pub trait LogSink: Send + Sync {
    /// Receives one record. Must not block for long.
    fn log(&self, record: LogRecord) -> Result<(), CallbackError>;
}

/// 0 = off, else 1 (error) ..= 5 (trace).
static LEVEL: AtomicU8 = AtomicU8::new(0);
static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
static INSTALL: Once = Once::new();

thread_local! {
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

fn rank(level: LogLevel) -> u8 {
    match level {
        LogLevel::Error => 1,
        LogLevel::Warn => 2,
        LogLevel::Info => 3,
        LogLevel::Debug => 4,
        LogLevel::Trace => 5,
    }
}

fn set_sink(sink: Option<Arc<dyn LogSink>>, level: u8) {
    *SINK.write().unwrap_or_else(|p| p.into_inner()) = sink;
    LEVEL.store(level, Ordering::SeqCst);
    tracing::callsite::rebuild_interest_cache();
}

/// Installs `sink` for records at `level` and above, after one test record
/// ("log sink installed") it must accept.
pub(crate) fn install(sink: Arc<dyn LogSink>, level: LogLevel) -> Result<(), WalletFfiError> {
    INSTALL.call_once(|| {
        // Fails only when the process already has a global subscriber (a
        // Rust host); then the host's subscriber sees the events instead.
        let _ =
            tracing::subscriber::set_global_default(tracing_subscriber::registry().with(SinkLayer));
    });
    let probe = LogRecord {
        level: LogLevel::Info,
        target: "imwallet_ffi".into(),
        message: "log sink installed".into(),
    };
    if let Err(e) = sink.log(probe) {
        return Err(WalletFfiError::callback_failed(
            "LogSink",
            e.to_string(),
            crate::host_locale(),
        ));
    }
    set_sink(Some(sink), rank(level));
    Ok(())
}

/// Detaches the sink: nothing is logged afterwards.
pub(crate) fn clear() {
    set_sink(None, 0);
}

struct SinkLayer;

impl<S: tracing::Subscriber> Layer<S> for SinkLayer {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // The level changes at run time: ask per event.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        rank((*metadata.level()).into()) <= LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if IN_SINK.with(Cell::get) {
            return; // the sink itself logged through the library
        }
        let Some(sink) = SINK.read().unwrap_or_else(|p| p.into_inner()).clone() else {
            return;
        };
        let mut text = MessageText::default();
        event.record(&mut text);
        let record = LogRecord {
            level: (*event.metadata().level()).into(),
            target: event.metadata().target().to_owned(),
            message: redact(&text.0),
        };
        IN_SINK.with(|f| f.set(true));
        let result = sink.log(record);
        IN_SINK.with(|f| f.set(false));
        if result.is_err() {
            clear();
        }
    }
}

#[derive(Default)]
struct MessageText(String);

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}

/// Words after which a value is masked.
const SECRET_KEYS: [&str; 6] = ["password", "token", "code", "secret", "number", "pin"];

/// Masks what could be a secret: runs of 6 or more digits (codes, card
/// numbers) and the value after `password=`, `token=`, `code=`, ...
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if digits.len() >= 6 {
            out.push_str("[redacted]");
        } else {
            out.push_str(digits);
        }
        digits.clear();
    };
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            digits.push(c);
            rest = &rest[1..];
            continue;
        }
        flush(&mut digits, &mut out);
        out.push(c);
        rest = &rest[c.len_utf8()..];
        if c == '=' || c == ':' {
            let key_end = out.len() - 1;
            let key: String = out[..key_end]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<String>()
                .to_ascii_lowercase();
            if SECRET_KEYS.iter().any(|k| key.contains(k)) {
                let value = rest.trim_start();
                let value_len = value.find([' ', ',', '&', ';']).unwrap_or(value.len());
                if value_len > 0 {
                    out.push_str(&rest[..rest.len() - value.len()]);
                    out.push_str("[redacted]");
                    rest = &value[value_len..];
                }
            }
        }
    }
    flush(&mut digits, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_masks_codes_card_numbers_and_secret_values() {
        assert_eq!(redact("code 123456 sent"), "code [redacted] sent");
        assert_eq!(redact("card 4111111111111111"), "card [redacted]");
        assert_eq!(redact("password=hunter2 ok"), "password=[redacted] ok");
        assert_eq!(redact("access_token: abc.def"), "access_token: [redacted]");
        assert_eq!(redact("HTTP 401 after 3 tries"), "HTTP 401 after 3 tries");
        assert_eq!(redact("付款 12 元"), "付款 12 元");
    }
}
