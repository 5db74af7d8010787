//! A tiny length-prefixed binary layout for the plaintext inside an
//! envelope (several fields sealed together cost one nonce and one tag).
//! Integers are little-endian; texts and byte strings carry a u32 length;
//! optional fields a presence byte. Decoding checks every length and rejects
//! trailing bytes. Buffers are zeroized on drop.

use zeroize::Zeroizing;

use crate::crypto::CryptoError;

/// Builds a record.
#[derive(Default)]
pub struct RecordWriter {
    buf: Zeroizing<Vec<u8>>,
}

impl RecordWriter {
    /// An empty record with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Zeroizing::new(Vec::with_capacity(capacity)),
        }
    }

    /// Appends an i64.
    pub fn i64(mut self, v: i64) -> Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends a u32.
    pub fn u32(mut self, v: u32) -> Self {
        self.buf.extend_from_slice(&v.to_le_bytes());
        self
    }

    /// Appends a byte string.
    pub fn bytes(mut self, v: &[u8]) -> Self {
        self.buf.extend_from_slice(&(v.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(v);
        self
    }

    /// Appends a text.
    pub fn str(self, v: &str) -> Self {
        self.bytes(v.as_bytes())
    }

    /// Appends an optional text.
    pub fn opt_str(mut self, v: Option<&str>) -> Self {
        match v {
            None => {
                self.buf.push(0);
                self
            }
            Some(s) => {
                self.buf.push(1);
                self.str(s)
            }
        }
    }

    /// The encoded record.
    pub fn finish(self) -> Zeroizing<Vec<u8>> {
        self.buf
    }
}

/// Reads a record written by [`RecordWriter`].
pub struct RecordReader<'a> {
    rest: &'a [u8],
}

impl<'a> RecordReader<'a> {
    /// Starts reading `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CryptoError> {
        if self.rest.len() < n {
            return Err(CryptoError::MalformedRecord);
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    /// Reads an i64.
    pub fn i64(&mut self) -> Result<i64, CryptoError> {
        let b: [u8; 8] = self
            .take(8)?
            .try_into()
            .map_err(|_| CryptoError::MalformedRecord)?;
        Ok(i64::from_le_bytes(b))
    }

    /// Reads a u32.
    pub fn u32(&mut self) -> Result<u32, CryptoError> {
        let b: [u8; 4] = self
            .take(4)?
            .try_into()
            .map_err(|_| CryptoError::MalformedRecord)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Reads a byte string.
    pub fn bytes(&mut self) -> Result<&'a [u8], CryptoError> {
        let len = self.u32()? as usize;
        self.take(len)
    }

    /// Reads a text.
    pub fn string(&mut self) -> Result<String, CryptoError> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| CryptoError::MalformedRecord)
    }

    /// Reads an optional text.
    pub fn opt_string(&mut self) -> Result<Option<String>, CryptoError> {
        match self.take(1)?[0] {
            0 => Ok(None),
            1 => self.string().map(Some),
            _ => Err(CryptoError::MalformedRecord),
        }
    }

    /// Fails unless every byte was read.
    pub fn end(self) -> Result<(), CryptoError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(CryptoError::MalformedRecord)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_record_reads_back_field_by_field() {
        let rec = RecordWriter::default()
            .i64(-5)
            .str("abc")
            .opt_str(None)
            .opt_str(Some("x"))
            .u32(7)
            .finish();
        let mut r = RecordReader::new(&rec);
        assert_eq!(r.i64().unwrap(), -5);
        assert_eq!(r.string().unwrap(), "abc");
        assert_eq!(r.opt_string().unwrap(), None);
        assert_eq!(r.opt_string().unwrap().as_deref(), Some("x"));
        assert_eq!(r.u32().unwrap(), 7);
        r.end().unwrap();
    }

    #[test]
    fn truncated_or_padded_records_are_rejected() {
        let rec = RecordWriter::default().str("abc").finish();
        assert!(RecordReader::new(&rec[..rec.len() - 1]).string().is_err());
        let mut longer = rec.to_vec();
        longer.push(0);
        let mut r = RecordReader::new(&longer);
        r.string().unwrap();
        assert!(r.end().is_err());
    }
}
