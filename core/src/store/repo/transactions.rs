//! The transaction history cache (`cache.transactions`).
//!
//! Plaintext columns: the opaque server id, created/updated timestamps,
//! kind, status, direction (sign of the amount) and currency, so pages sort
//! and sync on indexes without decrypting. Encrypted: `body` (amount,
//! counterparty, category, one envelope) and `memo` (a separate envelope,
//! decrypted only when one transaction is opened). `counterparty_idx` is a
//! blind index for "history with this person": a 64-bit integer
//! ([`BlindIndexKey::index_i64`]; SQLite maintains an integer index far
//! more cheaply than one on blobs). Rows written before it hold the 16-byte
//! blob form ([`BlindIndexKey::index`]), which lookups still match until
//! the next sync rewrites them.

use std::collections::HashMap;

use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, params};
use zeroize::Zeroizing;

use super::{RepoCtx, aad};
use crate::crypto::keys::BlindIndexKey;
use crate::crypto::{CryptoError, VaultKeys};
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

/// Appends `v` as an unsigned LEB128 varint.
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads an unsigned LEB128 varint.
fn get_varint(input: &mut &[u8]) -> Result<u64, CryptoError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = input.split_first().ok_or(CryptoError::MalformedRecord)?;
        *input = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(CryptoError::MalformedRecord)
}

fn get_str(input: &mut &[u8]) -> Result<String, CryptoError> {
    let len = usize::try_from(get_varint(input)?).map_err(|_| CryptoError::MalformedRecord)?;
    if input.len() < len {
        return Err(CryptoError::MalformedRecord);
    }
    let (s, rest) = input.split_at(len);
    *input = rest;
    String::from_utf8(s.to_vec()).map_err(|_| CryptoError::MalformedRecord)
}

/// Body layout (compact: the history is the bulk of the store): amount in
/// minor units as a zigzag varint, counterparty as varint length + UTF-8,
/// category as varint (length + 1, 0 = none) + UTF-8.
fn encode_body(out: &mut Vec<u8>, rec: &TransactionRecord) {
    out.clear();
    let minor = rec.amount.minor;
    put_varint(out, ((minor << 1) ^ (minor >> 63)) as u64);
    put_varint(out, rec.counterparty.len() as u64);
    out.extend_from_slice(rec.counterparty.as_bytes());
    match &rec.category {
        None => out.push(0),
        Some(c) => {
            put_varint(out, c.len() as u64 + 1);
            out.extend_from_slice(c.as_bytes());
        }
    }
}

#[cfg(test)]
fn decode_body(
    keys: &VaultKeys,
    server_id: &str,
    code: &str,
    body: &[u8],
) -> Result<(Money, String, Option<String>)> {
    decode_body_with(keys, server_id, code, body, &mut Zeroizing::new(Vec::new()))
}

/// [`decode_body`] with a caller-owned plaintext buffer (reused over a page).
fn decode_body_with(
    keys: &VaultKeys,
    server_id: &str,
    code: &str,
    body: &[u8],
    plain: &mut Zeroizing<Vec<u8>>,
) -> Result<(Money, String, Option<String>)> {
    keys.columns
        .open_into(&aad(TABLE, "body", server_id.as_bytes()), body, plain)?;
    let mut r: &[u8] = plain;
    let zigzag = get_varint(&mut r)?;
    let minor = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
    let counterparty = get_str(&mut r)?;
    let category = match get_varint(&mut r)? {
        0 => None,
        n => {
            let len = usize::try_from(n - 1).map_err(|_| CryptoError::MalformedRecord)?;
            if r.len() < len {
                return Err(CryptoError::MalformedRecord.into());
            }
            let (c, rest) = r.split_at(len);
            r = rest;
            Some(String::from_utf8(c.to_vec()).map_err(|_| CryptoError::MalformedRecord)?)
        }
    };
    if !r.is_empty() {
        return Err(CryptoError::MalformedRecord.into());
    }
    Ok((Money::new(minor, currency(code)?), counterparty, category))
}

impl Transactions<'_> {
    /// Inserts or replaces `records` in one transaction (one commit, one
    /// fsync for the batch). Returns when they are committed.
    pub fn upsert_many(&self, records: &[TransactionRecord]) -> Result<()> {
        let keys = &self.0.keys;
        // Counterparties repeat a lot in a history: compute each blind-index
        // value once per batch.
        let mut index_cache: HashMap<&str, i64> = HashMap::new();
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
                            .index_i64(TABLE, "counterparty", rec.counterparty.as_bytes())
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
                    idx,
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
        let value = counterparty.as_bytes();
        let idx = keys.index.index_i64(TABLE, "counterparty", value);
        // Rows written before the integer index carry the 16-byte form.
        let legacy: [u8; BlindIndexKey::LEN] = keys.index.index(TABLE, "counterparty", value);
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT server_id, created_at_ms, kind, status, currency, body,
                 memo IS NOT NULL FROM cache.transactions WHERE counterparty_idx IN (?1, ?2)
                 ORDER BY created_at_ms DESC, id DESC LIMIT ?3",
            )?;
            let mut items = collect_items(keys, stmt.query(params![idx, &legacy[..], limit])?)?;
            // A 64-bit index value can (very rarely) collide: keep exact matches.
            items.retain(|item| item.counterparty == counterparty);
            Ok(items)
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
    let memo_env = row
        .get_ref(6)?
        .as_blob_or_null()
        .map_err(rusqlite::Error::from)?;
    // One zeroizing buffer for both plaintexts.
    let mut plain = Zeroizing::new(Vec::with_capacity(
        body.len().max(memo_env.map_or(0, <[u8]>::len)),
    ));
    let (amount, counterparty, category) =
        decode_body_with(keys, server_id, code, body, &mut plain)?;
    let memo = match memo_env {
        Some(env) => {
            keys.columns
                .open_into(&aad(TABLE, "memo", server_id.as_bytes()), env, &mut plain)?;
            let text = std::str::from_utf8(&plain).map_err(|_| CryptoError::MalformedRecord)?;
            Some(text.to_owned())
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
    let mut plain = Zeroizing::new(Vec::with_capacity(128));
    while let Some(row) = rows.next()? {
        let server_id: String = row.get(0)?;
        let code = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        let body = row.get_ref(5)?.as_blob().map_err(rusqlite::Error::from)?;
        let (amount, counterparty, category) =
            decode_body_with(keys, &server_id, code, body, &mut plain)?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::crypto::DataKey;

    #[test]
    fn compact_body_round_trips_extreme_amounts_and_optional_category() {
        let keys = VaultKeys::from_dek(&DataKey::generate().unwrap()).unwrap();
        for (minor, category) in [
            (i64::MIN, None),
            (i64::MAX, Some("x")),
            (0, Some("")),
            (-1, None),
        ] {
            let rec = TransactionRecord {
                server_id: "s".into(),
                created_at_ms: 0,
                updated_at_ms: 0,
                kind: "k".into(),
                status: "s".into(),
                amount: Money::new(minor, Currency::Jpy),
                counterparty: "c".repeat(300),
                category: category.map(Into::into),
                memo: None,
            };
            let mut plain = Vec::new();
            encode_body(&mut plain, &rec);
            let env = keys
                .columns
                .seal(&aad(TABLE, "body", b"s"), &plain)
                .unwrap();
            let (amount, counterparty, cat) = decode_body(&keys, "s", "JPY", &env).unwrap();
            assert_eq!(
                (amount, counterparty, cat),
                (rec.amount, rec.counterparty, rec.category)
            );
        }
    }
}
