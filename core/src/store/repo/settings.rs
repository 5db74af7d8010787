//! Encrypted key-value settings (`settings`). Keys are names chosen by the
//! app (plaintext); values are encrypted with the key as the AAD row, so a
//! value cannot be moved to another setting.

use rusqlite::{OptionalExtension, params};

use super::{RepoCtx, aad};
use crate::crypto::SecretBytes;
use crate::store::error::Result;

const TABLE: &str = "settings";

/// Access to settings.
pub struct Settings<'v>(pub(crate) RepoCtx<'v>);

impl Settings<'_> {
    /// Stores `value` under `key`.
    pub fn set(&self, key: &str, value: &[u8]) -> Result<()> {
        let env = self
            .0
            .keys
            .columns
            .seal(&aad(TABLE, "value", key.as_bytes()), value)?;
        self.0.db.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                params![key, env],
            )?;
            Ok(())
        })
    }

    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Result<Option<SecretBytes>> {
        let env: Option<Vec<u8>> = self.0.db.read(|c| {
            Ok(
                c.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })?;
        env.map(|env| {
            let plain = self
                .0
                .keys
                .columns
                .open(&aad(TABLE, "value", key.as_bytes()), &env)?;
            Ok(SecretBytes::from(plain.as_slice()))
        })
        .transpose()
    }

    /// Removes `key`.
    pub fn remove(&self, key: &str) -> Result<()> {
        self.0.db.write(|tx| {
            tx.execute("DELETE FROM settings WHERE key = ?1", [key])?;
            Ok(())
        })
    }
}
