//! Shared helpers: fast vault options, sample records, child processes.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use imwallet_core::crypto::KdfPolicy;
use imwallet_core::protocol::money::{Currency, Money};
use imwallet_core::store::repo::transactions::TransactionRecord;
use imwallet_core::store::{Vault, VaultOptions, VaultPaths};

pub const PASSWORD: &str = "correct horse battery staple";

/// Options with the test-only KDF cost (these tests are not about the KDF).
pub fn fast() -> VaultOptions {
    VaultOptions {
        kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
        ..VaultOptions::default()
    }
}

pub fn create(dir: &Path) -> Vault {
    Vault::create(&VaultPaths::in_dir(dir), &PASSWORD.into(), None, fast()).unwrap()
}

pub fn open_unlocked(dir: &Path) -> Vault {
    let v = Vault::open(&VaultPaths::in_dir(dir), fast()).unwrap();
    v.unlock(&PASSWORD.into()).unwrap();
    v
}

pub fn record(id: &str, at_ms: i64) -> TransactionRecord {
    TransactionRecord {
        server_id: id.to_owned(),
        created_at_ms: at_ms,
        updated_at_ms: at_ms,
        kind: "payment".into(),
        status: "completed".into(),
        amount: Money::new(-(at_ms % 10_000) - 1, Currency::Cny),
        counterparty: format!("merchant-{}", at_ms % 97),
        category: Some("groceries".into()),
        memo: (at_ms % 4 == 0).then(|| "weekly shop".to_owned()),
    }
}

/// Ends the test harness's "test name ... " line, so the child's own
/// output starts on a fresh line the parent can parse.
pub fn child_begin() {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out).unwrap();
    out.flush().unwrap();
}

/// Runs the test `name` of this binary as a child process with `env`,
/// collecting its stdout lines in the background.
pub struct ChildRun {
    pub child: Child,
    pub lines: Arc<Mutex<Vec<String>>>,
    reader: Option<JoinHandle<()>>,
}

impl ChildRun {
    pub fn spawn(test: &str, env: &[(&str, &str)]) -> Self {
        let exe = std::env::current_exe().unwrap();
        let mut cmd = Command::new(exe);
        cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut line = String::new();
            // Only complete lines count: a line cut by SIGKILL has no '\n'.
            while r.read_line(&mut line).unwrap_or(0) > 0 {
                if line.ends_with('\n') {
                    sink.lock().unwrap().push(line.trim_end().to_owned());
                }
                line.clear();
            }
        });
        Self {
            child,
            lines,
            reader: Some(reader),
        }
    }

    pub fn line_count(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    /// SIGKILLs the child and returns every complete line it printed.
    pub fn kill(mut self) -> Vec<String> {
        let _ = self.child.kill();
        self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        std::mem::take(&mut *self.lines.lock().unwrap())
    }

    /// Waits for the child to exit by itself.
    pub fn wait(mut self) -> (bool, Vec<String>) {
        let status = self.child.wait().unwrap();
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        (
            status.success(),
            std::mem::take(&mut *self.lines.lock().unwrap()),
        )
    }
}

/// `PRAGMA integrity_check` of one database file.
pub fn integrity_ok(path: &Path) -> bool {
    let c = rusqlite::Connection::open(path).unwrap();
    let v: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    v == "ok"
}

pub fn user_version(path: &Path) -> u32 {
    let c = rusqlite::Connection::open(path).unwrap();
    c.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// The schema (type, name, sql) of one database file, sorted.
pub fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, String, Option<String>)> {
    let mut stmt = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A small deterministic pseudo-random sequence for kill timings.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}
