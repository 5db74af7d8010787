//! Migrations: databases created at every earlier schema version open and
//! upgrade with their data readable; a migration killed halfway leaves the
//! old schema or the new one, never a mix.

use std::path::Path;
use std::time::{Duration, Instant};

use imwallet_core::crypto::kdf::derive_kek;
use imwallet_core::crypto::{
    Aad, DataKey, KdfPolicy, PlatformKeyStore, SoftwarePlatformKeyStore, VaultFormat, VaultKeys,
};
use imwallet_core::store::migrate::{self, Migration};
use imwallet_core::store::repo::COLUMN_SCHEMA;
use imwallet_core::store::repo::outbox::OperationState;
use imwallet_core::store::{Vault, VaultError, VaultPaths};
use rusqlite::{Connection, params};

use crate::support::{self, ChildRun, Lcg, PASSWORD};

fn aad<'a>(table: &'a str, column: &'a str, row: &'a [u8]) -> Aad<'a> {
    Aad {
        table,
        column,
        row,
        schema: COLUMN_SCHEMA,
    }
}

fn at_version(path: &Path, list: &[Migration], version: u32) -> Connection {
    let mut c = Connection::open(path).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    migrate::migrate_to(&mut c, list, version).unwrap();
    assert_eq!(migrate::user_version(&c).unwrap(), version);
    c
}

/// Writes what a build at schema `version` would have written, using the
/// same public crypto primitives. Returns the data key.
fn old_vault(dir: &Path, version: u32) -> DataKey {
    let paths = VaultPaths::in_dir(dir);
    let params = KdfPolicy::INSECURE_FOR_TESTS.floor;
    let salt = [9u8; 16];
    let kek = derive_kek(&PASSWORD.into(), &salt, &params).unwrap();
    let dek = DataKey::generate().unwrap();
    let keys = VaultKeys::from_dek(&dek).unwrap();
    let main = at_version(&paths.main, migrate::MAIN, version);
    main.execute(
        "INSERT INTO vault_meta (id, kdf_salt, kdf_m_kib, kdf_t, kdf_p, wrapped_dek, created_at_s)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, 0)",
        params![
            &salt[..],
            params.m_kib,
            params.t,
            params.p,
            // Builds before the format was bound wrapped with AAD version 1.
            dek.wrap(&kek, &salt, &params, VaultFormat::Legacy).unwrap()
        ],
    )
    .unwrap();
    let seed = keys
        .columns
        .seal(&aad("settings", "value", b"otp"), b"otp-seed")
        .unwrap();
    main.execute(
        "INSERT INTO settings (key, value) VALUES ('otp', ?1)",
        [seed],
    )
    .unwrap();
    if version >= 2 {
        let req = keys
            .columns
            .seal(&aad("pending_operations", "request", b"op1"), b"req")
            .unwrap();
        main.execute(
            "INSERT INTO pending_operations (id, kind, idempotency_key, state, request, created_at_s)
             VALUES ('op1', 'pay', 'key1', 'unknown', ?1, 1234)",
            [req],
        )
        .unwrap();
        if version >= 3 {
            // A version-3 build writes the last-change time with the row.
            main.execute("UPDATE pending_operations SET updated_at_s = 1234", [])
                .unwrap();
        }
    }
    let cache = at_version(&paths.cache, migrate::CACHE, cache_version_of(version));
    // The history body layout: zigzag varint amount (-250 -> 499), varint
    // length + counterparty, 0 = no category.
    let body = [&[0xf3, 0x03, 6][..], b"Bakery", &[0]].concat();
    let body = keys
        .columns
        .seal(&aad("transactions", "body", b"tx1"), &body)
        .unwrap();
    let idx = keys.index.index("transactions", "counterparty", b"Bakery");
    cache
        .execute(
            "INSERT INTO transactions (server_id, created_at_ms, updated_at_ms, kind, status,
             direction, currency, body, memo, counterparty_idx)
             VALUES ('tx1', 5, 6, 'payment', 'completed', -1, 'CNY', ?1, NULL, ?2)",
            params![body, &idx[..]],
        )
        .unwrap();
    dek
}

/// The cache schema a build at main schema `version` had (cache 4 came
/// with main 5).
fn cache_version_of(version: u32) -> u32 {
    version.min(3)
}

fn fresh_schema(list: &[Migration], version: u32) -> Vec<(String, String, Option<String>)> {
    let mut c = Connection::open_in_memory().unwrap();
    migrate::migrate_to(&mut c, list, version).unwrap();
    support::schema_of(&c)
}

#[test]
fn databases_from_every_earlier_schema_version_open_and_upgrade() {
    let latest = migrate::latest(migrate::MAIN);
    let cache_latest = migrate::latest(migrate::CACHE);
    assert!(cache_latest <= latest);
    for version in 1..latest {
        let dir = tempfile::tempdir().unwrap();
        old_vault(dir.path(), version);
        let v = Vault::open(&VaultPaths::in_dir(dir.path()), support::fast()).unwrap();
        let report = v.open_report();
        assert_eq!(
            (report.main_version_before, report.cache_version_before),
            (version, cache_version_of(version))
        );
        v.unlock(&PASSWORD.into()).unwrap();
        assert_eq!(
            v.settings().unwrap().get("otp").unwrap().unwrap().expose(),
            b"otp-seed"
        );
        // History rows from before cache schema 4 authenticated none of
        // their plaintext columns: they were dropped (the next sync refills
        // the cache), never shown unauthenticated.
        assert_eq!(v.transactions().unwrap().count().unwrap(), 0);
        assert!(matches!(
            v.transactions().unwrap().get("tx1"),
            Err(VaultError::NotFound)
        ));
        if version >= 2 {
            let op = v.outbox().unwrap().get("op1").unwrap();
            assert_eq!(
                (op.state, op.attempts, op.updated_at_s),
                (OperationState::Unknown, 0, 1234)
            );
        }
        let paths = VaultPaths::in_dir(dir.path());
        let main = Connection::open(&paths.main).unwrap();
        let cache = Connection::open(&paths.cache).unwrap();
        assert_eq!(
            support::schema_of(&main),
            fresh_schema(migrate::MAIN, latest)
        );
        assert_eq!(
            support::schema_of(&cache),
            fresh_schema(migrate::CACHE, cache_latest)
        );
        if version >= 2 {
            // The legacy row was sealed at this first unlock and the key
            // re-wrapped as sealed: from now on an edited key is refused,
            // and a header erased to look legacy refuses the unlock itself.
            main.execute(
                "UPDATE pending_operations SET idempotency_key = 'other' WHERE id = 'op1'",
                [],
            )
            .unwrap();
            assert!(matches!(
                v.outbox().unwrap().get("op1"),
                Err(VaultError::Crypto(_))
            ));
            main.execute(
                "UPDATE pending_operations SET idempotency_key = 'key1', header = NULL",
                [],
            )
            .unwrap();
            v.lock();
            assert!(matches!(
                v.unlock(&PASSWORD.into()),
                Err(VaultError::Crypto(_))
            ));
            assert!(!v.is_unlocked());
        }
    }
}

/// A vault wrapped before the format was bound to its key (builds up to
/// schema 5): its first password unlock seals the header-less outbox row,
/// then re-wraps the key and rewrites the key check as sealed. Until then
/// the platform key does not open it (`PasswordUnlockRequired`: the password once).
#[test]
fn a_legacy_wrapped_vault_is_sealed_and_re_wrapped_at_its_first_password_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    let dek = old_vault(dir.path(), migrate::latest(migrate::MAIN));
    let keys = VaultKeys::from_dek(&dek).unwrap();
    let store = SoftwarePlatformKeyStore::generate().unwrap();
    let main = Connection::open(&paths.main).unwrap();
    main.execute(
        "UPDATE vault_meta SET platform_wrapped_dek = ?1, key_check = ?2",
        params![
            store.wrap(&dek.to_secret_bytes()).unwrap(),
            keys.seal_key_check(VaultFormat::Legacy).unwrap()
        ],
    )
    .unwrap();
    let v = Vault::open(&paths, support::fast()).unwrap();
    assert!(matches!(
        v.unlock_with_platform_key(&store),
        Err(VaultError::PasswordUnlockRequired)
    ));
    assert!(!v.is_unlocked());
    v.unlock(&PASSWORD.into()).unwrap();
    assert_eq!(
        v.outbox().unwrap().get("op1").unwrap().idempotency_key,
        "key1"
    );
    let check: Vec<u8> = main
        .query_row("SELECT key_check FROM vault_meta", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        keys.open_key_check(&check).unwrap(),
        VaultFormat::SealedOutbox
    );
    v.lock();
    v.unlock_with_platform_key(&store).unwrap();
    v.lock();
    v.unlock(&PASSWORD.into()).unwrap();
    // Sealed now: a header erased to look legacy refuses both unlocks.
    main.execute("UPDATE pending_operations SET header = NULL", [])
        .unwrap();
    v.lock();
    assert!(matches!(
        v.unlock(&PASSWORD.into()),
        Err(VaultError::Crypto(_))
    ));
    assert!(matches!(
        v.unlock_with_platform_key(&store),
        Err(VaultError::Crypto(_))
    ));
}

/// Issue 10: a platform-key unlock the vault cannot take (a legacy vault
/// that one password unlock must seal first, or no platform wrapping at all)
/// says "use the password" in a type the shells act on, not `not_found`.
#[test]
fn a_platform_key_unlock_of_a_legacy_vault_asks_for_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    let dek = old_vault(dir.path(), migrate::latest(migrate::MAIN));
    let keys = VaultKeys::from_dek(&dek).unwrap();
    let store = SoftwarePlatformKeyStore::generate().unwrap();
    let v = Vault::open(&paths, support::fast()).unwrap();
    // No platform wrapping stored yet.
    let err = v.unlock_with_platform_key(&store).unwrap_err();
    assert!(matches!(err, VaultError::PasswordUnlockRequired), "{err:?}");
    let main = Connection::open(&paths.main).unwrap();
    main.execute(
        "UPDATE vault_meta SET platform_wrapped_dek = ?1, key_check = ?2",
        params![
            store.wrap(&dek.to_secret_bytes()).unwrap(),
            keys.seal_key_check(VaultFormat::Legacy).unwrap()
        ],
    )
    .unwrap();
    let err = v.unlock_with_platform_key(&store).unwrap_err();
    assert!(matches!(err, VaultError::PasswordUnlockRequired), "{err:?}");
    assert!(!v.is_unlocked());
    let shown = imwallet_core::WalletError::from(err);
    assert!(
        matches!(shown, imwallet_core::WalletError::VaultLocked),
        "{shown:?}"
    );
    assert_eq!(shown.code(), "vault_locked");
    assert!(!shown.retryable());
    v.unlock(&PASSWORD.into()).unwrap();
    v.lock();
    v.unlock_with_platform_key(&store).unwrap();
}

const CHILD_ENV: &str = "IMWALLET_MIGRATE_CHILD_DIR";
const FROM: u32 = 2;

/// A version-2 pair of files with enough rows that migration 3 takes a
/// while (backfill on the outbox, index build on the history).
fn big_v2_fixture(dir: &Path) {
    let paths = VaultPaths::in_dir(dir);
    let mut main = at_version(&paths.main, migrate::MAIN, FROM);
    let tx = main.transaction().unwrap();
    {
        let mut st = tx
            .prepare(
                "INSERT INTO pending_operations (id, kind, idempotency_key, state, request, created_at_s)
                 VALUES (?1, 'pay', ?2, 'completed', ?3, ?4)",
            )
            .unwrap();
        for i in 0..60_000i64 {
            st.execute(params![
                format!("op{i:08}"),
                format!("k{i:08}"),
                [i as u8; 48],
                i
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    let mut cache = at_version(&paths.cache, migrate::CACHE, FROM);
    let tx = cache.transaction().unwrap();
    {
        let mut st = tx
            .prepare(
                "INSERT INTO transactions (server_id, created_at_ms, updated_at_ms, kind, status,
                 direction, currency, body, memo, counterparty_idx)
                 VALUES (?1, ?2, ?3, 'payment', 'completed', -1, 'CNY', ?4, NULL, ?5)",
            )
            .unwrap();
        for i in 0..150_000i64 {
            let updated = (i * 7_919) % 1_000_003;
            st.execute(params![
                format!("tx{i:08}"),
                i,
                updated,
                [i as u8; 60],
                [(i % 251) as u8; 16]
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
    // Checkpoint so each copy is a single self-contained file.
    for c in [&main, &cache] {
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    }
}

fn copy_fixture(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for name in ["vault.db", "cache.db"] {
        std::fs::copy(from.join(name), to.join(name)).unwrap();
    }
}

#[test]
fn child_migrator_upgrades_a_version_two_vault() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        support::child_begin();
        // Opening migrates both files (no vault row: NoVault is expected).
        let _ = Vault::open(&VaultPaths::in_dir(&dir), support::fast());
        println!("MIGRATED");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    at_version(&paths.main, migrate::MAIN, FROM);
    at_version(&paths.cache, migrate::CACHE, FROM);
    let _ = Vault::open(&paths, support::fast());
    assert_eq!(
        support::user_version(&paths.main),
        migrate::latest(migrate::MAIN)
    );
    assert_eq!(
        support::user_version(&paths.cache),
        migrate::latest(migrate::CACHE)
    );
}

#[test]
fn a_migration_killed_halfway_leaves_the_old_schema_or_the_new_one() {
    let template = tempfile::tempdir().unwrap();
    big_v2_fixture(template.path());
    // Each file has its own newest version; each step is atomic, so a kill
    // may also leave a complete intermediate version.
    let expected = |list: &[Migration], v: u32| fresh_schema(list, v);
    let (main_old, main_new) = (
        expected(migrate::MAIN, FROM),
        expected(migrate::MAIN, migrate::latest(migrate::MAIN)),
    );
    let (cache_old, cache_new) = (
        expected(migrate::CACHE, FROM),
        expected(migrate::CACHE, migrate::latest(migrate::CACHE)),
    );

    // How long a full migration takes here, to spread the kills over it.
    let probe = tempfile::tempdir().unwrap();
    copy_fixture(template.path(), probe.path());
    let start = Instant::now();
    let (ok, lines) = ChildRun::spawn(
        "migration::child_migrator_upgrades_a_version_two_vault",
        &[(CHILD_ENV, probe.path().to_str().unwrap())],
    )
    .wait();
    assert!(ok && lines.iter().any(|l| l == "MIGRATED"));
    let full_ms = start.elapsed().as_millis() as u64;

    // At least 24 rounds with kill times spread over the run; then, while a
    // side is still unseen (bounded), rounds aimed at it: an early kill for
    // "old", a late one for "new". Coverage is then reached, not lucky.
    const MIN_ROUNDS: u32 = 24;
    const MAX_ROUNDS: u32 = 96;
    let mut rng = Lcg(7);
    let (mut old_seen, mut new_seen) = (0, 0);
    let mut round = 0;
    while round < MIN_ROUNDS || ((old_seen == 0 || new_seen == 0) && round < MAX_ROUNDS) {
        let kill_after_ms = match (round < MIN_ROUNDS, old_seen, new_seen) {
            (true, _, _) => rng.below(full_ms + full_ms / 4 + 1),
            (false, 0, _) => rng.below(full_ms / 8 + 1),
            _ => full_ms + rng.below(full_ms + 1),
        };
        round += 1;
        let dir = tempfile::tempdir().unwrap();
        let round_dir = dir.path().join(format!("r{round}"));
        copy_fixture(template.path(), &round_dir);
        let child = ChildRun::spawn(
            "migration::child_migrator_upgrades_a_version_two_vault",
            &[(CHILD_ENV, round_dir.to_str().unwrap())],
        );
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        child.kill();
        let paths = VaultPaths::in_dir(&round_dir);
        for (path, old, new, list) in [
            (&paths.main, &main_old, &main_new, migrate::MAIN),
            (&paths.cache, &cache_old, &cache_new, migrate::CACHE),
        ] {
            let latest = migrate::latest(list);
            assert!(support::integrity_ok(path));
            let c = Connection::open(path).unwrap();
            let v = migrate::user_version(&c).unwrap();
            let schema = support::schema_of(&c);
            match v {
                FROM => {
                    assert_eq!(&schema, old, "old version with a changed schema");
                    old_seen += 1;
                }
                v if v == latest => {
                    assert_eq!(&schema, new, "new version with a partial schema");
                    new_seen += 1;
                }
                v if v > FROM && v < latest => {
                    assert_eq!(schema, expected(list, v), "intermediate version {v}");
                }
                other => panic!("unexpected version {other}"),
            }
        }
        // And the next open finishes the job.
        let _ = Vault::open(&paths, support::fast());
        assert_eq!(
            support::user_version(&paths.main),
            migrate::latest(migrate::MAIN)
        );
        assert_eq!(
            support::user_version(&paths.cache),
            migrate::latest(migrate::CACHE)
        );
    }
    eprintln!(
        "migration kill test: full run {full_ms} ms; {round} rounds; files left old {old_seen}, new {new_seen}"
    );
    assert!(
        old_seen > 0 && new_seen > 0,
        "kills did not cover both sides of a migration in {MAX_ROUNDS} rounds"
    );
}
