//! Long operations in the terminal: an indicatif progress bar fed by the
//! facade's [`SyncProgress`], and Ctrl-C handling that stops cleanly (the
//! history sync through its [`CancelToken`], at a page boundary, keeping
//! what was stored).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use imwallet_core::wallet::{CancelToken, SyncProgress, SyncReport, Wallet, WalletError};
use indicatif::{ProgressBar, ProgressStyle};

use crate::exit::CliError;
use crate::tr;

/// Feeds a history sync's progress into a progress bar.
struct Bar(ProgressBar);

impl SyncProgress for Bar {
    fn on_progress(&self, fetched: u64) {
        self.0.set_position(fetched);
    }
}

/// A spinner counting transactions on stderr; hidden when `visible` is
/// false (JSON output) and, by indicatif, when stderr is not a terminal.
pub fn sync_bar(label: &str, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    let template = format!(
        "{{spinner}} {{msg}} {{pos}} {} ({{elapsed}})",
        tr!("sync-unit")
    );
    let style = ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.set_message(tr!("sync-running", label = label));
    bar.enable_steady_tick(Duration::from_millis(80));
    bar
}

/// Runs `fut` until it finishes or Ctrl-C is pressed ([`CliError::Interrupted`]).
/// A money operation cut off this way is kept in the vault's outbox and
/// reconciled with the same idempotency key on the next run.
pub async fn interruptible<T>(
    fut: impl Future<Output = Result<T, CliError>>,
) -> Result<T, CliError> {
    tokio::select! {
        r = fut => r,
        _ = tokio::signal::ctrl_c() => Err(CliError::Interrupted),
    }
}

/// Syncs the history with a progress bar. Ctrl-C cancels the sync through
/// its [`CancelToken`] and waits for it to stop at the next page boundary.
pub async fn sync_history(
    wallet: &Wallet,
    label: &str,
    visible: bool,
) -> Result<SyncReport, CliError> {
    let bar = sync_bar(label, visible);
    let cancel = CancelToken::new();
    let progress: Arc<dyn SyncProgress> = Arc::new(Bar(bar.clone()));
    let sync = wallet.sync_history(Some(progress), Some(Arc::clone(&cancel)));
    tokio::pin!(sync);
    let result = tokio::select! {
        r = &mut sync => r,
        _ = tokio::signal::ctrl_c() => {
            cancel.cancel();
            bar.set_message(tr!("sync-stopping", label = label));
            match sync.await {
                Ok(_) | Err(WalletError::Cancelled) => Err(WalletError::Cancelled),
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(report) => {
            bar.finish_with_message(tr!("sync-done", label = label));
            Ok(report)
        }
        Err(WalletError::Cancelled) => {
            bar.abandon_with_message(tr!("sync-cancelled", label = label));
            Err(CliError::Interrupted)
        }
        Err(e) => {
            bar.abandon();
            Err(e.into())
        }
    }
}
