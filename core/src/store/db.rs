//! Opening the two database files: corruption check, migrations, pragmas,
//! one writer connection and a pool of readers.
//!
//! Writes go through [`Database::write`]: the writer mutex, then
//! `BEGIN IMMEDIATE`, so two writes never race for SQLite's lock and
//! `SQLITE_BUSY` cannot come from inside the process. `busy_timeout` covers
//! the rest (WAL checkpoints, another process).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, TryLockError};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use super::error::{Result, VaultError};
use super::migrate;

/// How long a connection waits on SQLite's file lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// What [`Database::open`] found and did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// The cache was corrupt and was rebuilt empty.
    pub cache_rebuilt: bool,
    /// `vault.db`'s schema version before migrating (0 = new file).
    pub main_version_before: u32,
    /// `cache.db`'s schema version before migrating (0 = new file).
    pub cache_version_before: u32,
}

/// The two files of one vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbPaths {
    /// The money/key-state database.
    pub main: PathBuf,
    /// The rebuildable cache database.
    pub cache: PathBuf,
}

/// The open databases.
pub struct Database {
    writer: Mutex<Connection>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({} readers)", self.readers.len())
    }
}

fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// Checks one database file. `Ok(false)` means corrupt.
fn file_is_healthy(path: &Path) -> Result<bool> {
    if !path.exists() {
        return Ok(true);
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let verdict: rusqlite::Result<String> = conn.query_row("PRAGMA quick_check", [], |r| r.get(0));
    match verdict {
        Ok(v) => Ok(v == "ok"),
        Err(e) if is_corruption(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

fn sidecars(path: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| {
        let mut s = path.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [path.to_path_buf(), with("-wal"), with("-shm")]
}

/// Moves a database and its `-wal`/`-shm` files aside; returns the new path
/// of the main file.
fn move_aside(path: &Path, stamp: i64) -> Result<PathBuf> {
    let mut target = None;
    for (i, file) in sidecars(path).iter().enumerate() {
        if !file.exists() {
            continue;
        }
        let mut name = file.as_os_str().to_owned();
        name.push(format!(".corrupt-{stamp}"));
        let dest = PathBuf::from(name);
        std::fs::rename(file, &dest)?;
        if i == 0 {
            target = Some(dest);
        }
    }
    target.ok_or(VaultError::NotFound)
}

fn remove_all(path: &Path) -> Result<()> {
    for file in sidecars(path) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn migrate_file(path: &Path, migrations: &[migrate::Migration], sync: &str) -> Result<u32> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", sync)?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    migrate::migrate(&mut conn, migrations)
}

fn configure(conn: &Connection, cache: &Path) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.execute("ATTACH DATABASE ?1 AS cache", [cache.to_string_lossy()])?;
    conn.execute_batch(
        "PRAGMA main.synchronous = FULL;
         PRAGMA cache.synchronous = NORMAL;
         PRAGMA cache.journal_mode = WAL;
         PRAGMA main.secure_delete = ON;
         PRAGMA cache.secure_delete = ON;
         PRAGMA cache.cache_size = -16384;
         PRAGMA cache.mmap_size = 268435456;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

impl Database {
    /// Opens (creating if needed) both files: checks integrity, rebuilds a
    /// corrupt cache, moves a corrupt main database aside and reports it,
    /// migrates, and connects. `now_s` stamps a moved-aside file.
    pub fn open(paths: &DbPaths, readers: usize, now_s: i64) -> Result<(Self, OpenReport)> {
        for dir in [paths.main.parent(), paths.cache.parent()]
            .into_iter()
            .flatten()
        {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
        let mut report = OpenReport::default();
        if !file_is_healthy(&paths.main)? {
            let moved_to = move_aside(&paths.main, now_s)?;
            return Err(VaultError::Corrupt { moved_to });
        }
        if !file_is_healthy(&paths.cache)? {
            remove_all(&paths.cache)?;
            report.cache_rebuilt = true;
        }
        report.main_version_before = migrate_file(&paths.main, migrate::MAIN, "FULL")?;
        report.cache_version_before = migrate_file(&paths.cache, migrate::CACHE, "NORMAL")?;

        let writer = Connection::open(&paths.main)?;
        configure(&writer, &paths.cache)?;
        let mut pool = Vec::with_capacity(readers.max(1));
        for _ in 0..readers.max(1) {
            let conn = Connection::open(&paths.main)?;
            configure(&conn, &paths.cache)?;
            conn.pragma_update(None, "query_only", "ON")?;
            pool.push(Mutex::new(conn));
        }
        Ok((
            Self {
                writer: Mutex::new(writer),
                readers: pool,
                next_reader: AtomicUsize::new(0),
            },
            report,
        ))
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction on the writer and commits
    /// it if `f` succeeds; rolls back otherwise. When this returns `Ok`, the
    /// data is committed with the file's durability setting.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` on a reader connection. Each statement reads one consistent
    /// snapshot; use [`read_snapshot`](Self::read_snapshot) when several
    /// statements must agree.
    ///
    /// The first idle reader is taken, so a lone caller keeps using the same
    /// connection (its page cache and statements stay warm); only when all
    /// are busy does it queue on one, round-robin.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        for reader in &self.readers {
            match reader.try_lock() {
                Ok(conn) => return f(&conn),
                Err(TryLockError::Poisoned(e)) => return f(&e.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let conn = self.readers[i].lock().unwrap_or_else(|e| e.into_inner());
        f(&conn)
    }

    /// Runs `f` on a reader connection inside one read transaction, so every
    /// statement sees the same snapshot.
    pub fn read_snapshot<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.read(|conn| {
            conn.execute_batch("BEGIN DEFERRED")?;
            let out = f(conn);
            // Ending a read transaction cannot lose data; report the first error.
            let end = conn.execute_batch("COMMIT");
            let out = out?;
            end?;
            Ok(out)
        })
    }
}
