//! Numbered, forward-only schema migrations kept as `.sql` files in
//! `core/migrations/{main,cache}/`. Each runs in one `BEGIN IMMEDIATE`
//! transaction together with its `PRAGMA user_version` bump, so a process
//! killed mid-migration leaves either the old schema or the new one.

use rusqlite::{Connection, TransactionBehavior};

use super::error::{Result, VaultError};

/// One migration step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The `user_version` after this step.
    pub version: u32,
    /// File name, for diagnostics.
    pub name: &'static str,
    /// The SQL to run.
    pub sql: &'static str,
}

macro_rules! migration {
    ($version:expr, $dir:literal, $file:literal) => {
        Migration {
            version: $version,
            name: $file,
            sql: include_str!(concat!("../../migrations/", $dir, "/", $file)),
        }
    };
}

/// Migrations of `vault.db` (money and key state).
pub const MAIN: &[Migration] = &[
    migration!(1, "main", "0001_vault.sql"),
    migration!(2, "main", "0002_cards_outbox.sql"),
    migration!(3, "main", "0003_outbox_tracking.sql"),
    migration!(4, "main", "0004_owner_and_outbox_header.sql"),
    migration!(5, "main", "0005_session_escrow.sql"),
];

/// Migrations of `cache.db` (rebuildable caches).
pub const CACHE: &[Migration] = &[
    migration!(1, "cache", "0001_history.sql"),
    migration!(2, "cache", "0002_rewards.sql"),
    migration!(3, "cache", "0003_history_sync.sql"),
    migration!(4, "cache", "0004_authenticated_columns.sql"),
];

/// The newest version in `migrations`.
pub fn latest(migrations: &[Migration]) -> u32 {
    migrations.last().map_or(0, |m| m.version)
}

/// The `user_version` of the connection's main database.
pub fn user_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies every migration newer than the database, up to `target`
/// (inclusive). Returns the version found before migrating.
pub fn migrate_to(conn: &mut Connection, migrations: &[Migration], target: u32) -> Result<u32> {
    let found = user_version(conn)?;
    let supported = latest(migrations);
    if found > supported {
        return Err(VaultError::SchemaTooNew { found, supported });
    }
    for m in migrations.iter().filter(|m| m.version <= target) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another process may have migrated.
        let now: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now >= m.version {
            continue;
        }
        tx.execute_batch(m.sql)?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
    }
    Ok(found)
}

/// Applies every migration.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<u32> {
    migrate_to(conn, migrations, latest(migrations))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn versions_are_numbered_one_by_one_from_one() {
        for list in [MAIN, CACHE] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version as usize, i + 1, "{}", m.name);
            }
        }
    }

    #[test]
    fn a_failing_migration_leaves_the_previous_version_and_schema() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate_to(&mut conn, MAIN, 1).unwrap();
        let broken = [Migration {
            version: 2,
            name: "broken",
            sql: "CREATE TABLE half_done (x); INSERT INTO nowhere VALUES (1);",
        }];
        let all: Vec<Migration> = MAIN[..1].iter().copied().chain(broken).collect();
        assert!(migrate(&mut conn, &all).is_err());
        assert_eq!(user_version(&conn).unwrap(), 1);
        let exists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'half_done'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(exists, 0);
    }

    #[test]
    fn a_newer_database_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(
            migrate(&mut conn, MAIN),
            Err(VaultError::SchemaTooNew { found: 99, .. })
        ));
    }
}
