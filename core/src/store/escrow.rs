//! The session escrow: where a rotated token pair goes when it arrives while
//! the vault is locked (a refresh that was in flight when the user locked).
//!
//! The server spends the old refresh token on every rotation, so a pair that
//! is only kept in memory is lost with the process, and the next launch
//! presents the spent token: refresh-token reuse, and the server revokes the
//! whole session. The data key is not in memory while locked, so the pair
//! cannot go to `session_tokens`. Instead:
//!
//! - at every unlock the vault loads (or creates) a random 256-bit *escrow
//!   key*, stored only under the data key (setting `session.escrow_key_v1`),
//!   and keeps it in memory **across the lock** — it protects nothing but
//!   the escrowed session, which is no more than what a refresh completing
//!   after the lock holds in memory anyway;
//! - a pair rotated while locked is sealed under the escrow key into
//!   `session_escrow` (one row, replaced by newer rotations), so the file
//!   never holds a readable token;
//! - the next unlock (in this process or after a restart) opens it, saves it
//!   as the session and deletes the row, before the session is restored.
//!
//! An escrow row that does not open (the key was replaced by a re-key, or
//! the row was tampered with) is discarded: the stored session then applies,
//! as before this module existed.

use std::sync::Arc;

use rusqlite::{OptionalExtension, params};

use super::error::{Result, VaultError};
use super::repo::tokens::SessionTokens;
use super::vault::Vault;
use crate::crypto::secret::SecretKey;
use crate::crypto::{Aad, ColumnCipher, CryptoError, SecretString};
use crate::store::codec::{RecordReader, RecordWriter};

/// The setting holding the escrow key (sealed under the data key).
const KEY_SETTING: &str = "session.escrow_key_v1";

const AAD: Aad<'static> = Aad {
    table: "session_escrow",
    column: "pair",
    row: b"1",
    schema: super::repo::COLUMN_SCHEMA,
};

/// The escrow key, ready to seal and open.
pub(crate) type EscrowCipher = Arc<ColumnCipher>;

impl Vault {
    /// Loads or creates the escrow key (the vault must be unlocked).
    pub(super) fn escrow_cipher_for_unlocked(&self) -> Result<EscrowCipher> {
        let settings = self.settings()?;
        let key = match settings.get(KEY_SETTING)? {
            Some(bytes) => {
                let bytes: [u8; SecretKey::LEN] = bytes
                    .expose()
                    .try_into()
                    .map_err(|_| CryptoError::MalformedRecord)?;
                SecretKey::from_bytes(bytes)
            }
            None => {
                let key = SecretKey::random()?;
                settings.set(KEY_SETTING, key.expose())?;
                key
            }
        };
        Ok(Arc::new(ColumnCipher::new(&key)?))
    }

    /// Saves a rotated session: as the session while unlocked, into the
    /// escrow while locked (once this process has unlocked the vault), else
    /// [`VaultError::Locked`].
    pub fn save_rotated_session(&self, tokens: &SessionTokens) -> Result<()> {
        if let Ok(repo) = self.tokens() {
            return repo.save(tokens);
        }
        let cipher = self.escrow().ok_or(VaultError::Locked)?;
        let record = RecordWriter::with_capacity(256)
            .str(tokens.access.expose())
            .str(tokens.refresh.expose())
            .i64(tokens.access_expires_at_s)
            .finish();
        let sealed = cipher.seal(&AAD, &record)?;
        self.db().write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO session_escrow (id, pair) VALUES (1, ?1)",
                params![sealed],
            )?;
            Ok(())
        })
    }

    /// Moves an escrowed session into `session_tokens` (the vault is
    /// unlocked and `cipher` is its escrow key). A row that does not open is
    /// discarded.
    pub(super) fn adopt_escrowed_session(&self, cipher: &ColumnCipher) -> Result<()> {
        let sealed: Option<Vec<u8>> = self.db().read(|c| {
            Ok(
                c.query_row("SELECT pair FROM session_escrow WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })?;
        let Some(sealed) = sealed else {
            return Ok(());
        };
        match open_pair(cipher, &sealed) {
            Ok(tokens) => self.tokens()?.save(&tokens)?,
            Err(_) => tracing::warn!("discarding an escrowed session that does not open"),
        }
        self.db().write(|tx| {
            tx.execute("DELETE FROM session_escrow", [])?;
            Ok(())
        })
    }
}

fn open_pair(cipher: &ColumnCipher, sealed: &[u8]) -> Result<SessionTokens> {
    let plain = cipher.open(&AAD, sealed)?;
    let mut r = RecordReader::new(&plain);
    let access = SecretString::from(zeroize::Zeroizing::new(r.string()?).as_str());
    let refresh = SecretString::from(zeroize::Zeroizing::new(r.string()?).as_str());
    let access_expires_at_s = r.i64()?;
    r.end()?;
    Ok(SessionTokens {
        access,
        refresh,
        access_expires_at_s,
    })
}
