//! The one error type of payload parsing and generation: what is wrong
//! (`kind`), where (`offset`, a byte offset into the input, and `tag`, the
//! field id or parameter name) and a human-readable `message`.
//!
//! Messages never contain secret material (payment-code secrets or tags).

use std::fmt;

/// What kind of problem a payload has. Stable snake_case names via
/// [`QrErrorKind::as_str`]; they are part of the CLI's JSON and the FFI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QrErrorKind {
    /// The CRC (or another checksum: bech32, IBAN, reference check digit,
    /// base58check, payment-code tag) does not match.
    CrcMismatch,
    /// Structure is broken: truncated, bad or non-numeric length, bad
    /// base64, bad TLV/BER, bad URI syntax.
    Malformed,
    /// A mandatory field is absent.
    MissingField,
    /// A field is present but its value breaks the rules.
    InvalidValue,
    /// A field id occurs twice at the same level.
    DuplicateField,
    /// The input is no payment payload format we know.
    UnsupportedFormat,
}

impl QrErrorKind {
    /// Stable snake_case name, e.g. `crc_mismatch`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CrcMismatch => "crc_mismatch",
            Self::Malformed => "malformed",
            Self::MissingField => "missing_field",
            Self::InvalidValue => "invalid_value",
            Self::DuplicateField => "duplicate_field",
            Self::UnsupportedFormat => "unsupported_format",
        }
    }
}

impl fmt::Display for QrErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A payload was refused: what, where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct QrError {
    /// The kind of problem.
    pub kind: QrErrorKind,
    /// Byte offset into the input where the problem was found.
    pub offset: usize,
    /// The field concerned: an EMV id (`"59"`, nested as `"26.01"`), a BER
    /// tag (`"85"`), a URI parameter (`"amount"`) or a line name (`"iban"`).
    pub tag: Option<String>,
    /// Human-readable explanation.
    pub message: String,
}

impl fmt::Display for QrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.kind, self.offset)?;
        if let Some(tag) = &self.tag {
            write!(f, " (field {tag})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl From<Box<QrError>> for QrError {
    fn from(e: Box<QrError>) -> Self {
        *e
    }
}

impl QrError {
    /// A new error.
    pub fn new(
        kind: QrErrorKind,
        offset: usize,
        tag: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            offset,
            tag,
            message: message.into(),
        }
    }

    pub(crate) fn malformed(
        offset: usize,
        tag: Option<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(QrErrorKind::Malformed, offset, tag, message)
    }

    pub(crate) fn invalid(
        offset: usize,
        tag: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(QrErrorKind::InvalidValue, offset, Some(tag.into()), message)
    }

    pub(crate) fn missing(
        offset: usize,
        tag: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(QrErrorKind::MissingField, offset, Some(tag.into()), message)
    }

    pub(crate) fn duplicate(
        offset: usize,
        tag: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(
            QrErrorKind::DuplicateField,
            offset,
            Some(tag.into()),
            message,
        )
    }

    pub(crate) fn checksum(
        offset: usize,
        tag: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self::new(QrErrorKind::CrcMismatch, offset, Some(tag.into()), message)
    }

    pub(crate) fn unsupported(message: impl Into<String>) -> Self {
        Self::new(QrErrorKind::UnsupportedFormat, 0, None, message)
    }
}
