//! Secret-bearing types. Each one wipes its memory on drop (`zeroize`), prints
//! a redaction from `Debug`, and compares in constant time (`subtle`).

use std::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// A password or PIN typed by the user.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password; the caller's `String` is moved, not copied.
    pub fn new(password: impl Into<String>) -> Self {
        Self(Zeroizing::new(password.into()))
    }

    /// The UTF-8 bytes fed to the KDF.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// True when the password is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Password {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes().ct_eq(other.as_bytes()).into()
    }
}

impl Eq for Password {}

/// A secret text such as a session token or a card token.
#[derive(Clone)]
pub struct SecretString(Zeroizing<String>);

impl SecretString {
    /// Wraps a secret text.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself; do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl PartialEq for SecretString {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for SecretString {}

/// Secret bytes such as a decrypted request body or an OTP seed.
#[derive(Clone, Default)]
pub struct SecretBytes(Zeroizing<Vec<u8>>);

impl SecretBytes {
    /// Wraps secret bytes.
    pub fn new(value: Vec<u8>) -> Self {
        Self(Zeroizing::new(value))
    }

    /// The secret itself; do not log it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl From<&[u8]> for SecretBytes {
    fn from(value: &[u8]) -> Self {
        Self::new(value.to_vec())
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes(<redacted, {} bytes>)", self.0.len())
    }
}

impl PartialEq for SecretBytes {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for SecretBytes {}

/// A 256-bit symmetric key.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl SecretKey {
    /// Length of the key in bytes.
    pub const LEN: usize = 32;

    /// Wraps key bytes (the array is copied into zeroizing storage; the
    /// caller should wipe its own copy).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// A fresh key from the operating system's random number generator.
    pub fn random() -> Result<Self, super::CryptoError> {
        let mut key = Zeroizing::new([0u8; 32]);
        super::envelope::os_random(key.as_mut())?;
        Ok(Self(key))
    }

    /// The key bytes; do not log them.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_slice().ct_eq(other.0.as_slice()).into()
    }
}

impl Eq for SecretKey {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_every_secret_type_prints_a_redaction() {
        let shown = format!(
            "{:?} {:?} {:?} {:?}",
            Password::from("hunter2-canary"),
            SecretString::from("tok-canary"),
            SecretBytes::from(&b"bytes-canary"[..]),
            SecretKey::from_bytes([7; 32])
        );
        assert!(!shown.contains("canary"));
        assert!(!shown.contains("7, 7"));
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn secrets_compare_by_value() {
        assert_eq!(Password::from("a"), Password::from("a"));
        assert_ne!(Password::from("a"), Password::from("b"));
        assert_ne!(SecretString::from("a"), SecretString::from("ab"));
    }
}
