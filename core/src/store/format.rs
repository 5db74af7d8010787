//! The vault's [`VaultFormat`], bound to the wrapped DEK, settled at unlock.
//!
//! The password wrap and the key check authenticate what the vault's rows
//! promise (the AAD's version, [`crate::crypto::keys`]). At each unlock:
//!
//! - a **sealed** vault ([`VaultFormat::SealedOutbox`]) refuses to unlock
//!   while any outbox row lacks its authenticated header: someone with the
//!   files erased it, and adopting the plaintext found now could replay a
//!   completed payment under an edited state or key (issue 10, item 3);
//! - a **legacy** vault (wrapped by a build before the binding) has its
//!   header-less outbox rows sealed, trusting their plaintext once
//!   ([`crate::store::repo::outbox::Outbox::adopt_legacy_rows`]), and only
//!   then the password wrap and the key check are rewritten as sealed. A
//!   crash between the two steps leaves a legacy wrap over sealed rows, which
//!   the next unlock finishes; the reverse order could lock a user out.
//!
//! Only the password path upgrades (the platform key store wraps the raw
//! DEK, and the password wrap cannot be rewritten without the KEK), so the
//! platform-key path opens only sealed vaults; a legacy one answers
//! [`VaultError::NotFound`] like one without a key check: unlock with the
//! password once.

use rusqlite::{Transaction, params};

use super::error::{Result, VaultError};
use super::vault::Vault;
use crate::crypto::secret::SecretKey;
use crate::crypto::{DataKey, KdfParams, VaultFormat, VaultKeys};

/// What re-wrapping the DEK under the password needs, kept from a
/// successful password check so an upgrade costs no second Argon2 run.
pub(super) struct PasswordWrap {
    /// The key-encryption key derived from the password.
    pub(super) kek: SecretKey,
    /// The salt it was derived with.
    pub(super) salt: Vec<u8>,
    /// The KDF parameters it was derived with.
    pub(super) params: KdfParams,
}

/// The key check of `dek` for a vault in `format`.
pub(super) fn key_check(dek: &DataKey, format: VaultFormat) -> Result<Vec<u8>> {
    Ok(VaultKeys::from_dek(dek)?.seal_key_check(format)?)
}

/// Stores a password wrap and the key check of the same format together.
pub(super) fn store_password_wrap(
    tx: &Transaction<'_>,
    wrap: &PasswordWrap,
    wrapped: &[u8],
    check: &[u8],
) -> Result<()> {
    tx.execute(
        "UPDATE vault_meta SET kdf_salt = ?1, kdf_m_kib = ?2, kdf_t = ?3, kdf_p = ?4,
         wrapped_dek = ?5, key_check = ?6 WHERE id = 1",
        params![
            wrap.salt,
            wrap.params.m_kib,
            wrap.params.t,
            wrap.params.p,
            wrapped,
            check
        ],
    )?;
    Ok(())
}

impl Vault {
    /// Wraps `dek` under `wrap` in `format` and stores it with its key check.
    pub(super) fn write_password_wrap(
        &self,
        dek: &DataKey,
        wrap: &PasswordWrap,
        format: VaultFormat,
    ) -> Result<()> {
        let wrapped = dek.wrap(&wrap.kek, &wrap.salt, &wrap.params, format)?;
        let check = key_check(dek, format)?;
        self.db()
            .write(|tx| store_password_wrap(tx, wrap, &wrapped, &check))
    }

    /// Holds the outbox to what `format` promises, with the keys of `dek`
    /// installed; upgrades a legacy vault when `wrap` allows re-wrapping.
    pub(super) fn settle_format(
        &self,
        dek: &DataKey,
        format: VaultFormat,
        wrap: Option<&PasswordWrap>,
    ) -> Result<()> {
        let outbox = self.outbox()?;
        match format {
            VaultFormat::SealedOutbox => outbox.refuse_unsealed_rows(),
            VaultFormat::Legacy => {
                outbox.adopt_legacy_rows()?;
                match wrap {
                    Some(wrap) => self.write_password_wrap(dek, wrap, VaultFormat::CURRENT),
                    None => Ok(()),
                }
            }
        }
    }
}

/// The format a platform-key unlock may proceed with: only a sealed vault.
pub(super) fn platform_format(found: VaultFormat) -> Result<VaultFormat> {
    match found {
        VaultFormat::SealedOutbox => Ok(found),
        VaultFormat::Legacy => Err(VaultError::PasswordUnlockRequired),
    }
}
