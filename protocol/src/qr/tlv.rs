//! The EMVCo MPM TLV reader: a 2-digit id, a 2-digit length counted in
//! characters (not bytes) and the value. Works on a window of the whole
//! payload so every offset it reports is a byte offset into the input.
//!
//! When the payload is ASCII (the common case, checked once) a character is
//! a byte and the reader never decodes UTF-8.

use super::error::QrError;

/// One field as read: id, value and byte offsets into the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// Field id, 0..=99.
    pub id: u8,
    /// The value (borrowed from the payload).
    pub value: &'a str,
    /// Byte offset of the id.
    pub offset: usize,
    /// Byte offset of the value.
    pub value_offset: usize,
}

/// Formats a field path: `"59"` at the root, `"26.01"` inside template 26.
#[must_use]
pub fn tag_path(parent: Option<u8>, id: u8) -> String {
    match parent {
        Some(p) => format!("{p:02}.{id:02}"),
        None => format!("{id:02}"),
    }
}

#[inline]
fn two_digits(a: u8, b: u8) -> Option<u8> {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    if a < 10 && b < 10 {
        Some(a * 10 + b)
    } else {
        None
    }
}

/// Iterates the fields of `src[start..end]`.
#[derive(Debug, Clone)]
pub struct TlvReader<'a> {
    src: &'a str,
    pos: usize,
    end: usize,
    ascii: bool,
    parent: Option<u8>,
    error: Option<Box<QrError>>,
}

impl<'a> TlvReader<'a> {
    /// A reader over `src[start..end]`; `ascii` must be `src.is_ascii()` (or
    /// at least of the window); `parent` is the enclosing template id.
    #[must_use]
    pub fn new(src: &'a str, start: usize, end: usize, ascii: bool, parent: Option<u8>) -> Self {
        Self {
            src,
            pos: start,
            end,
            ascii,
            parent,
            error: None,
        }
    }

    /// The reader over the value of `field` (a template).
    #[must_use]
    pub fn nested(src: &'a str, field: &Field<'a>, ascii: bool) -> Self {
        Self::new(
            src,
            field.value_offset,
            field.value_offset + field.value.len(),
            ascii,
            Some(field.id),
        )
    }

    /// The next field, or an error for a malformed header or a value that
    /// runs past the end of the window.
    #[inline]
    ///
    /// The error is boxed so the hot `Ok` path moves a small value.
    pub fn next_field(&mut self) -> Option<Result<Field<'a>, Box<QrError>>> {
        if self.pos >= self.end {
            return None;
        }
        Some(self.read())
    }

    /// The next field, or `None` at the end *or* on an error; check
    /// [`TlvReader::take_error`] after the loop. The hot path moves only a
    /// small `Option<Field>`.
    #[inline(always)]
    pub fn advance(&mut self) -> Option<Field<'a>> {
        if self.pos >= self.end {
            return None;
        }
        match self.read() {
            Ok(f) => Some(f),
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// The error that ended [`TlvReader::advance`], if any.
    pub fn take_error(&mut self) -> Option<Box<QrError>> {
        self.error.take()
    }

    #[inline(always)]
    fn read(&mut self) -> Result<Field<'a>, Box<QrError>> {
        let pos = self.pos;
        let b = self.src.as_bytes();
        let parent_tag = || self.parent.map(|p| format!("{p:02}"));
        if self.end - pos < 4 {
            self.pos = self.end;
            return Err(Box::new(QrError::malformed(
                pos,
                parent_tag(),
                "truncated field header (id and length need 4 characters)",
            )));
        }
        let Some(id) = two_digits(b[pos], b[pos + 1]) else {
            self.pos = self.end;
            return Err(Box::new(QrError::malformed(
                pos,
                parent_tag(),
                "field id is not two digits",
            )));
        };
        let Some(len) = two_digits(b[pos + 2], b[pos + 3]) else {
            self.pos = self.end;
            return Err(Box::new(QrError::malformed(
                pos + 2,
                Some(tag_path(self.parent, id)),
                "field length is not two digits",
            )));
        };
        if len == 0 {
            self.pos = self.end;
            return Err(Box::new(QrError::malformed(
                pos + 2,
                Some(tag_path(self.parent, id)),
                "field length is zero",
            )));
        }
        let start = pos + 4;
        let end = if self.ascii {
            start + usize::from(len)
        } else {
            self.advance_chars(start, usize::from(len))
        };
        if end > self.end {
            self.pos = self.end;
            let remaining = self
                .src
                .get(start..self.end)
                .map_or(0, |s| s.chars().count());
            return Err(Box::new(QrError::malformed(
                pos,
                Some(tag_path(self.parent, id)),
                format!("field declares {len} characters but only {remaining} remain"),
            )));
        }
        let Some(value) = self.src.get(start..end) else {
            self.pos = self.end;
            return Err(Box::new(QrError::malformed(
                pos,
                Some(tag_path(self.parent, id)),
                "value does not end on a character boundary",
            )));
        };
        self.pos = end;
        Ok(Field {
            id,
            value,
            offset: pos,
            value_offset: start,
        })
    }

    /// Byte index after `n` characters from `start`, or `usize::MAX` if the
    /// window has fewer characters.
    fn advance_chars(&self, start: usize, n: usize) -> usize {
        let Some(rest) = self.src.get(start..self.end) else {
            return usize::MAX;
        };
        let mut count = 0;
        for (i, _) in rest.char_indices() {
            if count == n {
                return start + i;
            }
            count += 1;
        }
        if count == n { self.end } else { usize::MAX }
    }
}

impl<'a> Iterator for TlvReader<'a> {
    type Item = Result<Field<'a>, QrError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_field().map(|r| r.map_err(|e| *e))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_with_lengths_in_characters() {
        let s = "0002010104最佳运输";
        let mut r = TlvReader::new(s, 0, s.len(), s.is_ascii(), None);
        let a = r.next_field().unwrap().unwrap();
        assert_eq!((a.id, a.value), (0, "01"));
        let b = r.next_field().unwrap().unwrap();
        assert_eq!((b.id, b.value, b.offset), (1, "最佳运输", 6));
        assert!(r.next_field().is_none());
    }

    #[test]
    fn reports_truncation_at_the_field_offset() {
        let s = "000201590510AB";
        let mut r = TlvReader::new(s, 0, s.len(), true, None);
        r.next_field().unwrap().unwrap();
        let e = r.next_field().unwrap().unwrap_err();
        assert_eq!(e.offset, 6);
        assert_eq!(e.tag.as_deref(), Some("59"));
    }
}
