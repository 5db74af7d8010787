//! The SQLite connection: opening, pragmas, forward-only migrations keyed on
//! `PRAGMA user_version`, and the single-writer discipline (one connection
//! behind a mutex; every write is one `BEGIN IMMEDIATE` transaction).

use crate::problem::Problem;
use rusqlite::Connection;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Numbered migrations; entry `i` upgrades from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_fewer_write_indexes.sql"),
    include_str!("../migrations/0003_refresh_replay.sql"),
    include_str!("../migrations/0004_qr_codes.sql"),
];

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

/// Writes joined into one SQLite transaction (group commit) at most.
const MAX_BATCH: u32 = 64;

/// How long the last writer of a batch waits for others to join before it
/// commits (only on multi-threaded runtimes, where others can arrive).
const LINGER: std::time::Duration = std::time::Duration::from_micros(200);

struct Inner {
    conn: Connection,
    /// A batch transaction is open.
    open: bool,
    /// Jobs in the open batch.
    batch: u32,
    /// Number of the open (not yet committed) batch.
    epoch: u64,
    /// The newest batch whose COMMIT failed.
    failed_epoch: Option<u64>,
}

/// The database: one connection, one writer at a time, with group commit.
///
/// Each [`Db::write`] runs inside its own SAVEPOINT of a shared batch
/// transaction. The caller that finds nobody else queued commits the batch;
/// the others wait for that commit before returning, so a result is never
/// reported before it is durable, and a failed job rolls back alone.
pub struct Db {
    inner: Mutex<Inner>,
    committed: Condvar,
    queued: AtomicUsize,
    jobs: AtomicU64,
    commits: AtomicU64,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").finish_non_exhaustive()
    }
}

fn run_sql(conn: &Connection, sql: &str) -> Result<(), Problem> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
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
        // Checkpoint rarely: hot pages (index leaves, balances) are then
        // copied to the database file once per checkpoint instead of once
        // per few dozen commits; a larger page cache keeps them in memory.
        conn.pragma_update(None, "wal_autocheckpoint", 16_384)?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.set_prepared_statement_cache_capacity(256);
        migrate(&mut conn)?;
        Ok(Db {
            inner: Mutex::new(Inner {
                conn,
                open: false,
                batch: 0,
                epoch: 0,
                failed_epoch: None,
            }),
            committed: Condvar::new(),
            queued: AtomicUsize::new(0),
            jobs: AtomicU64::new(0),
            commits: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, Problem> {
        self.inner
            .lock()
            .map_err(|_| Problem::internal("database mutex poisoned"))
    }

    /// Runs `f` as one atomic unit of writes: kept if it returns `Ok` or a
    /// problem marked [`Problem::keeping_writes`], rolled back otherwise.
    /// Returns once the writes are committed.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        match tokio::runtime::Handle::try_current() {
            Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| self.write_now(f, true))
            }
            _ => self.write_now(f, false),
        }
    }

    fn write_now<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, Problem>,
        linger: bool,
    ) -> Result<T, Problem> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let guard = self.lock();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let mut g = guard?;
        if !g.open {
            run_sql(&g.conn, "BEGIN IMMEDIATE")?;
            g.open = true;
        }
        run_sql(&g.conn, "SAVEPOINT job")?;
        let out = f(&g.conn);
        match &out {
            Err(problem) if !problem.keep_writes => {
                run_sql(&g.conn, "ROLLBACK TO job")?;
                run_sql(&g.conn, "RELEASE job")?;
            }
            _ => run_sql(&g.conn, "RELEASE job")?,
        }
        g.batch += 1;
        self.jobs.fetch_add(1, Ordering::Relaxed);
        let epoch = g.epoch;
        if linger && g.batch < MAX_BATCH && self.queued.load(Ordering::SeqCst) == 0 {
            // Give writers that are about to arrive a moment to join.
            g = self
                .committed
                .wait_timeout(g, LINGER)
                .map_err(|_| Problem::internal("database mutex poisoned"))?
                .0;
        }
        if g.epoch != epoch {
            // Someone else committed our batch meanwhile.
        } else if self.queued.load(Ordering::SeqCst) == 0 || g.batch >= MAX_BATCH {
            self.commit(&mut g)?;
        } else {
            while g.epoch == epoch {
                g = self
                    .committed
                    .wait(g)
                    .map_err(|_| Problem::internal("database mutex poisoned"))?;
            }
        }
        if g.failed_epoch == Some(epoch) {
            return Err(Problem::internal("commit failed"));
        }
        out
    }

    fn commit(&self, g: &mut Inner) -> Result<(), Problem> {
        self.commits.fetch_add(1, Ordering::Relaxed);
        let result = run_sql(&g.conn, "COMMIT");
        if result.is_err() {
            let _ = run_sql(&g.conn, "ROLLBACK");
            g.failed_epoch = Some(g.epoch);
        }
        g.open = false;
        g.batch = 0;
        g.epoch += 1;
        self.committed.notify_all();
        Ok(())
    }

    /// Runs `f` with the connection for reading (it may see writes of the
    /// batch being committed). Reads are short: they run on the caller's
    /// thread.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, Problem>) -> Result<T, Problem> {
        let g = self.lock()?;
        f(&g.conn)
    }

    /// `(writes, commits)` so far: their ratio is the mean group-commit size.
    pub fn stats(&self) -> (u64, u64) {
        (
            self.jobs.load(Ordering::Relaxed),
            self.commits.load(Ordering::Relaxed),
        )
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
    fn a_version_1_database_migrates_forward_and_keeps_its_rows() {
        let dir = std::env::temp_dir().join(format!("imw-db-v1-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v1.db");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO apps (id, name, key_hash, created_at) VALUES ('app_1', 'old', 'h', 1)",
                [],
            )
            .unwrap();
        }
        let db = Db::open(path.to_str().unwrap()).unwrap();
        let (version, name, old_index): (i64, String, i64) = db
            .read(|c| {
                Ok((
                    c.pragma_query_value(None, "user_version", |r| r.get(0))?,
                    c.query_row("SELECT name FROM apps WHERE id = 'app_1'", [], |r| r.get(0))?,
                    c.query_row(
                        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'txns_by_merchant'",
                        [],
                        |r| r.get(0),
                    )?,
                ))
            })
            .unwrap();
        assert_eq!(
            (version, name.as_str(), old_index),
            (MIGRATIONS.len() as i64, "old", 0)
        );
        drop(db);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_database_from_a_newer_sandbox_is_refused() {
        let dir = std::env::temp_dir().join(format!("imw-db-new-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("new.db");
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        assert!(matches!(
            Db::open(path.to_str().unwrap()),
            Err(DbError::TooNew(99))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_rolls_back_alone_and_a_kept_failure_commits() {
        let db = Db::open(":memory:").unwrap();
        let insert = |c: &Connection, id: &str| -> Result<(), Problem> {
            c.execute(
                "INSERT INTO apps (id, name, key_hash, created_at) VALUES (?1, 'n', ?1, 0)",
                [id],
            )?;
            Ok(())
        };
        db.write(|c| insert(c, "a")).unwrap();
        let failed: Result<(), Problem> = db.write(|c| {
            insert(c, "b")?;
            Err(Problem::internal("no"))
        });
        assert!(failed.is_err());
        let kept: Result<(), Problem> = db.write(|c| {
            insert(c, "c")?;
            Err(Problem::internal("but keep").keeping_writes())
        });
        assert!(kept.is_err());
        let ids: Vec<String> = db
            .read(|c| {
                let mut s = c.prepare("SELECT id FROM apps ORDER BY id")?;
                let rows = s.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert_eq!(ids, ["a", "c"]);
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
