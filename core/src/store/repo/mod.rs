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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use imwallet_protocol::money::{Currency, Money};

    use super::cards::{Card, Last4};
    use super::outbox::OperationState;
    use super::profile::Profile;
    use super::rewards::Coupon;
    use super::tokens::SessionTokens;
    use super::transactions::TransactionRecord;
    use crate::crypto::{KdfPolicy, SecretString};
    use crate::store::{Vault, VaultError, VaultOptions, VaultPaths};

    fn vault(dir: &tempfile::TempDir) -> Vault {
        let opts = VaultOptions {
            kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
            ..VaultOptions::default()
        };
        Vault::create(&VaultPaths::in_dir(dir.path()), &"pw".into(), None, opts).unwrap()
    }

    fn tx(id: &str, at: i64, minor: i64, who: &str, memo: Option<&str>) -> TransactionRecord {
        TransactionRecord {
            server_id: id.into(),
            created_at_ms: at,
            updated_at_ms: at + 1,
            kind: "payment".into(),
            status: "completed".into(),
            amount: Money::new(minor, Currency::Cny),
            counterparty: who.into(),
            category: Some("food".into()),
            memo: memo.map(Into::into),
        }
    }

    #[test]
    fn transactions_round_trip_page_newest_first_and_find_by_counterparty() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(&dir);
        let t = v.transactions().unwrap();
        let recs: Vec<_> = (0..10)
            .map(|i| {
                tx(
                    &format!("t{i}"),
                    i * 10,
                    -100 - i,
                    if i % 2 == 0 { "alice" } else { "bob" },
                    (i == 3).then_some("lunch"),
                )
            })
            .collect();
        t.upsert_many(&recs).unwrap();
        assert_eq!(t.get("t3").unwrap(), recs[3]);
        assert!(matches!(t.get("nope"), Err(VaultError::NotFound)));
        let page = t.page(3, 0).unwrap();
        let ids: Vec<_> = page.iter().map(|h| h.server_id.as_str()).collect();
        assert_eq!(ids, ["t9", "t8", "t7"]);
        assert_eq!(page[0].amount, Money::new(-109, Currency::Cny));
        let page = t.page(3, 6).unwrap();
        assert_eq!(page[0].server_id, "t3");
        assert!(page[0].has_memo);
        assert_eq!(t.with_counterparty("alice", 100).unwrap().len(), 5);
        assert_eq!(t.latest_update_ms().unwrap(), Some(91));
        // Upsert replaces by server id.
        let mut changed = recs[3].clone();
        changed.status = "refunded".into();
        changed.memo = None;
        t.upsert(&changed).unwrap();
        assert_eq!(t.get("t3").unwrap(), changed);
        assert_eq!(t.count().unwrap(), 10);
    }

    #[test]
    fn outbox_keeps_the_key_until_a_definitive_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(&dir);
        let o = v.outbox().unwrap();
        let op = o.insert("pay", b"{\"amount\":\"1.00\"}").unwrap();
        assert_eq!(o.get(&op.id).unwrap(), op);
        o.mark_sending(&op.id).unwrap();
        o.set_state(&op.id, OperationState::Unknown, None).unwrap();
        assert!(matches!(
            o.rotate_idempotency_key(&op.id, "k2"),
            Err(VaultError::InvalidState)
        ));
        assert!(matches!(
            o.remove_resolved(&op.id),
            Err(VaultError::InvalidState)
        ));
        assert_eq!(o.unresolved().unwrap().len(), 1);
        o.set_state(&op.id, OperationState::Failed, Some(b"declined"))
            .unwrap();
        assert!(matches!(
            o.set_state(&op.id, OperationState::Completed, None),
            Err(VaultError::InvalidState)
        ));
        let failed = o.get(&op.id).unwrap();
        assert_eq!(failed.attempts, 1);
        assert_eq!(failed.result.unwrap().expose(), b"declined");
        assert_eq!(
            o.find_by_idempotency_key(&op.idempotency_key).unwrap().id,
            op.id
        );
        o.rotate_idempotency_key(&op.id, "k2").unwrap();
        assert!(matches!(
            o.find_by_idempotency_key(&op.idempotency_key),
            Err(VaultError::NotFound)
        ));
        let again = o.get(&op.id).unwrap();
        assert_eq!(
            (again.state, again.idempotency_key.as_str()),
            (OperationState::Pending, "k2")
        );
        assert!(matches!(
            o.insert_with(&op.id, "k3", "pay", b"x"),
            Err(VaultError::AlreadyExists)
        ));
    }

    #[test]
    fn tokens_profile_cards_rewards_and_settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let v = vault(&dir);
        let tokens = SessionTokens {
            access: "acc".into(),
            refresh: "ref".into(),
            access_expires_at_s: 5,
        };
        v.tokens().unwrap().save(&tokens).unwrap();
        assert_eq!(v.tokens().unwrap().load().unwrap(), Some(tokens));
        v.tokens().unwrap().clear().unwrap();
        assert_eq!(v.tokens().unwrap().load().unwrap(), None);

        let p = Profile {
            user_id: "u1".into(),
            display_name: "Ann".into(),
            phone: Some("+1".into()),
            email: None,
        };
        v.profile().unwrap().save(&p).unwrap();
        assert_eq!(v.profile().unwrap().load().unwrap(), Some(p));

        assert!(Last4::new("41111").is_err());
        assert!(Last4::new("41a1").is_err());
        let card = Card {
            id: "c1".into(),
            token: "ctok".into(),
            brand: "visa".into(),
            bank_name: "Bank".into(),
            last4: Last4::new("1111").unwrap(),
            expiry_month: 12,
            expiry_year: 2030,
        };
        let cards = v.cards().unwrap();
        cards.save(&card).unwrap();
        assert_eq!(cards.list().unwrap(), vec![card.clone()]);
        assert_eq!(
            cards.find_by_token(&SecretString::from("ctok")).unwrap(),
            Some(card)
        );
        cards.remove("c1").unwrap();
        assert!(matches!(cards.remove("c1"), Err(VaultError::NotFound)));

        let r = v.rewards().unwrap();
        r.set_points(1234).unwrap();
        assert_eq!(r.points().unwrap(), Some(1234));
        let coupon = Coupon {
            server_id: "k1".into(),
            status: "available".into(),
            expires_at_s: 9,
            title: "5 off".into(),
            value: Money::new(500, Currency::Cny),
        };
        r.replace_coupons(std::slice::from_ref(&coupon)).unwrap();
        assert_eq!(r.coupons().unwrap(), vec![coupon]);

        let s = v.settings().unwrap();
        s.set("otp", b"seed").unwrap();
        assert_eq!(s.get("otp").unwrap().unwrap().expose(), b"seed");
        s.remove("otp").unwrap();
        assert!(s.get("otp").unwrap().is_none());
    }
}
