//! The transaction history cache (`cache.transactions`).
//!
//! Plaintext columns: the opaque server id, created/updated timestamps,
//! kind, status, direction (sign of the amount) and currency, so pages sort
//! and sync on indexes without decrypting. Encrypted: `body`, one envelope
//! per row holding amount, counterparty, category and memo (body layout
//! version 3, [`BODY_SCHEMA_V3`] in its AAD).
//!
//! Authenticated: the body's AAD row is not just the server id but every
//! plaintext column of the row ([`Columns`]), so an edited currency, kind,
//! status, direction or timestamp makes the row fail authentication instead
//! of showing a different currency. The `memo` column holds the layout
//! marker ([`V3_MARKER`]). Rows of the older layouts (version 1: body with
//! the server id alone as AAD and the memo in its own envelope; version 2:
//! the memo in the body) authenticated nothing of the plaintext; cache
//! migration 4 deleted them (the cache is rebuilt by the next sync), so a
//! row of either layout found later was put there and is refused.
//!
//! `counterparty_idx` is a blind index for "history with this person": a
//! 64-bit integer ([`crate::crypto::keys::BlindIndexKey::index_i64`]; SQLite maintains an
//! integer index far more cheaply than one on blobs).

use std::collections::HashMap;

use imwallet_protocol::money::{Currency, Money};
use rusqlite::{Connection, params};
use zeroize::Zeroizing;

use super::RepoCtx;
use crate::crypto::{Aad, CryptoError, VaultKeys};
use crate::store::error::{Result, VaultError};

const TABLE: &str = "transactions";

/// Layout version of the history body, bound into its AAD: version 3
/// carries the memo and authenticates the row's plaintext columns.
pub const BODY_SCHEMA_V3: u32 = 3;

/// What the `memo` column holds in a version-3 row (a version-1 row had
/// NULL or an envelope of at least 28 bytes there, a version-2 row an empty
/// blob).
const V3_MARKER: &[u8] = &[3];

/// A row's plaintext columns: what its body's AAD binds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns<'a> {
    server_id: &'a str,
    created_at_ms: i64,
    updated_at_ms: i64,
    kind: &'a str,
    status: &'a str,
    direction: i64,
    currency: &'a str,
}

impl<'a> Columns<'a> {
    fn of(rec: &'a TransactionRecord) -> Self {
        Columns {
            server_id: &rec.server_id,
            created_at_ms: rec.created_at_ms,
            updated_at_ms: rec.updated_at_ms,
            kind: &rec.kind,
            status: &rec.status,
            direction: rec.amount.minor.signum(),
            currency: rec.amount.currency.code(),
        }
    }

    /// The AAD row: each column length-prefixed (injective) into `out`.
    fn encode(&self, out: &mut Vec<u8>) {
        out.clear();
        for text in [self.server_id, self.kind, self.status, self.currency] {
            out.extend_from_slice(&(text.len() as u32).to_le_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        for n in [self.created_at_ms, self.updated_at_ms, self.direction] {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
}

fn body_aad(row: &[u8]) -> Aad<'_> {
    Aad {
        table: TABLE,
        column: "body",
        row,
        schema: BODY_SCHEMA_V3,
    }
}

/// Refuses a row that is not of the current layout (see the module docs).
fn require_v3(memo_column: Option<&[u8]>) -> Result<(), CryptoError> {
    if memo_column == Some(V3_MARKER) {
        Ok(())
    } else {
        Err(CryptoError::Authentication)
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
    /// Whether a memo is in the body.
    has_memo: bool,
    /// The memo, only when asked for.
    memo: Option<String>,
}

/// Opens and parses a body into the caller's zeroizing buffer (reused over
/// a page), checking it against the row's plaintext `columns` (`row` is a
/// scratch buffer for their encoding). `want_memo` copies the memo out;
/// otherwise only its presence is reported.
fn decode_body(
    keys: &VaultKeys,
    columns: &Columns<'_>,
    row: &mut Vec<u8>,
    body: &[u8],
    plain: &mut Zeroizing<Vec<u8>>,
    want_memo: bool,
) -> Result<Body> {
    columns.encode(row);
    keys.columns.open_into(&body_aad(row), body, plain)?;
    let mut r: &[u8] = plain;
    let zigzag = get_varint(&mut r)?;
    let minor = ((zigzag >> 1) as i64) ^ -((zigzag & 1) as i64);
    let counterparty = get_str(&mut r)?;
    let category = get_opt(&mut r)?.map(utf8).transpose()?;
    let (has_memo, memo) = match get_opt(&mut r)? {
        None => (false, None),
        Some(m) if want_memo => (true, Some(utf8(m)?)),
        Some(_) => (true, None),
    };
    if !r.is_empty() || minor.signum() != columns.direction {
        return Err(CryptoError::MalformedRecord.into());
    }
    Ok(Body {
        amount: Money::new(minor, currency(columns.currency)?),
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
            let mut row = Vec::with_capacity(96);
            for rec in records {
                encode_body(&mut plain, rec);
                Columns::of(rec).encode(&mut row);
                keys.columns.seal_into(&body_aad(&row), &plain, &mut body)?;
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
                    V3_MARKER,
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
                "SELECT server_id, created_at_ms, updated_at_ms, kind, status, direction,
                 currency, body, memo FROM cache.transactions
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
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT server_id, created_at_ms, updated_at_ms, kind, status, direction,
                 currency, body, memo FROM cache.transactions WHERE counterparty_idx = ?1
                 ORDER BY created_at_ms DESC, id DESC LIMIT ?2",
            )?;
            let mut items = collect_items(keys, stmt.query(params![idx, limit])?)?;
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

/// Reads the current columns of a selected row: `server_id,
/// created_at_ms, updated_at_ms, kind, status, direction, currency` at
/// `at..at + 7`.
fn columns_at<'r>(row: &'r rusqlite::Row<'_>, at: usize) -> Result<Columns<'r>> {
    let text = |i: usize| -> Result<&'r str> {
        Ok(row
            .get_ref(at + i)?
            .as_str()
            .map_err(rusqlite::Error::from)?)
    };
    Ok(Columns {
        server_id: text(0)?,
        created_at_ms: row.get(at + 1)?,
        updated_at_ms: row.get(at + 2)?,
        kind: text(3)?,
        status: text(4)?,
        direction: row.get(at + 5)?,
        currency: text(6)?,
    })
}

fn get_on(c: &Connection, keys: &VaultKeys, server_id: &str) -> Result<TransactionRecord> {
    let mut stmt = c.prepare_cached(
        "SELECT server_id, created_at_ms, updated_at_ms, kind, status, direction, currency,
         body, memo FROM cache.transactions WHERE server_id = ?1",
    )?;
    let mut rows = stmt.query([server_id])?;
    let row = rows.next()?.ok_or(VaultError::NotFound)?;
    let columns = columns_at(row, 0)?;
    let body = row.get_ref(7)?.as_blob().map_err(rusqlite::Error::from)?;
    require_v3(
        row.get_ref(8)?
            .as_blob_or_null()
            .map_err(rusqlite::Error::from)?,
    )?;
    let mut plain = Zeroizing::new(Vec::with_capacity(body.len()));
    let mut aad_row = Vec::with_capacity(96);
    let decoded = decode_body(keys, &columns, &mut aad_row, body, &mut plain, true)?;
    Ok(TransactionRecord {
        server_id: columns.server_id.to_owned(),
        created_at_ms: columns.created_at_ms,
        updated_at_ms: columns.updated_at_ms,
        kind: columns.kind.to_owned(),
        status: columns.status.to_owned(),
        amount: decoded.amount,
        counterparty: decoded.counterparty,
        category: decoded.category,
        memo: decoded.memo,
    })
}

/// Reads page rows: `server_id, created_at_ms, updated_at_ms, kind,
/// status, direction, currency, body, memo` (the memo column holds only
/// the layout marker).
fn collect_items(keys: &VaultKeys, mut rows: rusqlite::Rows<'_>) -> Result<Vec<HistoryItem>> {
    let mut out = Vec::new();
    let mut plain = Zeroizing::new(Vec::with_capacity(128));
    let mut aad_row = Vec::with_capacity(96);
    while let Some(row) = rows.next()? {
        let columns = columns_at(row, 0)?;
        let body = row.get_ref(7)?.as_blob().map_err(rusqlite::Error::from)?;
        require_v3(
            row.get_ref(8)?
                .as_blob_or_null()
                .map_err(rusqlite::Error::from)?,
        )?;
        let decoded = decode_body(keys, &columns, &mut aad_row, body, &mut plain, false)?;
        out.push(HistoryItem {
            server_id: columns.server_id.to_owned(),
            created_at_ms: columns.created_at_ms,
            kind: columns.kind.to_owned(),
            status: columns.status.to_owned(),
            has_memo: decoded.has_memo,
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
            let mut row = Vec::new();
            Columns::of(&rec).encode(&mut row);
            let env = keys.columns.seal(&body_aad(&row), &plain).unwrap();
            let mut buf = Zeroizing::new(Vec::new());
            let columns = Columns::of(&rec);
            let b = decode_body(&keys, &columns, &mut row, &env, &mut buf, true).unwrap();
            assert_eq!(
                (b.amount, b.counterparty, b.category, b.memo, b.has_memo),
                (
                    rec.amount,
                    rec.counterparty.clone(),
                    rec.category.clone(),
                    rec.memo.clone(),
                    rec.memo.is_some()
                )
            );
            // Opened with any other plaintext column, it is refused.
            let other = Columns {
                currency: "USD",
                ..columns
            };
            assert!(decode_body(&keys, &other, &mut row, &env, &mut buf, true).is_err());
        }
    }

    #[test]
    fn column_encodings_are_injective() {
        let rec = record("ab", None, None);
        let a = Columns::of(&rec);
        let b = Columns {
            server_id: "a",
            kind: "bpayment",
            ..a
        };
        let (mut x, mut y) = (Vec::new(), Vec::new());
        a.encode(&mut x);
        b.encode(&mut y);
        assert_ne!(x, y);
    }

    #[test]
    fn rows_of_the_older_layouts_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let opts = VaultOptions {
            kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
            ..VaultOptions::default()
        };
        let v = Vault::create(&VaultPaths::in_dir(dir.path()), &"pw".into(), None, opts).unwrap();
        let keys = v.keys().unwrap();
        // What a version-2 build wrote: the server id alone as the AAD, an
        // empty blob as the marker. Genuine ciphertext, but it
        // authenticates none of the plaintext columns.
        let body_v2 = [&[0xf3, 0x03, 6][..], b"Bakery", &[0], &[0]].concat();
        let body = keys
            .columns
            .seal(&super::super::aad(TABLE, "body", b"old"), &body_v2)
            .unwrap();
        let t = v.transactions().unwrap();
        for marker in [None, Some(&[][..])] {
            v.db()
                .write(|tx| {
                    tx.execute(
                        "INSERT OR REPLACE INTO cache.transactions (server_id, created_at_ms,
                         updated_at_ms, kind, status, direction, currency, body, memo,
                         counterparty_idx) VALUES ('old', 1, 2, 'payment', 'completed', -1,
                         'CNY', ?1, ?2, 0)",
                        params![body, marker],
                    )?;
                    Ok(())
                })
                .unwrap();
            assert!(matches!(t.get("old"), Err(VaultError::Crypto(_))));
            assert!(matches!(t.page(10, 0), Err(VaultError::Crypto(_))));
        }
        t.clear().unwrap();
        t.upsert(&record("new", None, Some("for Bob"))).unwrap();
        assert_eq!(t.get("new").unwrap().memo.as_deref(), Some("for Bob"));
        assert_eq!(t.with_counterparty("Bakery", 10).unwrap().len(), 1);
    }
}
