//! The EMVCo MPM builder: writes `00 02 01` first, fields in the order
//! given, lengths counted in characters, and `63 04` with the CRC last.
//! It refuses what a parser would refuse structurally (empty or over-long
//! values, control characters, ids out of range, a second `00`/`63`), so
//! everything it builds parses back; field *rules* (e.g. mandatory 52/53/
//! 58/59/60) are the caller's business, checked by parsing the result.

use super::crc::crc16;
use super::error::QrError;

/// Builds an EMVCo MPM payload.
#[derive(Debug, Clone)]
pub struct MpmBuilder {
    out: String,
}

impl Default for MpmBuilder {
    fn default() -> Self {
        Self::new()
    }
}

fn check(id: u8, value: &str, tag: impl Fn() -> String) -> Result<usize, QrError> {
    if id > 99 {
        return Err(QrError::invalid(0, tag(), "field id must be 00–99"));
    }
    let n = value.chars().count();
    if n == 0 || n > 99 {
        return Err(QrError::invalid(0, tag(), "value must be 1–99 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(QrError::invalid(
            0,
            tag(),
            "value contains a control character",
        ));
    }
    Ok(n)
}

fn push_field(out: &mut String, id: u8, len: usize, value: &str) {
    use std::fmt::Write as _;
    let _ = write!(out, "{id:02}{len:02}");
    out.push_str(value);
}

impl MpmBuilder {
    /// A builder with the payload format indicator written.
    #[must_use]
    pub fn new() -> Self {
        let mut out = String::with_capacity(160);
        out.push_str("000201");
        Self { out }
    }

    /// Appends a primitive field.
    ///
    /// # Errors
    /// `invalid_value` for id 00/63 (written by the builder), an id over 99,
    /// an empty value, more than 99 characters or a control character.
    pub fn field(&mut self, id: u8, value: &str) -> Result<&mut Self, QrError> {
        if id == 0 || id == 63 {
            return Err(QrError::invalid(
                0,
                format!("{id:02}"),
                "00 and 63 are written by the builder",
            ));
        }
        let n = check(id, value, || format!("{id:02}"))?;
        push_field(&mut self.out, id, n, value);
        Ok(self)
    }

    /// Appends a template made of `(sub-id, value)` pairs.
    ///
    /// # Errors
    /// As [`MpmBuilder::field`], for the template and each sub-field.
    pub fn template(&mut self, id: u8, fields: &[(u8, &str)]) -> Result<&mut Self, QrError> {
        let mut inner = String::new();
        for &(sub, value) in fields {
            let n = check(sub, value, || format!("{id:02}.{sub:02}"))?;
            push_field(&mut inner, sub, n, value);
        }
        self.field(id, &inner)
    }

    /// Appends `6304` and the CRC, returning the payload.
    #[must_use]
    pub fn finish(mut self) -> String {
        self.out.push_str("6304");
        let crc = crc16(self.out.as_bytes());
        use std::fmt::Write as _;
        let _ = write!(self.out, "{crc:04X}");
        self.out
    }
}
