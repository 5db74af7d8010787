//! Crash safety: a child process writes transactions and outbox operations
//! in a loop, printing each id only after its COMMIT returned; the parent
//! SIGKILLs it at random moments, 200 times, and after every kill checks
//! `PRAGMA integrity_check`, the migration state, and that every
//! acknowledged id is present.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use imwallet_core::store::migrate;
use imwallet_core::store::repo::outbox::OperationState;

use crate::support::{self, ChildRun, Lcg};

const CHILD_ENV: &str = "IMWALLET_CRASH_CHILD_DIR";
const ROUND_ENV: &str = "IMWALLET_CRASH_CHILD_ROUND";
const ROUNDS: usize = 200;

/// The child's loop: one transaction, then one outbox operation moved to
/// `sending`, each acknowledged on stdout after its commit.
fn write_loop(dir: &Path, round: &str, limit: Option<usize>) -> Vec<String> {
    let vault = support::open_unlocked(dir);
    let txs = vault.transactions().unwrap();
    let outbox = vault.outbox().unwrap();
    let mut acked = Vec::new();
    let mut out = std::io::stdout().lock();
    for n in 0.. {
        if limit.is_some_and(|l| n >= l) {
            break;
        }
        let id = format!("r{round}-t{n}");
        txs.upsert(&support::record(&id, n as i64)).unwrap();
        writeln!(out, "ACK tx {id}").unwrap();
        out.flush().unwrap();
        let op_id = format!("r{round}-o{n}");
        outbox
            .insert_with(
                &op_id,
                &format!("key-{op_id}"),
                "pay",
                b"{\"amount\":\"1.00\"}",
            )
            .unwrap();
        outbox.mark_sending(&op_id).unwrap();
        writeln!(out, "ACK op {op_id}").unwrap();
        out.flush().unwrap();
        acked.push(id);
        acked.push(op_id);
    }
    acked
}

fn check_after_kill(dir: &Path, acked: &[String]) {
    let paths = imwallet_core::store::VaultPaths::in_dir(dir);
    assert!(support::integrity_ok(&paths.main), "vault.db integrity");
    assert!(support::integrity_ok(&paths.cache), "cache.db integrity");
    assert_eq!(
        support::user_version(&paths.main),
        migrate::latest(migrate::MAIN)
    );
    assert_eq!(
        support::user_version(&paths.cache),
        migrate::latest(migrate::CACHE)
    );
    let vault = support::open_unlocked(dir);
    let txs = vault.transactions().unwrap();
    let outbox = vault.outbox().unwrap();
    for line in acked {
        if let Some(id) = line.strip_prefix("ACK tx ") {
            assert_eq!(txs.get(id).unwrap().server_id, id);
        } else if let Some(id) = line.strip_prefix("ACK op ") {
            let op = outbox.get(id).unwrap();
            assert_eq!(op.state, OperationState::Sending, "acked state kept");
        }
    }
}

#[test]
fn child_writer_acknowledges_only_committed_ids() {
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        support::child_begin();
        let round = std::env::var(ROUND_ENV).unwrap_or_default();
        write_loop(Path::new(&dir), &round, None);
        return;
    }
    // In-process: a bounded run whose acknowledgements are all readable.
    let dir = tempfile::tempdir().unwrap();
    drop(support::create(dir.path()));
    let acked = write_loop(dir.path(), "local", Some(20));
    assert_eq!(acked.len(), 40);
    let lines: Vec<String> = acked
        .iter()
        .map(|id| {
            if id.contains("-t") {
                format!("ACK tx {id}")
            } else {
                format!("ACK op {id}")
            }
        })
        .collect();
    check_after_kill(dir.path(), &lines);
}

#[test]
fn sigkill_at_random_moments_never_corrupts_or_loses_acknowledged_writes() {
    let dir = tempfile::tempdir().unwrap();
    drop(support::create(dir.path()));
    let dir_s: PathBuf = dir.path().to_path_buf();
    let mut rng = Lcg(0x5eed_c0de);
    let mut total_acked = 0usize;
    let mut all_acked = Vec::new();
    for round in 0..ROUNDS {
        let round_s = round.to_string();
        let child = ChildRun::spawn(
            "crash::child_writer_acknowledges_only_committed_ids",
            &[(CHILD_ENV, dir_s.to_str().unwrap()), (ROUND_ENV, &round_s)],
        );
        // Kill anywhere from process start-up (open, migrate, unlock) to
        // deep inside the write loop.
        std::thread::sleep(Duration::from_millis(rng.below(60)));
        if rng.below(2) == 0 {
            // Half the rounds: wait for some writes first.
            let want = rng.below(20) as usize;
            for _ in 0..200 {
                if child.line_count() >= want {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let lines: Vec<String> = child
            .kill()
            .into_iter()
            .filter(|l| l.starts_with("ACK "))
            .collect();
        total_acked += lines.len();
        check_after_kill(dir.path(), &lines);
        all_acked.extend(lines);
    }
    // Every acknowledgement of every round is still there at the end.
    check_after_kill(dir.path(), &all_acked);
    eprintln!("crash test: {ROUNDS} rounds, {total_acked} acknowledged writes verified");
    assert!(total_acked > 0, "the child never got to write");
}

/// A SIGKILL test cannot tell `synchronous=FULL` from `OFF` (the OS keeps
/// the page cache), so the durability setting itself is asserted: the
/// money database (`vault.db`: outbox, keys) commits with FULL on every
/// connection the vault opens, in WAL mode; the rebuildable cache may use
/// NORMAL.
#[test]
fn the_vault_database_commits_with_synchronous_full() {
    use imwallet_core::store::VaultPaths;
    use imwallet_core::store::db::Database;

    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path());
    assert_eq!(
        paths.main.file_name().and_then(|n| n.to_str()),
        Some("vault.db")
    );
    let (db, _) = Database::open(&paths, 2, 0).unwrap();
    let on_writer = db
        .write(|tx| {
            let sync: i64 = tx.pragma_query_value(Some("main"), "synchronous", |r| r.get(0))?;
            let cache: i64 = tx.pragma_query_value(Some("cache"), "synchronous", |r| r.get(0))?;
            let journal: String =
                tx.pragma_query_value(Some("main"), "journal_mode", |r| r.get(0))?;
            Ok((sync, cache, journal))
        })
        .unwrap();
    // SQLite's codes: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA.
    assert_eq!(
        on_writer,
        (2, 1, "wal".to_owned()),
        "writer (main, cache, journal)"
    );
    let on_reader: i64 = db
        .read(|c| Ok(c.pragma_query_value(Some("main"), "synchronous", |r| r.get(0))?))
        .unwrap();
    assert_eq!(on_reader, 2, "reader");
}
