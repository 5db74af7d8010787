//! Password hashing behind a semaphore. Argon2id costs 19 MiB and tens of
//! milliseconds per call; without a bound, a burst of registrations or
//! logins raises the server's memory by that much per request. At most
//! [`PasswordHasher::new`]'s `max_parallel` hashes run at once (the rest
//! wait their turn), and the count of hashes computed is kept so tests can
//! show that a request refused for a cheap reason (a wrong code) cost none.
//!
//! [`PasswordHasher::verify_unknown`] runs the same verification against a
//! dummy hash of the server's cost, for a login with an identifier nobody
//! registered: it then takes as long as one with a wrong password.

use crate::config::HashCost;
use crate::problem::Problem;
use crate::secrets;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::Semaphore;

/// Bounded, counted Argon2id hashing off the async workers.
#[derive(Debug)]
pub struct PasswordHasher {
    permits: Semaphore,
    computed: AtomicU64,
    dummy: std::sync::OnceLock<String>,
}

impl PasswordHasher {
    /// A hasher running at most `max_parallel` (at least 1) hashes at once.
    pub fn new(max_parallel: usize) -> PasswordHasher {
        PasswordHasher {
            permits: Semaphore::new(max_parallel.max(1)),
            computed: AtomicU64::new(0),
            dummy: std::sync::OnceLock::new(),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String, cost: HashCost) -> Result<String, Problem> {
        self.run(move || secrets::hash_password(&password, cost))
            .await?
            .map_err(Problem::internal)
    }

    /// Checks a password against a stored hash.
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, Problem> {
        self.run(move || secrets::verify_password(&password, &stored))
            .await?
            .map_err(Problem::internal)
    }

    /// Verifies `password` against a dummy hash of `cost` (made once, of a
    /// random password), for an identifier without a stored hash: the same
    /// work as [`PasswordHasher::verify`], and never a match.
    pub async fn verify_unknown(&self, password: String, cost: HashCost) -> Result<(), Problem> {
        let dummy = match self.dummy.get() {
            Some(d) => d.clone(),
            None => {
                let made = self
                    .run(move || secrets::hash_password(&secrets::random_hex(16), cost))
                    .await?
                    .map_err(Problem::internal)?;
                self.dummy.get_or_init(|| made).clone()
            }
        };
        self.verify(password, dummy).await.map(|_| ())
    }

    /// How many hashes (new or verifying) were computed so far.
    pub fn computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Problem> {
        let _permit = self.permits.acquire().await.map_err(Problem::internal)?;
        self.computed.fetch_add(1, Ordering::Relaxed);
        tokio::task::spawn_blocking(f)
            .await
            .map_err(Problem::internal)
    }
}

impl Default for PasswordHasher {
    /// As many parallel hashes as the machine has cores (at least 2).
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        PasswordHasher::new(cores.max(2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_run_at_once_than_the_bound() {
        let hasher = Arc::new(PasswordHasher::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let (hasher, running, peak) = (hasher.clone(), running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                hasher
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(hasher.computed(), 12);
        assert!(peak.load(Ordering::SeqCst) <= 2, "peak {peak:?}");
    }
}
