//! The error type of the crypto module. Messages are fixed strings: they never
//! contain key material, plaintext, or anything derived from them.

/// Why a cryptographic operation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Authentication failed: wrong key, tampered ciphertext, or a ciphertext
    /// moved to another row, column or table (its AAD does not match).
    #[error("authentication failed")]
    Authentication,
    /// The envelope is too short or otherwise not an envelope.
    #[error("malformed envelope")]
    Malformed,
    /// The envelope has a version this build does not understand.
    #[error("unsupported envelope version")]
    UnsupportedVersion,
    /// A decrypted payload did not have the expected layout.
    #[error("malformed plaintext record")]
    MalformedRecord,
    /// The key derivation function rejected its inputs or parameters.
    #[error("key derivation failed")]
    Kdf,
    /// The operating system's random number generator failed.
    #[error("random number generator failed")]
    Rng,
}
