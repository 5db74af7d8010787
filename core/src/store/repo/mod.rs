//! Repositories: typed access to each table, encrypting on the way in and
//! decrypting on the way out. Each handle holds the vault's keys (an `Arc`)
//! for its lifetime; get a fresh one after unlocking.
//!
//! What is plaintext and why is listed in `docs/security.md`; in short: ids
//! the server issued, timestamps, states and kinds that sorting, paging,
//! sync and reconciliation need, and nothing a thief could use (no amounts,
//! counterparties, memos, tokens, card data or personal data).

pub mod cards;
pub mod outbox;
pub mod profile;
pub mod rewards;
pub mod settings;
pub mod tokens;
pub mod transactions;

use std::sync::Arc;

use crate::crypto::{Aad, VaultKeys};

use super::db::Database;
use super::error::Result;
use super::vault::Vault;

/// Layout version of encrypted column values (part of every AAD).
pub const COLUMN_SCHEMA: u32 = 1;

pub(crate) fn aad<'a>(table: &'a str, column: &'a str, row: &'a [u8]) -> Aad<'a> {
    Aad {
        table,
        column,
        row,
        schema: COLUMN_SCHEMA,
    }
}

/// What every repository holds.
#[derive(Clone)]
pub(crate) struct RepoCtx<'v> {
    pub(crate) db: &'v Database,
    pub(crate) keys: Arc<VaultKeys>,
    pub(crate) vault: &'v Vault,
}

impl Vault {
    fn ctx(&self) -> Result<RepoCtx<'_>> {
        Ok(RepoCtx {
            db: self.db(),
            keys: self.keys()?,
            vault: self,
        })
    }

    /// Transaction history cache.
    pub fn transactions(&self) -> Result<transactions::Transactions<'_>> {
        Ok(transactions::Transactions(self.ctx()?))
    }

    /// Outbox of money-moving operations.
    pub fn outbox(&self) -> Result<outbox::Outbox<'_>> {
        Ok(outbox::Outbox(self.ctx()?))
    }

    /// Session tokens.
    pub fn tokens(&self) -> Result<tokens::Tokens<'_>> {
        Ok(tokens::Tokens(self.ctx()?))
    }

    /// The user's profile.
    pub fn profile(&self) -> Result<profile::ProfileRepo<'_>> {
        Ok(profile::ProfileRepo(self.ctx()?))
    }

    /// Bound bank cards.
    pub fn cards(&self) -> Result<cards::Cards<'_>> {
        Ok(cards::Cards(self.ctx()?))
    }

    /// Points and coupons.
    pub fn rewards(&self) -> Result<rewards::Rewards<'_>> {
        Ok(rewards::Rewards(self.ctx()?))
    }

    /// Encrypted key-value settings.
    pub fn settings(&self) -> Result<settings::Settings<'_>> {
        Ok(settings::Settings(self.ctx()?))
    }
}
