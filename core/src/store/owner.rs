//! Whose vault this is, answerable while it is locked.
//!
//! A login on a device that already holds a vault must not re-key, wipe or
//! re-wrap it for another account. The owner's server user id is kept as a
//! SHA-256 digest (domain-separated) in `vault_owner`, outside the
//! encryption, so the check runs before any key is derived. The digest is
//! not authenticated: whoever can write the file can make the check pass or
//! fail, but could delete the vault just as well; what it guards against is
//! a second, honest account on a shared device. When unlocked, the encrypted
//! profile is checked too.

use rusqlite::OptionalExtension;

use super::error::Result;
use super::vault::Vault;

/// What the vault says about an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The vault belongs to this account.
    Owner,
    /// The vault belongs to another account.
    Other,
    /// The vault does not know its owner (created before owners were
    /// recorded, and not refreshed since).
    Unknown,
}

fn digest(user_id: &str) -> Vec<u8> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"imwallet vault owner v1\0");
    ctx.update(user_id.as_bytes());
    ctx.finish().as_ref().to_vec()
}

impl Vault {
    /// Whether `user_id` owns this vault; works while the vault is locked.
    pub fn ownership(&self, user_id: &str) -> Result<Ownership> {
        let stored: Option<Vec<u8>> = self.db().read(|c| {
            Ok(c.query_row(
                "SELECT user_digest FROM vault_owner WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
        })?;
        Ok(match stored {
            None => Ownership::Unknown,
            Some(d) if d == digest(user_id) => Ownership::Owner,
            Some(_) => Ownership::Other,
        })
    }

    /// Records `user_id` as the owner (the caller has proven it: a server
    /// session for it opened this vault).
    pub fn record_owner(&self, user_id: &str) -> Result<()> {
        let d = digest(user_id);
        self.db().write(|tx| {
            tx.execute(
                "INSERT INTO vault_owner (id, user_digest) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET user_digest = excluded.user_digest",
                [d],
            )?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::crypto::{KdfPolicy, Password};
    use crate::store::{VaultOptions, VaultPaths};

    #[test]
    fn the_owner_is_known_while_locked_and_others_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let options = VaultOptions {
            kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
            ..VaultOptions::default()
        };
        let paths = VaultPaths::in_dir(dir.path());
        let vault = Vault::create(&paths, &Password::new("pw"), None, options.clone()).unwrap();
        assert_eq!(vault.ownership("usr_a").unwrap(), Ownership::Unknown);
        vault.record_owner("usr_a").unwrap();
        drop(vault);
        let vault = Vault::open(&paths, options).unwrap();
        assert!(!vault.is_unlocked());
        assert_eq!(vault.ownership("usr_a").unwrap(), Ownership::Owner);
        assert_eq!(vault.ownership("usr_b").unwrap(), Ownership::Other);
    }
}
