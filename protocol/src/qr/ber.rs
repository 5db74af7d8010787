//! A BER-TLV decoder (ISO/IEC 8825-1 subset used by EMV): tags of up to 3
//! bytes (low five bits all set means "more tag bytes follow", bit 8 of a
//! following byte means "one more"), definite lengths in short form or
//! long form with 1–2 length bytes. Indefinite lengths are refused.

/// One decoded data object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// The tag as a number (`0x5F20` for a two-byte tag).
    pub tag: u32,
    /// Whether the constructed bit (0x20 of the first tag byte) is set.
    pub constructed: bool,
    /// The value bytes.
    pub value: &'a [u8],
    /// Offset of the tag in the decoded buffer.
    pub offset: usize,
    /// Offset of the value in the decoded buffer.
    pub value_offset: usize,
}

/// Why BER decoding failed, with the offset in the decoded buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BerError {
    /// Offset of the offending byte.
    pub offset: usize,
    /// What went wrong.
    pub reason: &'static str,
}

/// Iterates the data objects of `buf[start..end]`; offsets are into `buf`.
#[derive(Debug, Clone)]
pub struct BerReader<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl<'a> BerReader<'a> {
    /// A reader over the whole buffer.
    #[must_use]
    pub fn new(buf: &'a [u8]) -> Self {
        Self {
            buf,
            pos: 0,
            end: buf.len(),
        }
    }

    /// A reader over the value of a constructed object.
    #[must_use]
    pub fn nested(buf: &'a [u8], tlv: &Tlv<'a>) -> Self {
        Self {
            buf,
            pos: tlv.value_offset,
            end: tlv.value_offset + tlv.value.len(),
        }
    }

    fn byte(&self, i: usize, reason: &'static str) -> Result<u8, BerError> {
        if i < self.end {
            Ok(self.buf[i])
        } else {
            Err(BerError {
                offset: i.min(self.end),
                reason,
            })
        }
    }

    fn read(&mut self) -> Result<Tlv<'a>, BerError> {
        let start = self.pos;
        let first = self.byte(start, "truncated tag")?;
        if first == 0x00 || first == 0xFF {
            return Err(BerError {
                offset: start,
                reason: "padding byte where a tag is expected",
            });
        }
        let mut tag = u32::from(first);
        let mut i = start + 1;
        if first & 0x1F == 0x1F {
            loop {
                let b = self.byte(i, "truncated tag")?;
                tag = (tag << 8) | u32::from(b);
                i += 1;
                if b & 0x80 == 0 {
                    break;
                }
                if i - start >= 3 {
                    return Err(BerError {
                        offset: start,
                        reason: "tag longer than 3 bytes",
                    });
                }
            }
        }
        let l0 = self.byte(i, "truncated length")?;
        i += 1;
        let len = match l0 {
            0..=0x7F => usize::from(l0),
            0x81 => {
                let b = self.byte(i, "truncated length")?;
                i += 1;
                usize::from(b)
            }
            0x82 => {
                let hi = self.byte(i, "truncated length")?;
                let lo = self.byte(i + 1, "truncated length")?;
                i += 2;
                usize::from(hi) << 8 | usize::from(lo)
            }
            0x80 => {
                return Err(BerError {
                    offset: i - 1,
                    reason: "indefinite length is not allowed",
                });
            }
            _ => {
                return Err(BerError {
                    offset: i - 1,
                    reason: "length of more than 2 bytes",
                });
            }
        };
        if len > self.end - i {
            return Err(BerError {
                offset: start,
                reason: "value runs past the end of its container",
            });
        }
        self.pos = i + len;
        Ok(Tlv {
            tag,
            constructed: first & 0x20 != 0,
            value: &self.buf[i..i + len],
            offset: start,
            value_offset: i,
        })
    }
}

impl<'a> Iterator for BerReader<'a> {
    type Item = Result<Tlv<'a>, BerError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.end {
            return None;
        }
        let r = self.read();
        if r.is_err() {
            self.pos = self.end;
        }
        Some(r)
    }
}

/// Formats a tag as upper-case hex (`"5F20"`).
#[must_use]
pub fn tag_hex(tag: u32) -> String {
    if tag > 0xFFFF {
        format!("{tag:06X}")
    } else if tag > 0xFF {
        format!("{tag:04X}")
    } else {
        format!("{tag:02X}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn reads_multi_byte_tags_and_long_lengths() {
        let mut buf = vec![0x5F, 0x20, 0x02, b'A', b'B', 0x61, 0x81, 0x80];
        buf.extend(std::iter::repeat_n(0x01, 0x80));
        let items: Vec<_> = BerReader::new(&buf).collect::<Result<_, _>>().unwrap();
        assert_eq!(items[0].tag, 0x5F20);
        assert_eq!(items[0].value, b"AB");
        assert!(items[1].constructed);
        assert_eq!(items[1].value.len(), 0x80);
    }

    #[test]
    fn refuses_values_past_the_end() {
        let e = BerReader::new(&[0x4F, 0x05, 1, 2])
            .next()
            .unwrap()
            .unwrap_err();
        assert_eq!(e.offset, 0);
    }
}
