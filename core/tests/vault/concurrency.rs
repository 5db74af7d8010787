//! Several readers and one writer for a sustained period (plus a second
//! vault instance on the same files, as an app extension would open it):
//! no `SQLITE_BUSY` or any other error reaches the API, and readers always
//! see a consistent, growing history.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::support;

const RUN_FOR: Duration = Duration::from_secs(3);

#[test]
fn readers_and_a_writer_run_side_by_side_without_busy_errors() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Arc::new(support::create(dir.path()));
    let second = Arc::new(support::open_unlocked(dir.path()));
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicU64::new(0));
    let reads = Arc::new(AtomicU64::new(0));

    let writer = {
        let (vault, stop, written) = (vault.clone(), stop.clone(), written.clone());
        std::thread::spawn(move || {
            let mut n = 0i64;
            while !stop.load(Ordering::Relaxed) {
                let batch: Vec<_> = (0..50)
                    .map(|i| support::record(&format!("w{}", n + i), n + i))
                    .collect();
                vault.transactions().unwrap().upsert_many(&batch).unwrap();
                vault.outbox().unwrap().insert("pay", b"req").unwrap();
                n += 50;
                written.store(n as u64, Ordering::Release);
            }
        })
    };
    // The second instance also writes now and then (its own writer
    // connection): SQLite's lock is shared across instances, busy_timeout
    // must absorb the contention.
    let side_writer = {
        let (second, stop) = (second.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0u32;
            while !stop.load(Ordering::Relaxed) {
                second
                    .settings()
                    .unwrap()
                    .set("counter", &i.to_le_bytes())
                    .unwrap();
                i += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let readers: Vec<_> = (0..4)
        .map(|r| {
            let v = if r % 2 == 0 {
                vault.clone()
            } else {
                second.clone()
            };
            let (stop, written, reads) = (stop.clone(), written.clone(), reads.clone());
            std::thread::spawn(move || {
                let mut last_count = 0;
                let mut k = r as u64;
                while !stop.load(Ordering::Relaxed) {
                    let t = v.transactions().unwrap();
                    let count = t.count().unwrap();
                    assert!(count >= last_count, "history shrank");
                    last_count = count;
                    let page = t.page(50, (k % 7) as u32 * 50).unwrap();
                    assert!(
                        page.windows(2)
                            .all(|w| w[0].created_at_ms >= w[1].created_at_ms)
                    );
                    let acked = written.load(Ordering::Acquire);
                    if acked > 0 {
                        let id = format!("w{}", (k * 7_919) % acked);
                        assert_eq!(t.get(&id).unwrap().server_id, id);
                    }
                    v.outbox().unwrap().unresolved().unwrap();
                    k += 1;
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let start = Instant::now();
    while start.elapsed() < RUN_FOR {
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    side_writer.join().unwrap();
    for r in readers {
        r.join().unwrap();
    }
    let (w, r) = (
        written.load(Ordering::Relaxed),
        reads.load(Ordering::Relaxed),
    );
    eprintln!("concurrency test: {w} rows written, {r} read rounds, no error");
    assert!(w > 0 && r > 0);
}
