//! The transaction history cache (`cache.transactions`).
//!
//! Plaintext columns: the opaque server id, created/updated timestamps,
//! kind, status, direction (sign of the amount) and currency, so pages sort
//! and sync on indexes without decrypting. Encrypted: `body`, one envelope
//! per row holding amount, counterparty, category and memo (body layout
//! version 2, [`BODY_SCHEMA_V2`] in its AAD). Rows written before version 2
//! have a version-1 body (no memo, [`COLUMN_SCHEMA`](super::COLUMN_SCHEMA)
//! in the AAD) and the memo in its own envelope in the `memo` column; a
//! version-2 row marks itself with an empty blob there. Both are read; the
//! next sync rewrites old rows as version 2. `counterparty_idx` is a
//! blind index for "history with this person": a 64-bit integer
//! ([`BlindIndexKey::index_i64`]; SQLite maintains an integer index far
//! more cheaply than one on blobs). Rows written before it hold the 16-byte
//! blob form ([`BlindIndexKey::index`]), which lookups still match until
//! the next sync rewrites them.

use std::collections::HashMap;

use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, params};
use zeroize::Zeroizing;

use super::{COLUMN_SCHEMA, RepoCtx, aad};
use crate::crypto::keys::BlindIndexKey;
use crate::crypto::{Aad, CryptoError, VaultKeys};
use crate::store::error::{Result, VaultError};

const TABLE: &str = "transactions";

/// Layout version of the history body written today, bound into its AAD:
/// version 2 carries the memo too (one nonce and tag per row instead of
/// two for rows with a memo). Version 1 is [`COLUMN_SCHEMA`].
pub const BODY_SCHEMA_V2: u32 = 2;

/// What the `memo` column holds in a row with a version-2 body: an empty
/// blob. A version-1 row has NULL or the memo's own envelope there. Changing
/// the marker changes the AAD used to open the body, so it cannot be used to
/// make the reader accept another layout.
const V2_MARKER: &[u8] = &[];

/// Which body layout a row has, from its `memo` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    V1,
    V2,
}

impl Layout {
    fn of_memo_column(memo: Option<&[u8]>) -> Self {
        match memo {
            Some([]) => Layout::V2,
            _ => Layout::V1,
        }
    }

    fn schema(self) -> u32 {
        match self {
            Layout::V1 => COLUMN_SCHEMA,
            Layout::V2 => BODY_SCHEMA_V2,
        }
    }
}

fn body_aad(server_id: &str, layout: Layout) -> Aad<'_> {
    Aad {
        table: TABLE,
        column: "body",
        row: server_id.as_bytes(),
        schema: layout.schema(),
    }
}

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

/// Body layout version 2 (compact: the history is the bulk of the store):
/// amount in minor units as a zigzag varint, counterparty as a varint
/// length and UTF-8, category and memo each as a varint (length + 1, 0 =
/// none) and UTF-8. Version 1 is the same without the memo field.
fn encode_body(out: &mut Vec<u8>, rec: &TransactionRecord) {
    out.clear();
    let minor = rec.amount.minor;
    put_varint(out, ((minor << 1) ^ (minor >> 63)) as u64);
    put_varint(out, rec.counterparty.len() as u64);
    out.extend_from_slice(rec.counterparty.as_bytes());
    for field in [&rec.category, &rec.memo] {
        match field {
            None => out.push(0),
            Some(v) => {
                put_varint(out, v.len() as u64 + 1);
                out.extend_from_slice(v.as_bytes());
            }
        }
    }
}

/// An optional field: `Some(bytes)` or `None`.
fn get_opt<'a>(input: &mut &'a [u8]) -> Result<Option<&'a [u8]>, CryptoError> {
    match get_varint(input)? {
        0 => Ok(None),
        n => {
            let len = usize::try_from(n - 1).map_err(|_| CryptoError::MalformedRecord)?;
            if input.len() < len {
                return Err(CryptoError::MalformedRecord);
            }
            let (v, rest) = input.split_at(len);
            *input = rest;
            Ok(Some(v))
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<String, CryptoError> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| CryptoError::MalformedRecord)
}

/// A decrypted body.
struct Body {
    amount: Money,
    counterparty: String,
    category: Option<String>,
    /// Version 2 only: whether a memo is in the body.
    has_memo: bool,
    /// Version 2 only, and only when asked for.
    memo: Option<String>,
}

/// Opens and parses a body into the caller's zeroizing buffer (reused over
/// a page). `want_memo` copies a version-2 memo out; otherwise only its
/// presence is reported.
fn decode_body(
    keys: &VaultKeys,
    server_id: &str,
    layout: Layout,
    code: &str,
    body: &[u8],
    plain: &mut Zeroizing<Vec<u8>>,
    want_memo: bool,
) -> Result<Body> {
    keys.columns
        .open_into(&body_aad(server_id, layout), body, plain)?;
    let mut r: &[u8] = plain;
    let zigzag = get_varint(&mut r)?;
    let minor = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
    let counterparty = get_str(&mut r)?;
    let category = get_opt(&mut r)?.map(utf8).transpose()?;
    let (has_memo, memo) = match layout {
        Layout::V1 => (false, None),
        Layout::V2 => match get_opt(&mut r)? {
            None => (false, None),
            Some(m) if want_memo => (true, Some(utf8(m)?)),
            Some(_) => (true, None),
        },
    };
    if !r.is_empty() {
        return Err(CryptoError::MalformedRecord.into());
    }
    Ok(Body {
        amount: Money::new(minor, currency(code)?),
        counterparty,
        category,
        has_memo,
        memo,
    })
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
            for rec in records {
                encode_body(&mut plain, rec);
                keys.columns
                    .seal_into(&body_aad(&rec.server_id, Layout::V2), &plain, &mut body)?;
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
                    V2_MARKER,
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
                 length(memo) FROM cache.transactions
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
                 length(memo) FROM cache.transactions WHERE counterparty_idx IN (?1, ?2)
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
    let memo_column = row
        .get_ref(6)?
        .as_blob_or_null()
        .map_err(rusqlite::Error::from)?;
    let layout = Layout::of_memo_column(memo_column);
    // One zeroizing buffer for every plaintext of the row.
    let mut plain = Zeroizing::new(Vec::with_capacity(
        body.len().max(memo_column.map_or(0, <[u8]>::len)),
    ));
    let decoded = decode_body(keys, server_id, layout, code, body, &mut plain, true)?;
    let memo = match (layout, memo_column) {
        (Layout::V1, Some(env)) => {
            keys.columns
                .open_into(&aad(TABLE, "memo", server_id.as_bytes()), env, &mut plain)?;
            Some(utf8(&plain)?)
        }
        _ => decoded.memo,
    };
    Ok(TransactionRecord {
        server_id: server_id.to_owned(),
        created_at_ms: row.get(0)?,
        updated_at_ms: row.get(1)?,
        kind: row.get(2)?,
        status: row.get(3)?,
        amount: decoded.amount,
        counterparty: decoded.counterparty,
        category: decoded.category,
        memo,
    })
}

/// Reads page rows: `server_id, created_at_ms, kind, status, currency,
/// body, length(memo)`. `length(memo)` tells the layout without loading the
/// memo: NULL or > 0 is version 1 (without / with a memo), 0 is version 2.
fn collect_items(keys: &VaultKeys, mut rows: rusqlite::Rows<'_>) -> Result<Vec<HistoryItem>> {
    let mut out = Vec::new();
    let mut plain = Zeroizing::new(Vec::with_capacity(128));
    while let Some(row) = rows.next()? {
        let server_id: String = row.get(0)?;
        let code = row.get_ref(4)?.as_str().map_err(rusqlite::Error::from)?;
        let body = row.get_ref(5)?.as_blob().map_err(rusqlite::Error::from)?;
        let memo_len: Option<i64> = row.get(6)?;
        let layout = if memo_len == Some(0) {
            Layout::V2
        } else {
            Layout::V1
        };
        let decoded = decode_body(keys, &server_id, layout, code, body, &mut plain, false)?;
        out.push(HistoryItem {
            created_at_ms: row.get(1)?,
            kind: row.get(2)?,
            status: row.get(3)?,
            has_memo: decoded.has_memo || memo_len.is_some_and(|n| n > 0),
            server_id,
            amount: decoded.amount,
            counterparty: decoded.counterparty,
            category: decoded.category,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::crypto::{DataKey, KdfPolicy};
    use crate::store::{Vault, VaultOptions, VaultPaths};

    fn record(id: &str, category: Option<&str>, memo: Option<&str>) -> TransactionRecord {
        TransactionRecord {
            server_id: id.into(),
            created_at_ms: 1,
            updated_at_ms: 2,
            kind: "payment".into(),
            status: "completed".into(),
            amount: Money::new(-250, Currency::Cny),
            counterparty: "Bakery".into(),
            category: category.map(Into::into),
            memo: memo.map(Into::into),
        }
    }

    #[test]
    fn compact_body_round_trips_extreme_amounts_and_optional_fields() {
        let keys = VaultKeys::from_dek(&DataKey::generate().unwrap()).unwrap();
        for (minor, category, memo) in [
            (i64::MIN, None, None),
            (i64::MAX, Some("x"), Some("lunch")),
            (0, Some(""), Some("")),
            (-1, None, Some("m")),
        ] {
            let rec = TransactionRecord {
                amount: Money::new(minor, Currency::Jpy),
                counterparty: "c".repeat(300),
                ..record("s", category, memo)
            };
            let mut plain = Vec::new();
            encode_body(&mut plain, &rec);
            let env = keys
                .columns
                .seal(&body_aad("s", Layout::V2), &plain)
                .unwrap();
            let mut buf = Zeroizing::new(Vec::new());
            let b = decode_body(&keys, "s", Layout::V2, "JPY", &env, &mut buf, true).unwrap();
            assert_eq!(
                (b.amount, b.counterparty, b.category, b.memo, b.has_memo),
                (
                    rec.amount,
                    rec.counterparty,
                    rec.category,
                    rec.memo.clone(),
                    rec.memo.is_some()
                )
            );
            // Opened under the other layout's AAD, it is refused.
            assert!(decode_body(&keys, "s", Layout::V1, "JPY", &env, &mut buf, true).is_err());
        }
    }

    #[test]
    fn rows_written_with_the_version_one_layout_still_read_and_page() {
        let dir = tempfile::tempdir().unwrap();
        let opts = VaultOptions {
            kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
            ..VaultOptions::default()
        };
        let v = Vault::create(&VaultPaths::in_dir(dir.path()), &"pw".into(), None, opts).unwrap();
        let keys = v.keys().unwrap();
        // What the previous build wrote: a version-1 body (no memo field)
        // and the memo in its own envelope, 16-byte blind index.
        let body_v1 = [&[0xf3, 0x03, 6][..], b"Bakery", &[6], b"treat"].concat();
        let body = keys
            .columns
            .seal(&aad(TABLE, "body", b"old"), &body_v1)
            .unwrap();
        let memo = keys
            .columns
            .seal(&aad(TABLE, "memo", b"old"), b"for Ann")
            .unwrap();
        let idx = keys.index.index(TABLE, "counterparty", b"Bakery");
        v.db()
            .write(|tx| {
                tx.execute(
                    "INSERT INTO cache.transactions (server_id, created_at_ms, updated_at_ms,
                     kind, status, direction, currency, body, memo, counterparty_idx)
                     VALUES ('old', 1, 2, 'payment', 'completed', -1, 'CNY', ?1, ?2, ?3)",
                    params![body, memo, &idx[..]],
                )?;
                Ok(())
            })
            .unwrap();
        let t = v.transactions().unwrap();
        t.upsert(&record("new", None, Some("for Bob"))).unwrap();
        let old = t.get("old").unwrap();
        assert_eq!(
            (old.memo.as_deref(), old.category.as_deref()),
            (Some("for Ann"), Some("treat"))
        );
        assert_eq!(t.get("new").unwrap().memo.as_deref(), Some("for Bob"));
        let page = t.page(10, 0).unwrap();
        assert!(
            page.iter()
                .all(|h| h.has_memo && h.counterparty == "Bakery")
        );
        assert_eq!(t.with_counterparty("Bakery", 10).unwrap().len(), 2);
        // The layout marker is bound to the AAD: flipping it breaks the row.
        v.db()
            .write(|tx| {
                tx.execute(
                    "UPDATE cache.transactions SET memo = NULL WHERE server_id = 'new'",
                    [],
                )?;
                Ok(())
            })
            .unwrap();
        assert!(matches!(t.get("new"), Err(VaultError::Crypto(_))));
    }
}
