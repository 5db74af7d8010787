//! Transaction history: incremental sync from the server into the
//! encrypted cache (`updated_since` + cursor paging, with progress and
//! cancellation), pages from the cache, one transaction with its memo, and a
//! spending summary by month and category.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::{Transaction, TransactionPage};

use crate::api::ApiRequest;
use crate::store::repo::transactions::{HistoryItem, TransactionRecord};

use super::{Wallet, WalletError};

/// Told how far a history sync has come.
pub trait SyncProgress: Send + Sync {
    /// `fetched` transactions so far in this sync.
    fn on_progress(&self, fetched: u64);
}

/// Cancels a long call (history sync) from another thread.
#[derive(Debug, Default)]
pub struct CancelToken(AtomicBool);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Asks the call to stop at the next page boundary.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// What a sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    /// Transactions received (new or changed).
    pub fetched: u64,
    /// Requests made.
    pub pages: u32,
    /// Transactions now in the cache.
    pub cached: u64,
}

/// One history row from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionView {
    /// The server's id.
    pub transaction_id: String,
    /// Created, Unix milliseconds.
    pub created_at_ms: i64,
    /// `top_up`, `payment`, `transfer`, `withdrawal`, `reversal`, `fx_conversion`.
    pub kind: String,
    /// `completed`, `pending`, `held`, `rejected`, `reversed`.
    pub status: String,
    /// Net change of the wallet (negative leaves it).
    pub amount: Money,
    /// The other side (name, or id when no name is shown).
    pub counterparty: String,
    /// Spending category (`merchant`, `user`, `card`, or the kind).
    pub category: String,
    /// The note, when the transaction is opened with
    /// [`Wallet::transaction`] (lists do not decrypt memos).
    pub memo: Option<String>,
}

/// A page of history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryPage {
    /// Newest first.
    pub items: Vec<TransactionView>,
    /// Offset of the next page, if there may be more.
    pub next_offset: Option<u32>,
}

/// Spending in one month and category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendingLine {
    /// `YYYY-MM` (UTC).
    pub month: String,
    /// Category (see [`TransactionView::category`]).
    pub category: String,
    /// Total spent (positive), fees included.
    pub total: Money,
    /// Number of transactions.
    pub count: u32,
}

/// The cache record of a server transaction.
pub(crate) fn record_of(txn: &Transaction) -> TransactionRecord {
    let (counterparty, category) = match &txn.counterparty {
        Some(c) => (
            c.name.clone().or_else(|| c.id.clone()).unwrap_or_default(),
            c.kind.clone(),
        ),
        None => (String::new(), txn.kind.as_str().to_owned()),
    };
    TransactionRecord {
        server_id: txn.id.clone(),
        created_at_ms: txn.created_at,
        updated_at_ms: txn.updated_at,
        kind: txn.kind.as_str().to_owned(),
        status: txn.status.as_str().to_owned(),
        amount: txn.balance_effect,
        counterparty,
        category: Some(category),
        memo: txn.memo.clone(),
    }
}

fn view_of(item: HistoryItem) -> TransactionView {
    TransactionView {
        category: item.category.unwrap_or_else(|| item.kind.clone()),
        transaction_id: item.server_id,
        created_at_ms: item.created_at_ms,
        kind: item.kind,
        status: item.status,
        amount: item.amount,
        counterparty: item.counterparty,
        memo: None,
    }
}

/// A UTC calendar instant, to the minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcMinute {
    /// Year.
    pub year: i64,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
}

impl UtcMinute {
    /// The UTC date and time of a Unix-millisecond instant, by the
    /// civil-from-days algorithm (no calendar dependency).
    pub fn of_unix_ms(unix_ms: i64) -> Self {
        let secs = unix_ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        // Every narrowing below is of a value already bounded by its unit.
        Self {
            year: yoe + era * 400 + i64::from(month <= 2),
            month: month as u8,
            day: day as u8,
            hour: (rem / 3600) as u8,
            minute: ((rem % 3600) / 60) as u8,
        }
    }

    /// `YYYY-MM`.
    pub fn month_label(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// `YYYY-MM` of a Unix-millisecond instant (UTC).
pub(crate) fn month_of(unix_ms: i64) -> String {
    UtcMinute::of_unix_ms(unix_ms).month_label()
}

impl Wallet {
    /// Fetches every transaction created or changed since the last sync and
    /// stores it in the encrypted cache. Safe to cancel: what was stored
    /// stays, and the next sync resumes from it.
    pub async fn sync_history(
        &self,
        progress: Option<Arc<dyn SyncProgress>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<SyncReport, WalletError> {
        self.require_session()?;
        let since = self
            .with_vault(|v| v.transactions()?.latest_update_ms())
            .await?
            .unwrap_or(0);
        let limit = self.config.sync_page_size.clamp(1, 200).to_string();
        let mut cursor: Option<String> = None;
        let mut report = SyncReport {
            fetched: 0,
            pages: 0,
            cached: 0,
        };
        loop {
            if cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
                return Err(WalletError::Cancelled);
            }
            let mut request = ApiRequest::get("/v1/transactions")
                .authenticated()
                .query("updated_since", since.to_string())
                .query("limit", limit.clone());
            if let Some(c) = &cursor {
                request = request.query("cursor", c.clone());
            }
            let page: TransactionPage = self.api.send(&request).await?;
            report.pages += 1;
            report.fetched += page.items.len() as u64;
            let records: Vec<TransactionRecord> = page.items.iter().map(record_of).collect();
            self.with_vault(move |v| v.transactions()?.upsert_many(&records))
                .await?;
            if let Some(p) = &progress {
                p.on_progress(report.fetched);
            }
            match page.next_cursor {
                Some(next) if !page.items.is_empty() => cursor = Some(next),
                _ => break,
            }
        }
        report.cached = self
            .with_vault(|v| v.transactions()?.count())
            .await?
            .try_into()
            .unwrap_or(0);
        tracing::info!(
            fetched = report.fetched,
            pages = report.pages,
            "history synced"
        );
        Ok(report)
    }

    /// A page of the cached history, newest first (call
    /// [`Wallet::sync_history`] to refresh it).
    pub async fn history(&self, limit: u32, offset: u32) -> Result<HistoryPage, WalletError> {
        let limit = limit.clamp(1, 500);
        let items = self
            .with_vault(move |v| v.transactions()?.page(limit, offset))
            .await?;
        let next_offset = (items.len() as u32 == limit).then_some(offset + limit);
        Ok(HistoryPage {
            items: items.into_iter().map(view_of).collect(),
            next_offset,
        })
    }

    /// One cached transaction, memo included.
    pub async fn transaction(
        &self,
        transaction_id: String,
    ) -> Result<TransactionView, WalletError> {
        let record = self
            .with_vault(move |v| v.transactions()?.get(&transaction_id))
            .await?;
        Ok(TransactionView {
            category: record.category.unwrap_or_else(|| record.kind.clone()),
            transaction_id: record.server_id,
            created_at_ms: record.created_at_ms,
            kind: record.kind,
            status: record.status,
            amount: record.amount,
            counterparty: record.counterparty,
            memo: record.memo,
        })
    }

    /// Money spent per month and category (from the cache), newest month
    /// first. Only completed and pending outflows count.
    pub async fn spending_summary(&self) -> Result<Vec<SpendingLine>, WalletError> {
        const PAGE: u32 = 500;
        let mut totals: BTreeMap<(String, String, Currency), (i64, u32)> = BTreeMap::new();
        let mut offset = 0;
        loop {
            let items = self
                .with_vault(move |v| v.transactions()?.page(PAGE, offset))
                .await?;
            let n = items.len() as u32;
            for item in items {
                let spent = item.amount.is_negative()
                    && matches!(item.status.as_str(), "completed" | "pending")
                    && item.kind != "fx_conversion";
                if !spent {
                    continue;
                }
                let key = (
                    month_of(item.created_at_ms),
                    item.category.clone().unwrap_or_else(|| item.kind.clone()),
                    item.amount.currency,
                );
                let entry = totals.entry(key).or_insert((0, 0));
                entry.0 = entry
                    .0
                    .checked_sub(item.amount.minor)
                    .ok_or(WalletError::internal("spending total overflow"))?;
                entry.1 += 1;
            }
            if n < PAGE {
                break;
            }
            offset += PAGE;
        }
        let mut lines: Vec<SpendingLine> = totals
            .into_iter()
            .map(
                |((month, category, currency), (minor, count))| SpendingLine {
                    month,
                    category,
                    total: Money::new(minor, currency),
                    count,
                },
            )
            .collect();
        lines.sort_by(|a, b| b.month.cmp(&a.month).then(a.category.cmp(&b.category)));
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times_are_computed_in_utc() {
        assert_eq!(
            UtcMinute::of_unix_ms(1_709_251_199_000),
            UtcMinute {
                year: 2024,
                month: 2,
                day: 29,
                hour: 23,
                minute: 59
            }
        );
        assert_eq!(
            UtcMinute::of_unix_ms(-1),
            UtcMinute {
                year: 1969,
                month: 12,
                day: 31,
                hour: 23,
                minute: 59
            }
        );
    }

    #[test]
    fn months_are_computed_in_utc() {
        assert_eq!(month_of(0), "1970-01");
        // 2026-11-23T05:00:00Z
        assert_eq!(month_of(1_795_410_000_000), "2026-11");
        // 2024-02-29T23:59:59Z (leap day)
        assert_eq!(month_of(1_709_251_199_000), "2024-02");
        assert_eq!(month_of(1_709_251_200_000), "2024-03");
    }

    #[test]
    fn cancel_token_reports_cancellation() {
        let t = CancelToken::new();
        assert!(!t.is_cancelled());
        t.cancel();
        assert!(t.is_cancelled());
    }
}
