//! The SQLite connection: opening, pragmas, forward-only migrations keyed on
//! `PRAGMA user_version`, and the single-writer discipline (one connection
//! behind a mutex; every write is one `BEGIN IMMEDIATE` transaction).

use crate::problem::Problem;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::sync::{Mutex, MutexGuard};

/// Numbered migrations; entry `i` upgrades from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/0001_initial.sql")];

/// Errors opening the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite refused.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer sandbox.
    #[error("database schema version {0} is newer than this sandbox supports")]
    TooNew(i64),
}

/// The database: one connection, used by one request at a time.
#[derive(Debug)]
pub struct Db {
    conn: Mutex<Connection>,
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`
    /// (`:memory:` for a throw-away one).
    pub fn open(path: &str) -> Result<Db, DbError> {
        let mut conn = if path == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(256);
        migrate(&mut conn)?;
        Ok(Db {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, Problem> {
        self.conn
            .lock()
            .map_err(|_| Problem::internal("database mutex poisoned"))
    }

    /// Runs `f` in one write transaction: committed if it returns `Ok` or a
    /// problem marked [`Problem::keeping_writes`], rolled back otherwise.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match f(&tx) {
            Ok(out) => {
                tx.commit()?;
                Ok(out)
            }
            Err(problem) if problem.keep_writes => {
                tx.commit()?;
                Err(problem)
            }
            Err(problem) => Err(problem),
        }
    }

    /// Runs `f` with the connection for reading.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, Problem>) -> Result<T, Problem> {
        let conn = self.lock()?;
        f(&conn)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(DbError::TooNew(version));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_sets_the_version() {
        let dir = std::env::temp_dir().join(format!("imw-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let path = path.to_str().unwrap();
        drop(Db::open(path).unwrap());
        let db = Db::open(path).unwrap();
        let v: i64 = db
            .read(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let (mode, sync): (String, i64) = db
            .read(|c| {
                Ok((
                    c.pragma_query_value(None, "journal_mode", |r| r.get(0))?,
                    c.pragma_query_value(None, "synchronous", |r| r.get(0))?,
                ))
            })
            .unwrap();
        assert_eq!(
            (mode.as_str(), sync),
            ("wal", 1),
            "WAL with synchronous=NORMAL"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn postings_cannot_be_updated_or_deleted() {
        let db = Db::open(":memory:").unwrap();
        let err = db.write(|tx| {
            tx.execute(
                "INSERT INTO accounts (code, currency, guarded) VALUES ('a', 'CNY', 0)",
                [],
            )?;
            tx.execute(
                "INSERT INTO postings (journal, account_id, currency, amount, at) VALUES ('j', 1, 'CNY', 5, 0)",
                [],
            )?;
            tx.execute("UPDATE postings SET amount = 6", [])?;
            Ok(())
        });
        assert!(err.is_err());
    }
}
