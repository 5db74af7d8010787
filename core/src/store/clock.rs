//! Time as the brute-force protection sees it, behind a trait so tests can
//! move the clock. `wall_s` is the device's (user-settable) clock;
//! `monotonic` never goes back within one process.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A source of time.
pub trait Clock: Send + Sync {
    /// Wall-clock seconds since the Unix epoch (may jump either way).
    fn wall_s(&self) -> i64;
    /// Time since an arbitrary start within this process; never decreases.
    fn monotonic(&self) -> Duration;
}

/// The real clock.
#[derive(Debug)]
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    /// A system clock as a shareable trait object.
    pub fn shared() -> Arc<dyn Clock> {
        Arc::new(Self::default())
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self {
            start: Instant::now(),
        }
    }
}

impl Clock for SystemClock {
    fn wall_s(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }

    fn monotonic(&self) -> Duration {
        self.start.elapsed()
    }
}

/// A clock moved by hand: for tests and simulations of clock changes.
#[derive(Debug, Default)]
pub struct ManualClock {
    wall_s: std::sync::atomic::AtomicI64,
    mono_ms: std::sync::atomic::AtomicU64,
}

impl ManualClock {
    /// A clock at wall time `wall_s` and monotonic time zero.
    pub fn new(wall_s: i64) -> Arc<Self> {
        let c = Self::default();
        c.wall_s.store(wall_s, std::sync::atomic::Ordering::SeqCst);
        Arc::new(c)
    }

    /// Lets `d` pass on both clocks.
    pub fn advance(&self, d: Duration) {
        use std::sync::atomic::Ordering::SeqCst;
        self.wall_s
            .fetch_add(i64::try_from(d.as_secs()).unwrap_or(i64::MAX), SeqCst);
        self.mono_ms
            .fetch_add(u64::try_from(d.as_millis()).unwrap_or(u64::MAX), SeqCst);
    }

    /// Sets the wall clock (as a user changing the device time would); the
    /// monotonic clock is unaffected.
    pub fn set_wall(&self, wall_s: i64) {
        self.wall_s
            .store(wall_s, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn wall_s(&self) -> i64 {
        self.wall_s.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn monotonic(&self) -> Duration {
        Duration::from_millis(self.mono_ms.load(std::sync::atomic::Ordering::SeqCst))
    }
}
