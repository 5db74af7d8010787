//! The SQLite connection: opening, pragmas, forward-only migrations keyed on
//! `PRAGMA user_version`, and the single-writer discipline (one connection
//! behind a mutex; every write is one `BEGIN IMMEDIATE` transaction).
//!
//! An update hook counts changes to the tables that in-memory caches mirror
//! ([`Generations`]), so a cache can tell whether what it holds is current.

use crate::problem::Problem;
use rusqlite::Connection;
use rusqlite::hooks::Action;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// Numbered migrations; entry `i` upgrades from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_fewer_write_indexes.sql"),
    include_str!("../migrations/0003_refresh_replay.sql"),
    include_str!("../migrations/0004_qr_codes.sql"),
    include_str!("../migrations/0005_postings_without_account_index.sql"),
    include_str!("../migrations/0006_trust.sql"),
    include_str!("../migrations/0007_operation_keys.sql"),
    include_str!("../migrations/0008_merchant_orders.sql"),
    include_str!("../migrations/0009_events.sql"),
    include_str!("../migrations/0010_webhook_endpoints.sql"),
    include_str!("../migrations/0011_webhook_deliveries.sql"),
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

/// Change counters of the tables that in-memory caches mirror. Each is
/// bumped (under the connection's lock) whenever a row of its tables is
/// updated or deleted, and both are bumped when a commit fails. Inserts do
/// not count: a cache never holds a row that did not exist.
#[derive(Debug, Default)]
pub struct Generations {
    sessions: AtomicU64,
    users: AtomicU64,
}

impl Generations {
    /// Changes so far to `apps`, `token_families` and `access_tokens`.
    pub fn sessions(&self) -> u64 {
        self.sessions.load(Ordering::Acquire)
    }

    /// Changes so far to `users`.
    pub fn users(&self) -> u64 {
        self.users.load(Ordering::Acquire)
    }

    fn on_change(&self, action: Action, table: &str) {
        if action == Action::SQLITE_INSERT {
            return;
        }
        match table {
            "apps" | "token_families" | "access_tokens" => {
                self.sessions.fetch_add(1, Ordering::AcqRel);
            }
            "users" => {
                self.users.fetch_add(1, Ordering::AcqRel);
            }
            _ => {}
        }
    }

    fn bump_all(&self) {
        self.sessions.fetch_add(1, Ordering::AcqRel);
        self.users.fetch_add(1, Ordering::AcqRel);
    }
}

/// Counters of the writer, for benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Writes run.
    pub writes: u64,
    /// SQLite commits (a commit carries a batch of writes).
    pub commits: u64,
    /// Nanoseconds spent running writes (the connection held).
    pub write_ns: u64,
    /// Nanoseconds spent committing.
    pub commit_ns: u64,
    /// Reads run.
    pub reads: u64,
    /// Nanoseconds spent running reads (the connection held).
    pub read_ns: u64,
}

/// Writes joined into one SQLite transaction (group commit) at most.
const MAX_BATCH: u32 = 64;

/// How long the last writer of a batch waits for others to join before it
/// commits (only on multi-threaded runtimes, where others can arrive).
const LINGER: std::time::Duration = std::time::Duration::from_micros(200);

/// How long an async writer waits for someone else to commit its batch
/// before it commits the batch itself.
const COMMIT_WAIT: std::time::Duration = std::time::Duration::from_millis(5);

/// Failed commits remembered so their writers learn of the failure.
const FAILED_KEPT: usize = 64;

struct Inner {
    conn: Connection,
    /// A batch transaction is open.
    open: bool,
    /// Jobs in the open batch.
    batch: u32,
    /// Number of the open (not yet committed) batch.
    epoch: u64,
    /// The newest batches whose COMMIT failed.
    failed: VecDeque<u64>,
}

/// Counts a writer as queued for the connection until dropped (also when
/// its task is cancelled while waiting).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn new(count: &'a AtomicUsize) -> Queued<'a> {
        count.fetch_add(1, Ordering::SeqCst);
        Queued(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The database: one connection, one writer at a time, with group commit.
///
/// Each [`Db::write`] runs inside its own SAVEPOINT of a shared batch
/// transaction. The caller that finds nobody else queued commits the batch;
/// the others wait for that commit before returning, so a result is never
/// reported before it is durable, and a failed job rolls back alone.
pub struct Db {
    inner: Mutex<Inner>,
    /// Wakes blocked writers when a batch commits.
    committed: Condvar,
    /// Number of committed batches (the next open epoch), for async writers.
    done: tokio::sync::watch::Sender<u64>,
    /// One async writer at a time holds the connection for a job.
    writers: tokio::sync::Semaphore,
    /// Writers waiting for the connection.
    queued: AtomicUsize,
    generations: Arc<Generations>,
    jobs: AtomicU64,
    commits: AtomicU64,
    write_ns: AtomicU64,
    commit_ns: AtomicU64,
    reads: AtomicU64,
    read_ns: AtomicU64,
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
        // Savepoint sub-journals (one per write, see `write`) stay in memory
        // instead of spilling to temporary files.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.set_prepared_statement_cache_capacity(256);
        migrate(&mut conn)?;
        let generations = Arc::new(Generations::default());
        let hook = generations.clone();
        conn.update_hook(Some(move |action, _: &str, table: &str, _| {
            hook.on_change(action, table)
        }))?;
        Ok(Db {
            inner: Mutex::new(Inner {
                conn,
                open: false,
                batch: 0,
                epoch: 0,
                failed: VecDeque::new(),
            }),
            committed: Condvar::new(),
            done: tokio::sync::watch::Sender::new(0),
            writers: tokio::sync::Semaphore::new(1),
            queued: AtomicUsize::new(0),
            generations,
            jobs: AtomicU64::new(0),
            commits: AtomicU64::new(0),
            write_ns: AtomicU64::new(0),
            commit_ns: AtomicU64::new(0),
            reads: AtomicU64::new(0),
            read_ns: AtomicU64::new(0),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, Problem> {
        self.inner
            .lock()
            .map_err(|_| Problem::internal("database mutex poisoned"))
    }

    /// Runs `f` as one atomic unit of writes: kept if it returns `Ok` or a
    /// problem marked [`Problem::keeping_writes`], rolled back otherwise.
    /// Returns once the writes are committed. Blocks the calling thread (on
    /// a multi-threaded runtime inside `block_in_place`); async callers on
    /// a hot path use [`Db::write_async`].
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

    /// [`Db::write`] for async callers: waiting for the connection and for
    /// the commit suspends the task instead of blocking a thread, so the
    /// runtime's workers keep serving requests (which then join the batch).
    /// `f` itself runs on the calling worker and must be short.
    pub async fn write_async<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, Problem>,
    ) -> Result<T, Problem> {
        let queued = Queued::new(&self.queued);
        let permit = self
            .writers
            .acquire()
            .await
            .map_err(|_| Problem::internal("database writer gate closed"))?;
        let (out, epoch) = {
            let mut g = self.lock()?;
            drop(queued);
            let out = self.run_job(&mut g, f)?;
            (out, g.epoch)
        };
        if self.queued.load(Ordering::SeqCst) == 0 {
            // Let requests that are ready on this worker reach the queue
            // before deciding that nobody will join the batch.
            tokio::task::yield_now().await;
        }
        {
            let mut g = self.lock()?;
            if g.epoch == epoch && (self.queued.load(Ordering::SeqCst) == 0 || g.batch >= MAX_BATCH)
            {
                self.commit(&mut g)?;
            }
        }
        drop(permit);
        self.await_commit(epoch).await?;
        out
    }

    /// Waits until batch `epoch` is committed by whoever runs last in it. If
    /// nobody has after a while (the writer expected to commit was
    /// cancelled), commits it itself.
    async fn await_commit(&self, epoch: u64) -> Result<(), Problem> {
        let mut done = self.done.subscribe();
        loop {
            let waited =
                tokio::time::timeout(COMMIT_WAIT, done.wait_for(|committed| *committed > epoch))
                    .await
                    .map(|r| r.is_ok());
            match waited {
                Ok(true) => break,
                Ok(false) => return Err(Problem::internal("database closed")),
                Err(_) => {
                    let _permit = self
                        .writers
                        .acquire()
                        .await
                        .map_err(|_| Problem::internal("database writer gate closed"))?;
                    let mut g = self.lock()?;
                    if g.epoch == epoch && self.queued.load(Ordering::SeqCst) == 0 {
                        self.commit(&mut g)?;
                    }
                }
            }
        }
        if self.lock()?.failed.contains(&epoch) {
            return Err(Problem::internal("commit failed"));
        }
        Ok(())
    }

    /// Runs one job in its own SAVEPOINT of the open batch transaction.
    fn run_job<T>(
        &self,
        g: &mut Inner,
        f: impl FnOnce(&Connection) -> Result<T, Problem>,
    ) -> Result<Result<T, Problem>, Problem> {
        if !g.open {
            run_sql(&g.conn, "BEGIN IMMEDIATE")?;
            g.open = true;
        }
        let started = Instant::now();
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
        self.write_ns
            .fetch_add(elapsed_ns(started), Ordering::Relaxed);
        Ok(out)
    }

    fn write_now<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, Problem>,
        linger: bool,
    ) -> Result<T, Problem> {
        let queued = Queued::new(&self.queued);
        let guard = self.lock();
        drop(queued);
        let mut g = guard?;
        let out = self.run_job(&mut g, f)?;
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
        if g.failed.contains(&epoch) {
            return Err(Problem::internal("commit failed"));
        }
        out
    }

    fn commit(&self, g: &mut Inner) -> Result<(), Problem> {
        self.commits.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = run_sql(&g.conn, "COMMIT");
        if result.is_err() {
            let _ = run_sql(&g.conn, "ROLLBACK");
            if g.failed.len() >= FAILED_KEPT {
                g.failed.pop_front();
            }
            g.failed.push_back(g.epoch);
            // Caches may hold rows of the lost batch.
            self.generations.bump_all();
        }
        self.commit_ns
            .fetch_add(elapsed_ns(started), Ordering::Relaxed);
        g.open = false;
        g.batch = 0;
        g.epoch += 1;
        self.committed.notify_all();
        self.done.send_replace(g.epoch);
        Ok(())
    }

    /// Runs `f` with the connection for reading (it may see writes of the
    /// batch being committed). Reads are short: they run on the caller's
    /// thread.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, Problem>) -> Result<T, Problem> {
        let g = self.lock()?;
        let started = Instant::now();
        let out = f(&g.conn);
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.read_ns
            .fetch_add(elapsed_ns(started), Ordering::Relaxed);
        out
    }

    /// The change counters of cached tables. Read while holding the
    /// connection (inside [`Db::read`] or [`Db::write`]) they describe
    /// exactly the state that connection sees.
    pub fn generations(&self) -> &Generations {
        &self.generations
    }

    /// Counters so far; `writes / commits` is the mean group-commit size.
    pub fn stats(&self) -> Stats {
        Stats {
            writes: self.jobs.load(Ordering::Relaxed),
            commits: self.commits.load(Ordering::Relaxed),
            write_ns: self.write_ns.load(Ordering::Relaxed),
            commit_ns: self.commit_ns.load(Ordering::Relaxed),
            reads: self.reads.load(Ordering::Relaxed),
            read_ns: self.read_ns.load(Ordering::Relaxed),
        }
    }
}

fn elapsed_ns(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX)
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn async_writers_all_finish_and_commit_when_some_are_cancelled() {
        let db = Arc::new(Db::open(":memory:").unwrap());
        let mut tasks = Vec::new();
        for i in 0..200 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                db.write_async(|c| {
                    c.execute(
                        "INSERT INTO apps (id, name, key_hash, created_at) VALUES (?1, 'n', ?1, 0)",
                        [format!("app_{i}")],
                    )?;
                    Ok(())
                })
                .await
            }));
        }
        for task in tasks.iter().step_by(3) {
            task.abort();
        }
        let mut acknowledged = 0;
        for task in tasks {
            if let Ok(result) = task.await {
                result.unwrap();
                acknowledged += 1;
            }
        }
        // a later blocking write still gets through, and nothing is left
        // uncommitted: every acknowledged row is there
        db.write(|_| Ok(())).unwrap();
        let rows: i64 = db
            .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM apps", [], |r| r.get(0))?))
            .unwrap();
        assert!(
            rows >= acknowledged && acknowledged >= 100,
            "{rows} {acknowledged}"
        );
        assert!(!db.lock().unwrap().open, "no batch left open");
    }

    #[test]
    fn async_writes_can_run_on_any_worker() {
        fn is_send<T: Send>(_: T) {}
        let db = Db::open(":memory:").unwrap();
        is_send(db.write_async(|_| Ok(())));
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
