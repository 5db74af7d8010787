//! Tamper tests: a flipped byte, ciphertexts swapped between rows or
//! columns, and a ciphertext from another vault's key each give a typed
//! `Crypto` error; nothing panics.

use imwallet_core::crypto::CryptoError;
use imwallet_core::store::repo::tokens::SessionTokens;
use imwallet_core::store::{VaultError, VaultPaths};
use rusqlite::Connection;

use crate::support;

fn is_crypto<T: std::fmt::Debug>(r: Result<T, VaultError>) -> bool {
    matches!(r, Err(VaultError::Crypto(_)))
}

fn raw(dir: &std::path::Path, cache: bool) -> Connection {
    let p = VaultPaths::in_dir(dir);
    Connection::open(if cache { p.cache } else { p.main }).unwrap()
}

fn seeded(dir: &std::path::Path) -> imwallet_core::store::Vault {
    let v = support::create(dir);
    let recs: Vec<_> = (0..3)
        .map(|i| support::record(&format!("t{i}"), i * 4))
        .collect();
    v.transactions().unwrap().upsert_many(&recs).unwrap();
    v.tokens()
        .unwrap()
        .save(&SessionTokens {
            access: "access".into(),
            refresh: "refresh".into(),
            access_expires_at_s: 0,
        })
        .unwrap();
    v.settings().unwrap().set("a", b"1").unwrap();
    v.settings().unwrap().set("b", b"2").unwrap();
    v
}

#[test]
fn one_flipped_byte_in_any_position_is_a_crypto_error() {
    let dir = tempfile::tempdir().unwrap();
    let v = seeded(dir.path());
    let c = raw(dir.path(), true);
    let body: Vec<u8> = c
        .query_row(
            "SELECT body FROM transactions WHERE server_id = 't1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for i in 0..body.len() {
        let mut bad = body.clone();
        bad[i] ^= 0x80;
        c.execute(
            "UPDATE transactions SET body = ?1 WHERE server_id = 't1'",
            [&bad],
        )
        .unwrap();
        assert!(is_crypto(v.transactions().unwrap().get("t1")), "byte {i}");
        assert!(
            is_crypto(v.transactions().unwrap().page(10, 0)),
            "page with byte {i}"
        );
    }
    c.execute(
        "UPDATE transactions SET body = ?1 WHERE server_id = 't1'",
        [&body],
    )
    .unwrap();
    v.transactions().unwrap().get("t1").unwrap();
    // Truncated and empty envelopes too.
    for bad in [&body[..5], &[][..]] {
        c.execute(
            "UPDATE transactions SET body = ?1 WHERE server_id = 't1'",
            [bad],
        )
        .unwrap();
        assert!(matches!(
            v.transactions().unwrap().get("t1"),
            Err(VaultError::Crypto(CryptoError::Malformed))
        ));
    }
}

#[test]
fn ciphertexts_swapped_between_rows_are_crypto_errors() {
    let dir = tempfile::tempdir().unwrap();
    let v = seeded(dir.path());
    let c = raw(dir.path(), true);
    c.execute_batch(
        "UPDATE transactions SET body = (SELECT body FROM transactions WHERE server_id = 't2')
         WHERE server_id = 't0';",
    )
    .unwrap();
    assert!(is_crypto(v.transactions().unwrap().get("t0")));
    v.transactions().unwrap().get("t2").unwrap();
    let m = raw(dir.path(), false);
    m.execute_batch(
        "UPDATE settings SET value = (SELECT value FROM settings WHERE key = 'b') WHERE key = 'a';",
    )
    .unwrap();
    assert!(is_crypto(v.settings().unwrap().get("a")));
}

#[test]
fn ciphertexts_swapped_between_columns_are_crypto_errors() {
    let dir = tempfile::tempdir().unwrap();
    let v = seeded(dir.path());
    let m = raw(dir.path(), false);
    m.execute_batch("UPDATE session_tokens SET access_token = refresh_token;")
        .unwrap();
    assert!(is_crypto(v.tokens().unwrap().load()));
    // History bodies carry the memo (one envelope per row); move another
    // encrypted column of the cache file (the points balance) into one.
    v.rewards().unwrap().set_points(7).unwrap();
    let c = raw(dir.path(), true);
    c.execute_batch(
        "UPDATE transactions SET body = (SELECT body FROM points) WHERE server_id = 't0';",
    )
    .unwrap();
    assert!(is_crypto(v.transactions().unwrap().get("t0")));
    assert!(is_crypto(v.transactions().unwrap().page(10, 0)));
}

#[test]
fn a_ciphertext_under_another_vaults_key_is_a_crypto_error() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let va = seeded(a.path());
    let vb = seeded(b.path());
    let body: Vec<u8> = raw(a.path(), true)
        .query_row(
            "SELECT body FROM transactions WHERE server_id = 't1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    raw(b.path(), true)
        .execute(
            "UPDATE transactions SET body = ?1 WHERE server_id = 't1'",
            [&body],
        )
        .unwrap();
    assert!(is_crypto(vb.transactions().unwrap().get("t1")));
    va.transactions().unwrap().get("t1").unwrap();
}

/// Issue 10: editing the plaintext `state` and `idempotency_key` of a
/// completed outbox row must not make it replayable under a new key.
#[test]
fn an_outbox_row_with_an_edited_state_or_key_is_refused_not_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let v = support::create(dir.path());
    let outbox = v.outbox().unwrap();
    let op = outbox
        .insert("top_up", b"{\"path\":\"/v1/top-ups\"}")
        .unwrap();
    outbox
        .set_state(
            &op.id,
            imwallet_core::store::repo::outbox::OperationState::Completed,
            Some(b"{}"),
        )
        .unwrap();
    let c = raw(dir.path(), false);
    for edit in [
        "UPDATE pending_operations SET state = 'unknown', idempotency_key = 'fresh-key'",
        "UPDATE pending_operations SET state = 'unknown'",
        "UPDATE pending_operations SET kind = 'withdrawal'",
    ] {
        let saved: (String, String, String) = c
            .query_row(
                "SELECT kind, state, idempotency_key FROM pending_operations",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        c.execute(edit, []).unwrap();
        // Never offered for replay: refused, or (a completed row whose kind
        // was edited) not open at all.
        match outbox.unresolved() {
            Err(VaultError::Crypto(_)) => {}
            Ok(open) => assert!(open.is_empty(), "{edit}"),
            Err(other) => panic!("{edit}: {other:?}"),
        }
        assert!(is_crypto(outbox.get(&op.id)), "{edit}");
        // A state change does not bless the edited row either.
        assert!(is_crypto(outbox.mark_sending(&op.id)), "{edit}");
        c.execute(
            "UPDATE pending_operations SET kind = ?1, state = ?2, idempotency_key = ?3",
            rusqlite::params![saved.0, saved.1, saved.2],
        )
        .unwrap();
        assert_eq!(
            outbox.get(&op.id).unwrap().idempotency_key,
            op.idempotency_key
        );
    }
}

/// Issue 10: erasing *every* outbox header and every setting (the
/// `outbox.headers_v1` marker among them) no longer makes a sealed vault
/// look legacy. Its wrapped data key says the rows are sealed, so the
/// unlock is refused (password and platform key alike) instead of adopting
/// the edited plaintext: nothing is sealed, nothing is offered for replay.
#[test]
fn stripping_every_outbox_header_and_the_marker_is_refused_at_unlock() {
    use imwallet_core::crypto::SoftwarePlatformKeyStore;
    use imwallet_core::store::Vault;
    use imwallet_core::store::repo::outbox::OperationState;
    let dir = tempfile::tempdir().unwrap();
    let store = SoftwarePlatformKeyStore::generate().unwrap();
    let v = support::create(dir.path());
    v.enable_platform_unlock(&store).unwrap();
    let outbox = v.outbox().unwrap();
    let op = outbox
        .insert("top_up", b"{\"path\":\"/v1/top-ups\"}")
        .unwrap();
    outbox
        .set_state(&op.id, OperationState::Completed, Some(b"{}"))
        .unwrap();
    drop(outbox);
    drop(v);
    let c = raw(dir.path(), false);
    c.execute_batch(
        "UPDATE pending_operations SET header = NULL, state = 'unknown',
             idempotency_key = 'fresh-key';
         DELETE FROM settings;",
    )
    .unwrap();
    let v = Vault::open(&VaultPaths::in_dir(dir.path()), support::fast()).unwrap();
    for _ in 0..2 {
        let refused = v.unlock(&support::PASSWORD.into());
        assert!(is_crypto(refused), "the edited outbox was adopted");
        assert!(!v.is_unlocked());
        assert!(matches!(v.outbox(), Err(VaultError::Locked)));
        assert!(is_crypto(v.unlock_with_platform_key(&store)));
        assert!(!v.is_unlocked());
    }
    // Nothing was sealed over the edit; the right password is not counted
    // as a wrong one.
    let header: Option<Vec<u8>> = c
        .query_row("SELECT header FROM pending_operations", [], |r| r.get(0))
        .unwrap();
    assert!(header.is_none());
    assert_eq!(v.unlock_attempts().unwrap().consecutive_failures, 0);
}

#[test]
fn an_edited_plaintext_column_of_the_history_fails_authentication() {
    for edit in [
        "currency = 'USD'",
        "kind = 'top_up'",
        "status = 'reversed'",
        "direction = 1",
        "created_at_ms = created_at_ms + 1",
        "updated_at_ms = updated_at_ms + 1",
        "memo = x''",
        "memo = NULL",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let v = seeded(dir.path());
        let c = raw(dir.path(), true);
        c.execute(
            &format!("UPDATE transactions SET {edit} WHERE server_id = 't1'"),
            [],
        )
        .unwrap();
        assert!(is_crypto(v.transactions().unwrap().get("t1")), "{edit}");
        assert!(is_crypto(v.transactions().unwrap().page(10, 0)), "{edit}");
        // The untouched rows still read.
        v.transactions().unwrap().get("t0").unwrap();
    }
}

#[test]
fn an_edited_coupon_status_or_expiry_fails_authentication() {
    use imwallet_core::protocol::money::{Currency, Money};
    use imwallet_core::store::repo::rewards::Coupon;
    for edit in [
        "status = 'available'",
        "expires_at_s = expires_at_s + 86400",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let v = seeded(dir.path());
        let coupon = Coupon {
            server_id: "cp1".into(),
            status: "used".into(),
            expires_at_s: 1_000,
            title: "5 off".into(),
            value: Money::new(500, Currency::Cny),
        };
        let rewards = v.rewards().unwrap();
        rewards
            .replace_coupons(std::slice::from_ref(&coupon))
            .unwrap();
        assert_eq!(rewards.coupons().unwrap(), vec![coupon]);
        raw(dir.path(), true)
            .execute(&format!("UPDATE coupons SET {edit}"), [])
            .unwrap();
        assert!(is_crypto(rewards.coupons()), "{edit}");
    }
}
