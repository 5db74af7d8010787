//! The outbox of money-moving operations (`pending_operations`), the
//! API layer's tool for exactly-once delivery: an operation and its
//! `Idempotency-Key` are committed here before the request is sent; the key
//! changes only after a definitive outcome; a timeout leaves the operation
//! `unknown` until it is reconciled with the server.
//!
//! Plaintext: id, kind, idempotency key (random, reveals nothing), state,
//! attempt count and timestamps — queries and reconciliation need them.
//! Encrypted: the request and the server's result.
//!
//! Authenticated: `header` seals kind, idempotency key, state and creation
//! time under the row's id (AES-GCM, AAD = table | `header` | id). A row
//! whose plaintext columns no longer match its header is refused with a
//! `Crypto` error, never replayed: editing `state` or `idempotency_key` in
//! the file cannot make a completed operation pay again. Every state change
//! verifies the old header before sealing the new one. Rows written before
//! headers existed (schema 4) are sealed once, at the first password unlock
//! of a vault whose DEK wrap still says legacy
//! ([`Outbox::adopt_legacy_rows`]); after that the wrap says "sealed"
//! ([`crate::crypto::VaultFormat`]), and a header-less row makes the unlock
//! fail ([`Outbox::refuse_unsealed_rows`]) instead of being adopted, however
//! many headers and settings were erased.

use rusqlite::{OptionalExtension, Row, Transaction, params};

use super::{RepoCtx, aad};
use crate::crypto::envelope::os_random;
use crate::crypto::{CryptoError, SecretBytes};
use crate::store::codec::{RecordReader, RecordWriter};
use crate::store::error::{Result, VaultError};

const TABLE: &str = "pending_operations";

/// Where an operation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationState {
    /// Committed locally, not yet sent.
    Pending,
    /// A request is (or was, if the process died) on the wire.
    Sending,
    /// The outcome is unknown (timeout, lost response): reconcile before
    /// anything else; blocks duplicates.
    Unknown,
    /// The server applied it. Terminal.
    Completed,
    /// The server definitively refused it. Terminal.
    Failed,
}

impl OperationState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Unknown => "unknown",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => Self::Pending,
            "sending" => Self::Sending,
            "unknown" => Self::Unknown,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            _ => return None,
        })
    }

    /// Completed or failed.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

/// One outbox entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingOperation {
    /// Local id.
    pub id: String,
    /// Operation kind, e.g. `pay`, `transfer`, `top_up`, `withdraw`.
    pub kind: String,
    /// The `Idempotency-Key` sent with every attempt.
    pub idempotency_key: String,
    /// Current state.
    pub state: OperationState,
    /// The request body; `None` if it can no longer be decrypted (after a
    /// password reset that replaced the data key).
    pub request: Option<SecretBytes>,
    /// The server's result, once known.
    pub result: Option<SecretBytes>,
    /// How many times it was sent.
    pub attempts: u32,
    /// Created, Unix seconds.
    pub created_at_s: i64,
    /// Last change, Unix seconds.
    pub updated_at_s: i64,
}

/// A random 128-bit identifier as 32 hex digits.
pub fn random_id() -> Result<String> {
    let mut b = [0u8; 16];
    os_random(&mut b)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Access to the outbox.
pub struct Outbox<'v>(pub(crate) RepoCtx<'v>);

/// kind, idempotency key, state, created_at_s and header as read.
type RawHead = (String, String, String, i64, Option<Vec<u8>>);

/// A row's verified authenticated fields.
struct Current {
    state: OperationState,
    kind: String,
    idempotency_key: String,
    created_at_s: i64,
}

const COLUMNS: &str = "id, kind, idempotency_key, state, request, result, attempts, \
     created_at_s, updated_at_s, header";

/// The setting that records that legacy rows were sealed (or that there were none).
const ADOPTED: &str = "outbox.headers_v1";

/// The authenticated fields of a row.
struct Head<'a> {
    kind: &'a str,
    idempotency_key: &'a str,
    state: &'a str,
    created_at_s: i64,
}

impl Head<'_> {
    fn record(&self) -> zeroize::Zeroizing<Vec<u8>> {
        RecordWriter::with_capacity(96)
            .str(self.kind)
            .str(self.idempotency_key)
            .str(self.state)
            .i64(self.created_at_s)
            .finish()
    }
}

impl Outbox<'_> {
    fn now(&self) -> i64 {
        self.0.vault.options().clock.wall_s()
    }

    fn seal_head(&self, id: &str, head: &Head<'_>) -> Result<Vec<u8>> {
        Ok(self
            .0
            .keys
            .columns
            .seal(&aad(TABLE, "header", id.as_bytes()), &head.record())?)
    }

    /// Fails unless `header` opens under `id` and says exactly `head`.
    fn verify_head(&self, id: &str, head: &Head<'_>, header: Option<&[u8]>) -> Result<()> {
        let header = header.ok_or(CryptoError::Authentication)?;
        let plain = self
            .0
            .keys
            .columns
            .open(&aad(TABLE, "header", id.as_bytes()), header)?;
        let mut r = RecordReader::new(&plain);
        let same = r.string()? == head.kind
            && r.string()? == head.idempotency_key
            && r.string()? == head.state
            && r.i64()? == head.created_at_s;
        r.end()?;
        if same {
            Ok(())
        } else {
            Err(CryptoError::Authentication.into())
        }
    }

    /// Fails with [`CryptoError::Authentication`] when any row lacks its
    /// header: in a vault whose wrap says every row is sealed, that is
    /// tampering (erasing headers to get edited plaintext adopted).
    pub(crate) fn refuse_unsealed_rows(&self) -> Result<()> {
        let unsealed: i64 = self.0.db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM pending_operations WHERE header IS NULL",
                [],
                |r| r.get(0),
            )?)
        })?;
        if unsealed == 0 {
            Ok(())
        } else {
            Err(CryptoError::Authentication.into())
        }
    }

    /// Seals the header of every row written before headers existed, trusting
    /// the plaintext found. Runs only while the vault's DEK wrap says legacy
    /// (the first password unlock after the upgrade, or after a re-key that
    /// cleared the headers); the caller then re-wraps the DEK as sealed, and
    /// from then on a missing header is refused at unlock.
    pub fn adopt_legacy_rows(&self) -> Result<()> {
        let settings = super::settings::Settings(self.0.clone());
        if settings.get(ADOPTED)?.is_some() {
            return Ok(());
        }
        self.0.db.write(|tx| {
            let sealed: i64 = tx.query_row(
                "SELECT count(*) FROM pending_operations WHERE header IS NOT NULL",
                [],
                |r| r.get(0),
            )?;
            // Rows that already carry headers mean this vault was sealed
            // before: a missing marker is not a reason to trust anything.
            if sealed == 0 {
                let mut stmt = tx.prepare(
                    "SELECT id, kind, idempotency_key, state, created_at_s
                     FROM pending_operations WHERE header IS NULL",
                )?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, i64>(4)?,
                        ))
                    })?
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                for (id, kind, key, state, created_at_s) in rows {
                    let header = self.seal_head(
                        &id,
                        &Head {
                            kind: &kind,
                            idempotency_key: &key,
                            state: &state,
                            created_at_s,
                        },
                    )?;
                    tx.execute(
                        "UPDATE pending_operations SET header = ?2 WHERE id = ?1",
                        params![id, header],
                    )?;
                }
            }
            Ok(())
        })?;
        settings.set(ADOPTED, b"1")
    }

    fn decode(&self, row: &Row<'_>) -> Result<PendingOperation> {
        let id: String = row.get(0)?;
        let kind: String = row.get(1)?;
        let idempotency_key: String = row.get(2)?;
        let state: String = row.get(3)?;
        let created_at_s: i64 = row.get(7)?;
        let header: Option<Vec<u8>> = row.get(9)?;
        self.verify_head(
            &id,
            &Head {
                kind: &kind,
                idempotency_key: &idempotency_key,
                state: &state,
                created_at_s,
            },
            header.as_deref(),
        )?;
        let request: Vec<u8> = row.get(4)?;
        let result: Option<Vec<u8>> = row.get(5)?;
        let open = |column: &str, env: &[u8]| -> Result<SecretBytes> {
            let plain = self
                .0
                .keys
                .columns
                .open(&aad(TABLE, column, id.as_bytes()), env)?;
            Ok(SecretBytes::from(plain.as_slice()))
        };
        let request = if request.is_empty() {
            None
        } else {
            Some(open("request", &request)?)
        };
        let result = result.map(|r| open("result", &r)).transpose()?;
        Ok(PendingOperation {
            kind,
            idempotency_key,
            state: OperationState::parse(&state).ok_or(VaultError::InvalidState)?,
            request,
            result,
            attempts: row.get(6)?,
            created_at_s,
            updated_at_s: row.get(8)?,
            id,
        })
    }

    /// Commits a new `pending` operation with fresh random id and key.
    pub fn insert(&self, kind: &str, request: &[u8]) -> Result<PendingOperation> {
        self.insert_with(&random_id()?, &random_id()?, kind, request)
    }

    /// Commits a new `pending` operation with the caller's id and key.
    pub fn insert_with(
        &self,
        id: &str,
        idempotency_key: &str,
        kind: &str,
        request: &[u8],
    ) -> Result<PendingOperation> {
        if id.is_empty() || idempotency_key.is_empty() || request.is_empty() {
            return Err(VaultError::InvalidInput("empty id, key or request"));
        }
        let env = self
            .0
            .keys
            .columns
            .seal(&aad(TABLE, "request", id.as_bytes()), request)?;
        let now = self.now();
        let header = self.seal_head(
            id,
            &Head {
                kind,
                idempotency_key,
                state: OperationState::Pending.as_str(),
                created_at_s: now,
            },
        )?;
        self.0.db.write(|tx| {
            let n = tx.execute(
                "INSERT INTO pending_operations (id, kind, idempotency_key, state, request,
                 attempts, created_at_s, updated_at_s, header)
                 VALUES (?1, ?2, ?3, 'pending', ?4, 0, ?5, ?5, ?6)
                 ON CONFLICT DO NOTHING",
                params![id, kind, idempotency_key, env, now, header],
            )?;
            if n == 0 {
                return Err(VaultError::AlreadyExists);
            }
            Ok(())
        })?;
        Ok(PendingOperation {
            id: id.to_owned(),
            kind: kind.to_owned(),
            idempotency_key: idempotency_key.to_owned(),
            state: OperationState::Pending,
            request: Some(SecretBytes::from(request)),
            result: None,
            attempts: 0,
            created_at_s: now,
            updated_at_s: now,
        })
    }

    /// One operation, or [`VaultError::NotFound`].
    pub fn get(&self, id: &str) -> Result<PendingOperation> {
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM pending_operations WHERE id = ?1"
            ))?;
            let mut rows = stmt.query([id])?;
            let row = rows.next()?.ok_or(VaultError::NotFound)?;
            self.decode(row)
        })
    }

    /// The operation that owns `idempotency_key`, or [`VaultError::NotFound`].
    pub fn find_by_idempotency_key(&self, idempotency_key: &str) -> Result<PendingOperation> {
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM pending_operations WHERE idempotency_key = ?1"
            ))?;
            let mut rows = stmt.query([idempotency_key])?;
            let row = rows.next()?.ok_or(VaultError::NotFound)?;
            self.decode(row)
        })
    }

    /// Operations not yet completed or failed, oldest first.
    pub fn unresolved(&self) -> Result<Vec<PendingOperation>> {
        self.0.db.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM pending_operations
                 WHERE state IN ('pending', 'sending', 'unknown') ORDER BY created_at_s, id"
            ))?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                out.push(self.decode(row)?);
            }
            Ok(out)
        })
    }

    /// Number of operations in every state.
    pub fn count(&self) -> Result<i64> {
        self.0
            .db
            .read(|c| Ok(c.query_row("SELECT count(*) FROM pending_operations", [], |r| r.get(0))?))
    }

    /// The row's authenticated fields, verified; and a closure-free way to
    /// seal a changed copy.
    fn current(&self, tx: &Transaction<'_>, id: &str) -> Result<Current> {
        let row: Option<RawHead> = tx
            .query_row(
                "SELECT kind, idempotency_key, state, created_at_s, header
                 FROM pending_operations WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let (kind, idempotency_key, state, created_at_s, header) =
            row.ok_or(VaultError::NotFound)?;
        self.verify_head(
            id,
            &Head {
                kind: &kind,
                idempotency_key: &idempotency_key,
                state: &state,
                created_at_s,
            },
            header.as_deref(),
        )?;
        Ok(Current {
            state: OperationState::parse(&state).ok_or(VaultError::InvalidState)?,
            kind,
            idempotency_key,
            created_at_s,
        })
    }

    /// The header of `current` with `state` and `key` changed.
    fn reseal(
        &self,
        id: &str,
        current: &Current,
        state: OperationState,
        key: &str,
    ) -> Result<Vec<u8>> {
        self.seal_head(
            id,
            &Head {
                kind: &current.kind,
                idempotency_key: key,
                state: state.as_str(),
                created_at_s: current.created_at_s,
            },
        )
    }

    /// Records that a request is about to be sent (counts the attempt).
    pub fn mark_sending(&self, id: &str) -> Result<()> {
        let now = self.now();
        self.0.db.write(|tx| {
            let current = self.current(tx, id)?;
            if current.state.is_terminal() {
                return Err(VaultError::InvalidState);
            }
            let header = self.reseal(
                id,
                &current,
                OperationState::Sending,
                &current.idempotency_key,
            )?;
            tx.execute(
                "UPDATE pending_operations SET state = 'sending', attempts = attempts + 1,
                 updated_at_s = ?2, header = ?3 WHERE id = ?1",
                params![id, now, header],
            )?;
            Ok(())
        })
    }

    /// Moves an operation to `state`, storing the server's `result` if given.
    /// Terminal states are final: leaving one is [`VaultError::InvalidState`].
    pub fn set_state(&self, id: &str, state: OperationState, result: Option<&[u8]>) -> Result<()> {
        let env = result
            .map(|r| {
                self.0
                    .keys
                    .columns
                    .seal(&aad(TABLE, "result", id.as_bytes()), r)
            })
            .transpose()?;
        let now = self.now();
        self.0.db.write(|tx| {
            let current = self.current(tx, id)?;
            if current.state.is_terminal() && current.state != state {
                return Err(VaultError::InvalidState);
            }
            let header = self.reseal(id, &current, state, &current.idempotency_key)?;
            tx.execute(
                "UPDATE pending_operations SET state = ?2, result = coalesce(?3, result),
                 updated_at_s = ?4, header = ?5 WHERE id = ?1",
                params![id, state.as_str(), env, now, header],
            )?;
            Ok(())
        })
    }

    /// Gives a *failed* operation a new idempotency key and makes it pending
    /// again (a retry the user asked for). Refused in every other state: the
    /// key must not change while the outcome is open.
    pub fn rotate_idempotency_key(&self, id: &str, new_key: &str) -> Result<()> {
        let now = self.now();
        self.0.db.write(|tx| {
            let current = self.current(tx, id)?;
            if current.state != OperationState::Failed {
                return Err(VaultError::InvalidState);
            }
            let header = self.reseal(id, &current, OperationState::Pending, new_key)?;
            tx.execute(
                "UPDATE pending_operations SET idempotency_key = ?2, state = 'pending',
                 result = NULL, updated_at_s = ?3, header = ?4 WHERE id = ?1",
                params![id, new_key, now, header],
            )?;
            Ok(())
        })
    }

    /// Deletes a completed or failed operation.
    pub fn remove_resolved(&self, id: &str) -> Result<()> {
        self.0.db.write(|tx| {
            if !self.current(tx, id)?.state.is_terminal() {
                return Err(VaultError::InvalidState);
            }
            tx.execute("DELETE FROM pending_operations WHERE id = ?1", [id])?;
            Ok(())
        })
    }
}
