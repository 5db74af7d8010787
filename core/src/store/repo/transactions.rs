//! The transaction history cache (`cache.transactions`).
//!
//! Plaintext columns: the opaque server id, created/updated timestamps,
//! kind, status, direction (sign of the amount) and currency, so pages sort
//! and sync on indexes without decrypting. Encrypted: `body` (amount,
//! counterparty, category, one envelope) and `memo` (a separate envelope,
//! decrypted only when one transaction is opened). `counterparty_idx` is a
//! blind index for "history with this person".

use std::collections::HashMap;

use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, params};
use zeroize::Zeroizing;

use super::{RepoCtx, aad};
use crate::crypto::VaultKeys;
use crate::crypto::keys::BlindIndexKey;
use crate::store::codec::RecordReader;
use crate::store::error::{Result, VaultError};

const TABLE: &str = "transactions";

/// One transaction as cached.
#[derive(Clone, PartialEq, Eq)]
pub struct TransactionRecord {
    /// The server's id (opaque).
    pub server_id: String,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: i64,
    /// Last server-side change, Unix milliseconds (sync cursor).
    pub updated_at_ms: i64,
    /// Kind, e.g. `payment`, `transfer`, `top_up`, `withdrawal`.
    pub kind: String,
    /// Status, e.g. `pending`, `completed`, `failed`.
    pub status: String,
    /// Signed amount: negative leaves the wallet.
    pub amount: Money,
    /// Who was paid or paid us (name or handle).
    pub counterparty: String,
    /// Spending category, if any.
    pub category: Option<String>,
    /// The user's note, if any.
    pub memo: Option<String>,
}

impl std::fmt::Debug for TransactionRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionRecord")
            .field("server_id", &self.server_id)
            .field("created_at_ms", &self.created_at_ms)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("amount", &"<redacted>")
            .field("counterparty", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// A history row as a list shows it (no memo; it is not decrypted).
#[derive(Clone, PartialEq, Eq)]
pub struct HistoryItem {
    /// The server's id.
    pub server_id: String,
    /// Creation time, Unix milliseconds.
    pub created_at_ms: i64,
    /// Kind.
    pub kind: String,
    /// Status.
    pub status: String,
    /// Signed amount.
    pub amount: Money,
    /// Counterparty.
    pub counterparty: String,
    /// Category.
    pub category: Option<String>,
    /// Whether a memo is stored (open the transaction to read it).
    pub has_memo: bool,
}

impl std::fmt::Debug for HistoryItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryItem")
            .field("server_id", &self.server_id)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// Access to the history cache.
pub struct Transactions<'v>(pub(crate) RepoCtx<'v>);

const UPSERT: &str = "INSERT INTO cache.transactions (server_id, created_at_ms, updated_at_ms,
    kind, status, direction, currency, body, memo, counterparty_idx)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
    ON CONFLICT (server_id) DO UPDATE SET created_at_ms = excluded.created_at_ms,
    updated_at_ms = excluded.updated_at_ms, kind = excluded.kind, status = excluded.status,
    direction = excluded.direction, currency = excluded.currency, body = excluded.body,
    memo = excluded.memo, counterparty_idx = excluded.counterparty_idx";

fn currency(code: &str) -> Result<Currency> {
    Currency::from_code(code).map_err(|_| VaultError::InvalidInput("unknown currency in cache"))
}

/// Body layout: amount minor units (i64), counterparty, optional category.
fn encode_body(out: &mut Vec<u8>, rec: &TransactionRecord) {
    out.clear();
    out.extend_from_slice(&rec.amount.minor.to_le_bytes());
    out.extend_from_slice(&(rec.counterparty.len() as u32).to_le_bytes());
    out.extend_from_slice(rec.counterparty.as_bytes());
    match &rec.category {
        None => out.push(0),
        Some(c) => {
            out.push(1);
            out.extend_from_slice(&(c.len() as u32).to_le_bytes());
            out.extend_from_slice(c.as_bytes());
        }
    }
}

fn decode_body(
    keys: &VaultKeys,
    server_id: &str,
    code: &str,
    body: &[u8],
) -> Result<(Money, String, Option<String>)> {
    let plain = keys
        .columns
        .open(&aad(TABLE, "body", server_id.as_bytes()), body)?;
    let mut r = RecordReader::new(&plain);
    let minor = r.i64()?;
    let counterparty = r.string()?;
    let category = r.opt_string()?;
    r.end()?;
    Ok((Money::new(minor, currency(code)?), counterparty, category))
}

impl Transactions<'_> {
    /// Inserts or replaces `records` in one transaction (one commit, one
    /// fsync for the batch). Returns when they are committed.
    pub fn upsert_many(&self, records: &[TransactionRecord]) -> Result<()> {
        let keys = &self.0.keys;
        // Counterparties repeat a lot in a history: compute each blind-index
        // value once per batch.
        let mut index_cache: HashMap<&str, [u8; BlindIndexKey::LEN]> = HashMap::new();
        self.0.db.write(|tx| {
            let mut stmt = tx.prepare_cached(UPSERT)?;
            let mut plain = Zeroizing::new(Vec::with_capacity(128));
            let mut body = Vec::with_capacity(128);
            let mut memo = Vec::with_capacity(128);
            for rec in records {
                let id = rec.server_id.as_bytes();
                encode_body(&mut plain, rec);
                keys.columns
                    .seal_into(&aad(TABLE, "body", id), &plain, &mut body)?;
                let memo_value = match &rec.memo {
                    Some(m) => {
                        keys.columns
                            .seal_into(&aad(TABLE, "memo", id), m.as_bytes(), &mut memo)?;
                        Some(memo.as_slice())
                    }
                    None => None,
                };
                let idx = *index_cache
                    .entry(rec.counterparty.as_str())
                    .or_insert_with(|| {
                        keys.index
                            .index(TABLE, "counterparty", rec.counterparty.as_bytes())
                    });
                stmt.execute(params![
                    rec.server_id,
                    rec.created_at_ms,
                    rec.updated_at_ms,
                    rec.kind,
                    rec.status,
                    rec.amount.minor.signum(),
                    rec.amount.currency.code(),
                    body,
                    memo_value,
                    &idx[..],
                ])?;
            }
            Ok(())
        })
    }

    /// Inserts or replaces one record.
    pub fn upsert(&self, record: &TransactionRecord) -> Result<()> {
        self.upsert_many(std::slice::from_ref(record))
    }

    /// One transaction with its memo, or [`VaultError::NotFound`].
    pub fn get(&self, server_id: &str) -> Result<TransactionRecord> {
        let keys = &self.0.keys;
        self.0.db.read(|c| get_on(c, keys, server_id))
    }

    /// A page of the newest transactions, skipping `offset`.
    pub fn page(&self, limit: u32, offset: u32) -> Result<Vec<HistoryItem>> {
        let keys = &self.0.keys;
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT server_id, created_at_ms, kind, status, currency, body,
                 memo IS NOT NULL FROM cache.transactions
                 ORDER BY created_at_ms DESC, id DESC LIMIT ?1 OFFSET ?2",
            )?;
            collect_items(keys, stmt.query(params![limit, offset])?)
        })
    }

    /// The newest transactions with `counterparty` (blind-index lookup).
    pub fn with_counterparty(&self, counterparty: &str, limit: u32) -> Result<Vec<HistoryItem>> {
        let keys = &self.0.keys;
        let idx = keys
            .index
            .index(TABLE, "counterparty", counterparty.as_bytes());
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT server_id, created_at_ms, kind, status, currency, body,
                 memo IS NOT NULL FROM cache.transactions WHERE counterparty_idx = ?1
                 ORDER BY created_at_ms DESC, id DESC LIMIT ?2",
            )?;
            collect_items(keys, stmt.query(params![&idx[..], limit])?)
        })
    }

    /// The newest `updated_at_ms` in the cache (the incremental-sync cursor).
    pub fn latest_update_ms(&self) -> Result<Option<i64>> {
        self.0.db.read(|c| {
            Ok(c.query_row(
                "SELECT max(updated_at_ms) FROM cache.transactions",
                [],
                |r| r.get(0),
            )?)
        })
    }

    /// Number of cached transactions.
    pub fn count(&self) -> Result<i64> {
        self.0
            .db
            .read(|c| Ok(c.query_row("SELECT count(*) FROM cache.transactions", [], |r| r.get(0))?))
    }

    /// Empties the cache.
    pub fn clear(&self) -> Result<()> {
        self.0.db.write(|tx| {
            tx.execute("DELETE FROM cache.transactions", [])?;
            Ok(())
        })
    }
}

fn get_on(c: &Connection, keys: &VaultKeys, server_id: &str) -> Result<TransactionRecord> {
    let mut stmt = c.prepare_cached(
        "SELECT created_at_ms, updated_at_ms, kind, status, currency, body, memo
         FROM cache.transactions WHERE server_id = ?1",
    )?;
    let mut rows = stmt.query([server_id])?;
    let row = rows.next()?.ok_or(VaultError::NotFound)?;
    let code = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
    let body = row.get_ref(5)?.as_blob().map_err(rusqlite::Error::from)?;
    let (amount, counterparty, category) = decode_body(keys, server_id, code, body)?;
    let memo = match row
        .get_ref(6)?
        .as_blob_or_null()
        .map_err(rusqlite::Error::from)?
    {
        Some(env) => {
            let plain = keys
                .columns
                .open(&aad(TABLE, "memo", server_id.as_bytes()), env)?;
            Some(
                String::from_utf8(plain.to_vec())
                    .map_err(|_| crate::crypto::CryptoError::MalformedRecord)?,
            )
        }
        None => None,
    };
    Ok(TransactionRecord {
        server_id: server_id.to_owned(),
        created_at_ms: row.get(0)?,
        updated_at_ms: row.get(1)?,
        kind: row.get(2)?,
        status: row.get(3)?,
        amount,
        counterparty,
        category,
        memo,
    })
}

fn collect_items(keys: &VaultKeys, mut rows: rusqlite::Rows<'_>) -> Result<Vec<HistoryItem>> {
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let server_id: String = row.get(0)?;
        let code = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        let body = row.get_ref(5)?.as_blob().map_err(rusqlite::Error::from)?;
        let (amount, counterparty, category) = decode_body(keys, &server_id, code, body)?;
        out.push(HistoryItem {
            created_at_ms: row.get(1)?,
            kind: row.get(2)?,
            status: row.get(3)?,
            has_memo: row.get(6)?,
            server_id,
            amount,
            counterparty,
            category,
        });
    }
    Ok(out)
}
