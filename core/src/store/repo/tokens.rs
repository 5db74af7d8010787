//! Session tokens (`session_tokens`, one row): both tokens encrypted; the
//! access token's expiry is plaintext so a refresh can be planned without
//! decrypting.

use rusqlite::{OptionalExtension, params};

use super::{RepoCtx, aad};
use crate::crypto::SecretString;
use crate::store::error::Result;

const TABLE: &str = "session_tokens";

/// The current session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTokens {
    /// Short-lived bearer token.
    pub access: SecretString,
    /// Rotating refresh token.
    pub refresh: SecretString,
    /// When the access token expires, Unix seconds.
    pub access_expires_at_s: i64,
}

/// Access to the stored session.
pub struct Tokens<'v>(pub(crate) RepoCtx<'v>);

impl Tokens<'_> {
    /// Replaces the stored session.
    pub fn save(&self, tokens: &SessionTokens) -> Result<()> {
        let c = &self.0.keys.columns;
        let access = c.seal(
            &aad(TABLE, "access_token", b"1"),
            tokens.access.expose().as_bytes(),
        )?;
        let refresh = c.seal(
            &aad(TABLE, "refresh_token", b"1"),
            tokens.refresh.expose().as_bytes(),
        )?;
        self.0.db.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO session_tokens (id, access_token, refresh_token,
                 access_expires_at_s) VALUES (1, ?1, ?2, ?3)",
                params![access, refresh, tokens.access_expires_at_s],
            )?;
            Ok(())
        })
    }

    /// The stored session, if any.
    pub fn load(&self) -> Result<Option<SessionTokens>> {
        let row: Option<(Vec<u8>, Vec<u8>, i64)> = self.0.db.read(|c| {
            Ok(c.query_row(
                "SELECT access_token, refresh_token, access_expires_at_s FROM session_tokens
                 WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
        })?;
        let Some((access, refresh, expires)) = row else {
            return Ok(None);
        };
        let c = &self.0.keys.columns;
        let text = |column: &str, env: &[u8]| -> Result<SecretString> {
            let plain = c.open(&aad(TABLE, column, b"1"), env)?;
            let s = std::str::from_utf8(&plain)
                .map_err(|_| crate::crypto::CryptoError::MalformedRecord)?;
            Ok(SecretString::from(s))
        };
        Ok(Some(SessionTokens {
            access: text("access_token", &access)?,
            refresh: text("refresh_token", &refresh)?,
            access_expires_at_s: expires,
        }))
    }

    /// Forgets the session (logout).
    pub fn clear(&self) -> Result<()> {
        self.0.db.write(|tx| {
            tx.execute("DELETE FROM session_tokens", [])?;
            Ok(())
        })
    }
}
