//! History sync (progress listener + cancel handle), cached pages, one
//! transaction, and the spending summary.

use std::sync::Arc;

use imwallet_core::wallet::{self as core, CancelToken};

use crate::callbacks::{FailureSlot, HostProgress, SyncProgressListener};
use crate::errors::WalletFfiError;
use crate::types::{Money, list};
use crate::wallet::Wallet;

/// Cancels a running history sync from any thread.
#[derive(Debug, uniffi::Object)]
pub struct CancelHandle {
    pub(crate) token: Arc<CancelToken>,
}

#[uniffi::export]
impl CancelHandle {
    /// A handle that is not cancelled.
    #[uniffi::constructor]
    pub fn new() -> Result<Arc<Self>, WalletFfiError> {
        Ok(Arc::new(Self {
            token: CancelToken::new(),
        }))
    }

    /// Asks the sync to stop at the next page boundary.
    pub fn cancel(&self) -> Result<(), WalletFfiError> {
        self.token.cancel();
        Ok(())
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> Result<bool, WalletFfiError> {
        Ok(self.token.is_cancelled())
    }
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Transactions received (new or changed).
    pub fetched: u64,
    /// Requests made.
    pub pages: u32,
    /// Transactions now in the cache.
    pub cached: u64,
}

impl From<core::SyncReport> for SyncReport {
    fn from(r: core::SyncReport) -> Self {
        Self {
            fetched: r.fetched,
            pages: r.pages,
            cached: r.cached,
        }
    }
}

/// One history row from the encrypted cache.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TransactionView {
    /// The server's id.
    pub transaction_id: String,
    /// Created (ms).
    pub created_at_ms: i64,
    /// `top_up`, `payment`, `transfer`, `withdrawal`, `reversal`, `fx_conversion`.
    pub kind: String,
    /// `completed`, `pending`, `held`, `rejected`, `reversed`.
    pub status: String,
    /// Net change of the wallet (negative leaves it).
    pub amount: Money,
    /// The other side.
    pub counterparty: String,
    /// Spending category.
    pub category: String,
    /// The note (only from `transaction`).
    pub memo: Option<String>,
}

impl From<core::TransactionView> for TransactionView {
    fn from(t: core::TransactionView) -> Self {
        Self {
            transaction_id: t.transaction_id,
            created_at_ms: t.created_at_ms,
            kind: t.kind,
            status: t.status,
            amount: t.amount.into(),
            counterparty: t.counterparty,
            category: t.category,
            memo: t.memo,
        }
    }
}

/// A page of history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryPage {
    /// Newest first.
    pub items: Vec<TransactionView>,
    /// Offset of the next page, if there may be more.
    pub next_offset: Option<u32>,
}

impl From<core::HistoryPage> for HistoryPage {
    fn from(p: core::HistoryPage) -> Self {
        Self {
            items: list(p.items),
            next_offset: p.next_offset,
        }
    }
}

/// Spending in one month and category.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SpendingLine {
    /// `YYYY-MM` (UTC).
    pub month: String,
    /// Category.
    pub category: String,
    /// Total spent (positive), fees included.
    pub total: Money,
    /// Number of transactions.
    pub count: u32,
}

impl From<core::SpendingLine> for SpendingLine {
    fn from(s: core::SpendingLine) -> Self {
        Self {
            month: s.month,
            category: s.category,
            total: s.total.into(),
            count: s.count,
        }
    }
}

#[uniffi::export]
impl Wallet {
    /// Fetches new and changed transactions into the encrypted cache.
    /// `cancel` stops it at a page boundary (`Cancelled`; stored pages
    /// stay); a throwing `listener` stops it too (`CallbackFailed`).
    pub async fn sync_history(
        &self,
        listener: Option<Arc<dyn SyncProgressListener>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<SyncReport, WalletFfiError> {
        let token = cancel.map_or_else(CancelToken::new, |c| Arc::clone(&c.token));
        let progress = listener.map(|host| {
            Arc::new(HostProgress {
                host,
                cancel: Arc::clone(&token),
                failure: FailureSlot::default(),
            })
        });
        let core_progress = progress
            .clone()
            .map(|p| p as Arc<dyn imwallet_core::wallet::SyncProgress>);
        let result = self
            .call(|w| async move {
                w.sync_history(core_progress, Some(token))
                    .await
                    .map(SyncReport::from)
            })
            .await;
        if let Some(failed) =
            progress.and_then(|p| p.failure.take("SyncProgressListener", self.locale))
        {
            return Err(failed);
        }
        result
    }

    /// A page of the cached history, newest first.
    pub async fn history(&self, limit: u32, offset: u32) -> Result<HistoryPage, WalletFfiError> {
        self.call(|w| async move { w.history(limit, offset).await.map(Into::into) })
            .await
    }

    /// One cached transaction, with its memo.
    pub async fn transaction(
        &self,
        transaction_id: String,
    ) -> Result<TransactionView, WalletFfiError> {
        self.call(|w| async move { w.transaction(transaction_id).await.map(Into::into) })
            .await
    }

    /// Spending by month and category, from the cache.
    pub async fn spending_summary(&self) -> Result<Vec<SpendingLine>, WalletFfiError> {
        self.call(|w| async move { w.spending_summary().await.map(list) })
            .await
    }
}
