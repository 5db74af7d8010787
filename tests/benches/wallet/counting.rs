//! Counters of the wallet bench: a global allocator that counts only the
//! client's threads, and SQLite's own commit counter of a vault's files.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

thread_local! {
    /// Set on the client's threads: only their allocations are counted.
    static CLIENT_THREAD: Cell<bool> = const { Cell::new(false) };
}

fn on_client_thread() -> bool {
    CLIENT_THREAD.try_with(Cell::get).unwrap_or(false)
}

/// Counts this thread's allocations as the client's from now on.
pub fn mark_client_thread() {
    CLIENT_THREAD.with(|c| c.set(true));
}

/// Stops counting this thread's allocations.
pub fn unmark_client_thread() {
    CLIENT_THREAD.with(|c| c.set(false));
}

/// Counts the client's live, peak and allocated heap bytes.
struct Counting;

/// Live bytes allocated by client threads.
pub static LIVE: AtomicIsize = AtomicIsize::new(0);
/// Highest [`LIVE`] seen since it was last reset.
pub static PEAK: AtomicIsize = AtomicIsize::new(0);
/// Allocations made by client threads.
pub static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: delegates to the system allocator and only adds counters (no
// allocation inside: the thread-local is a const-initialised `Cell`).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && on_client_thread() {
            let size = layout.size() as isize;
            let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
            PEAK.fetch_max(live, Ordering::Relaxed);
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if on_client_thread() {
            LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Commits SQLite has made to the WAL of `db` so far: `iChange` of the
/// WAL-index header, a native-endian u32 at byte 8 of `<db>-shm`. `None`
/// when the file is not open in WAL mode.
fn wal_commits(db: &Path) -> Option<u32> {
    use std::io::Read;
    let mut shm = db.as_os_str().to_owned();
    shm.push("-shm");
    let mut head = [0u8; 12];
    std::fs::File::open(shm).ok()?.read_exact(&mut head).ok()?;
    Some(u32::from_ne_bytes([head[8], head[9], head[10], head[11]]))
}

/// Commits of a wallet directory's two files so far: (`vault.db`,
/// `cache.db`); 0 for a file not created yet (a fresh device creates its
/// files on the first write, and SQLite's counter starts at 0 with them).
pub fn vault_commits(dir: &Path) -> (u32, u32) {
    (
        wal_commits(&dir.join("vault.db")).unwrap_or(0),
        wal_commits(&dir.join("cache.db")).unwrap_or(0),
    )
}

/// Commits made since `before` (the counter is a wrapping u32).
pub fn commits_since(dir: &Path, before: (u32, u32)) -> (u32, u32) {
    let now = vault_commits(dir);
    (now.0.wrapping_sub(before.0), now.1.wrapping_sub(before.1))
}
