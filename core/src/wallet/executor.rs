//! Exactly-once money movement over an unreliable network and a process
//! that can die at any instruction.
//!
//! Protocol (ADR 0002):
//! 1. The request and a fresh random `Idempotency-Key` are committed to the
//!    vault's outbox (`pending`) before anything is sent.
//! 2. The state becomes `sending` (committed), then the request goes out.
//! 3. A success is committed as `completed` with the server's transaction;
//!    a definitive refusal (a 4xx that is not 401/408/429 or a 409
//!    `idempotency_in_progress`, or a connection that was never
//!    established) as `failed`. Anything else —
//!    timeout, lost response, 5xx, rate limit, lost session — leaves the
//!    operation `unknown`: it blocks a duplicate (an identical request
//!    resumes it) and is reconciled by replaying it with the **same** key,
//!    which the server answers with the original result if it applied it.
//! 4. [`Wallet::reconcile_pending`] drives every `pending`, `sending` and
//!    `unknown` operation to an outcome; every money call runs it first, and
//!    a shell calls it after a restart.
//! 5. The server answers a replay from its stored result only for its
//!    idempotency retention (header `Idempotency-Retention`, remembered in
//!    the vault; 24 h until the server said otherwise). Before replaying an
//!    operation older than three quarters of it (or one "created in the
//!    future" by a clock set back), the executor asks
//!    `GET /v1/me/operations/{idempotency_key}`: a transaction settles the
//!    operation `completed` without a replay; `404 operation_not_found`
//!    means the server never applied it, so the replay (same key) is safe;
//!    anything else leaves it `unknown`.
//!
//! The key never changes while an outcome is open, so no interleaving of
//! faults and restarts can apply an operation twice.

use imwallet_protocol::wire::{Transaction, TransactionStatus};
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, ApiRequest, NetworkFailure, retention};
use crate::store::repo::outbox::{OperationState, PendingOperation, random_id};

use super::{Wallet, WalletError};

/// What is stored (encrypted) for an operation: enough to replay it.
#[derive(Serialize, Deserialize)]
struct StoredRequest {
    path: String,
    body: serde_json::Value,
}

/// Where a money operation stands, as a shell can list it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationStatus {
    /// Local operation id.
    pub operation_id: String,
    /// `top_up`, `payment`, `transfer`, `withdrawal`, `fx_conversion`.
    pub kind: String,
    /// `pending`, `sending`, `unknown`, `completed` or `failed`.
    pub state: String,
    /// The server's transaction, once completed.
    pub transaction_id: Option<String>,
    /// Times it was sent.
    pub attempts: u32,
}

/// The result of a reconciliation pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReconcileReport {
    /// Operations found applied (or applied now).
    pub completed: u32,
    /// Operations the server definitively refused.
    pub failed: u32,
    /// Operations whose outcome is still open (network still down).
    pub unresolved: u32,
}

/// The vault setting holding the last retention the server advertised
/// (decimal seconds), for processes that have not yet had a response.
const RETENTION_SETTING: &str = "api.idempotency_retention_s";

/// Problem code of the operation lookup's "never applied".
const NOT_APPLIED_CODE: &str = "operation_not_found";

/// Whether an operation created at `created_at_s` may have outlived the
/// server's idempotency record by `now_s`: older than three quarters of the
/// retention (a quarter is margin for the device's clock running behind the
/// server's), or dated after `now_s` (the clock was set back: its age is
/// unknown).
fn may_have_outlived(created_at_s: i64, now_s: i64, retention_s: u64) -> bool {
    let age = now_s.saturating_sub(created_at_s);
    let bound = i64::try_from(retention_s / 4 * 3).unwrap_or(i64::MAX);
    age < 0 || age >= bound
}

/// What the server says about an operation's key.
enum Lookup {
    /// It applied the request: its transaction.
    Applied(Box<Transaction>),
    /// It never applied a request with this key.
    NotApplied,
    /// No answer (network, session): the outcome stays open.
    Unknown(ApiError),
}

/// `Idempotency-Key`s are ours (hex), but a path segment is escaped anyway.
fn path_segment(key: &str) -> String {
    key.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A definitive refusal: the server did not apply the request and never will
/// under this key. A `409` is classified by its problem code: a business
/// conflict (`card_not_verified`, `payload_already_paid`, `fx_quote_used`,
/// ...) is final, while `idempotency_in_progress` says the first request
/// with this key may still apply, so the outcome stays open.
fn is_definitive(error: &ApiError) -> bool {
    match error {
        ApiError::Problem(p) if p.status == 409 => p.code != crate::api::client::IN_PROGRESS_CODE,
        ApiError::Problem(p) => {
            (400..500).contains(&p.status) && !matches!(p.status, 401 | 408 | 429)
        }
        // The client reports Connect/Tls only when no attempt can have
        // reached the server (see `keep_unknown_outcome`).
        ApiError::Network(NetworkFailure::Connect | NetworkFailure::Tls) => true,
        ApiError::InvalidConfig(_) | ApiError::InsecureTransport => true,
        _ => false,
    }
}

impl Wallet {
    /// Runs one money-moving request exactly once (see the module docs).
    pub(crate) async fn execute_money(
        &self,
        kind: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<Transaction, WalletError> {
        self.require_session()?;
        let request = serde_json::to_vec(&StoredRequest {
            path: path.to_owned(),
            body,
        })
        .map_err(|_| WalletError::internal("request not serialisable"))?;
        let _gate = self.money_gate.lock().await;
        let unresolved = self.with_vault(|v| v.outbox()?.unresolved()).await?;
        let mut resume = None;
        for op in unresolved {
            let identical = op.kind == kind
                && op
                    .request
                    .as_ref()
                    .is_some_and(|r| r.expose() == request.as_slice());
            if identical && resume.is_none() {
                resume = Some(op);
            } else {
                // Another open operation: settle it first (its errors stay
                // with it; it remains unknown if the network is down).
                let _ = self.drive(op, false).await;
            }
        }
        let (op, fresh) = match resume {
            Some(op) => {
                tracing::info!(operation = %op.id, "resuming an identical open operation");
                (op, false)
            }
            None => {
                let kind = kind.to_owned();
                self.with_vault(move |v| {
                    let id = random_id()?;
                    let key = random_id()?;
                    v.outbox()?.insert_with(&id, &key, &kind, &request)
                })
                .await
                .map(|op| (op, true))?
            }
        };
        self.drive(op, fresh).await
    }

    /// Sends (or replays) one operation and records its outcome. A `fresh`
    /// operation was just committed as `pending`, which reconciliation
    /// treats exactly like `sending`, so its first send skips the extra
    /// commit (one fsync less per payment on the durable database).
    async fn drive(&self, op: PendingOperation, fresh: bool) -> Result<Transaction, WalletError> {
        let Some(stored) = op
            .request
            .as_ref()
            .and_then(|r| serde_json::from_slice::<StoredRequest>(r.expose()).ok())
        else {
            // The body was erased by a vault re-key: it cannot be replayed.
            let id = op.id.clone();
            self.with_vault(move |v| {
                v.outbox()?.set_state(
                    &id,
                    OperationState::Failed,
                    Some(b"{\"error\":\"unreplayable\"}"),
                )
            })
            .await?;
            return Err(WalletError::Conflict {
                code: "operation_unreplayable".into(),
            });
        };
        if !fresh && self.may_have_been_forgotten(&op).await? {
            match self.look_up(&op.idempotency_key).await {
                Lookup::Applied(txn) => {
                    tracing::info!(operation = %op.id, kind = %op.kind,
                        "operation found applied after the idempotency retention");
                    return self.settle_applied(&op, *txn).await;
                }
                Lookup::NotApplied => {}
                Lookup::Unknown(error) => {
                    let id = op.id.clone();
                    self.with_vault(move |v| {
                        v.outbox()?.set_state(&id, OperationState::Unknown, None)
                    })
                    .await?;
                    tracing::warn!(operation = %op.id, kind = %op.kind, error = %error,
                        "operation lookup failed; outcome still unknown");
                    return Err(WalletError::OutcomeUnknown {
                        operation_id: op.id,
                    });
                }
            }
        }
        if !fresh {
            let id = op.id.clone();
            self.with_vault(move |v| v.outbox()?.mark_sending(&id))
                .await?;
        }
        let request = ApiRequest::post(stored.path.clone(), &stored.body)?
            .authenticated()
            .idempotency_key(op.idempotency_key.clone());
        let outcome = self.api.send::<Transaction>(&request).await;
        let id = op.id.clone();
        match outcome {
            Ok(txn) => {
                tracing::info!(operation = %op.id, kind = %op.kind, "money operation completed");
                self.settle_applied(&op, txn).await
            }
            Err(error) if is_definitive(&error) => {
                let code = error.problem_code().unwrap_or("not_sent").to_owned();
                let result = serde_json::to_vec(&serde_json::json!({ "error": code }))
                    .map_err(|_| WalletError::internal("error not serialisable"))?;
                self.with_vault(move |v| {
                    v.outbox()?
                        .set_state(&id, OperationState::Failed, Some(&result))
                })
                .await?;
                tracing::info!(operation = %op.id, kind = %op.kind, %code, "money operation refused");
                Err(error.into())
            }
            Err(error) => {
                self.with_vault(move |v| v.outbox()?.set_state(&id, OperationState::Unknown, None))
                    .await?;
                tracing::warn!(operation = %op.id, kind = %op.kind, error = %error,
                    "money operation outcome unknown; will reconcile");
                Err(WalletError::OutcomeUnknown {
                    operation_id: op.id,
                })
            }
        }
    }

    /// Records `txn` as the outcome of `op` (and in the history cache), and
    /// saves a newly advertised idempotency retention in the same pass.
    async fn settle_applied(
        &self,
        op: &PendingOperation,
        txn: Transaction,
    ) -> Result<Transaction, WalletError> {
        let result = serde_json::to_vec(&txn)
            .map_err(|_| WalletError::internal("transaction not serialisable"))?;
        let record = super::history::record_of(&txn);
        let id = op.id.clone();
        let retention = self.api.retention().unsaved();
        self.with_vault(move |v| {
            v.outbox()?
                .set_state(&id, OperationState::Completed, Some(&result))?;
            v.transactions()?.upsert(&record)?;
            if let Some(seconds) = retention {
                v.settings()?
                    .set(RETENTION_SETTING, seconds.to_string().as_bytes())?;
            }
            Ok(())
        })
        .await?;
        if let Some(seconds) = retention {
            self.api.retention().mark_saved(seconds);
        }
        if txn.status == TransactionStatus::Held {
            return Err(WalletError::RiskHold {
                transaction_id: txn.id,
            });
        }
        Ok(txn)
    }

    /// The idempotency retention to trust: what the server advertised to
    /// this process, else what it advertised before (saved in the vault),
    /// else [`retention::DEFAULT_RETENTION_S`].
    async fn retention_s(&self) -> Result<u64, WalletError> {
        if let Some(seconds) = self.api.retention().advertised() {
            return Ok(seconds);
        }
        let saved = self
            .with_vault(|v| v.settings()?.get(RETENTION_SETTING))
            .await?;
        Ok(saved
            .and_then(|s| {
                std::str::from_utf8(s.expose())
                    .ok()
                    .and_then(retention::parse)
            })
            .unwrap_or(retention::DEFAULT_RETENTION_S))
    }

    /// Whether the server may no longer hold `op`'s idempotency record (so
    /// a replay could apply it a second time).
    async fn may_have_been_forgotten(&self, op: &PendingOperation) -> Result<bool, WalletError> {
        let retention_s = self.retention_s().await?;
        let vault = self.unlocked_vault()?;
        let now_s = vault.options().clock.wall_s();
        Ok(may_have_outlived(op.created_at_s, now_s, retention_s))
    }

    /// Asks the server whether it applied a request with this key.
    async fn look_up(&self, idempotency_key: &str) -> Lookup {
        let request = ApiRequest::get(format!(
            "/v1/me/operations/{}",
            path_segment(idempotency_key)
        ))
        .authenticated();
        match self.api.send::<Transaction>(&request).await {
            Ok(txn) => Lookup::Applied(Box::new(txn)),
            Err(ApiError::Problem(p)) if p.status == 404 && p.code == NOT_APPLIED_CODE => {
                Lookup::NotApplied
            }
            Err(error) => Lookup::Unknown(error),
        }
    }

    /// Drives every open operation (`pending`, `sending`, `unknown`) to an
    /// outcome by replaying it with its original idempotency key. Call it
    /// after a restart; every money call also runs it first.
    pub async fn reconcile_pending(&self) -> Result<ReconcileReport, WalletError> {
        self.require_session()?;
        let _gate = self.money_gate.lock().await;
        let unresolved = self.with_vault(|v| v.outbox()?.unresolved()).await?;
        let mut report = ReconcileReport::default();
        for op in unresolved {
            match self.drive(op, false).await {
                Ok(_) | Err(WalletError::RiskHold { .. }) => report.completed += 1,
                Err(WalletError::OutcomeUnknown { .. }) => report.unresolved += 1,
                Err(
                    e @ (WalletError::Storage { .. }
                    | WalletError::Crypto { .. }
                    | WalletError::VaultLocked
                    | WalletError::Internal { .. }),
                ) => return Err(e),
                Err(_) => report.failed += 1,
            }
        }
        Ok(report)
    }

    /// Where one money operation stands (its id comes from
    /// [`WalletError::OutcomeUnknown`]).
    pub async fn operation(&self, operation_id: String) -> Result<OperationStatus, WalletError> {
        let op = self
            .with_vault(move |v| v.outbox()?.get(&operation_id))
            .await?;
        Ok(OperationStatus {
            transaction_id: op
                .result
                .as_ref()
                .filter(|_| op.state == OperationState::Completed)
                .and_then(|r| serde_json::from_slice::<Transaction>(r.expose()).ok())
                .map(|t| t.id),
            operation_id: op.id,
            kind: op.kind,
            state: op.state.as_str().to_owned(),
            attempts: op.attempts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Problem;

    fn problem(status: u16, code: &str) -> ApiError {
        ApiError::Problem(Box::new(Problem {
            status,
            code: code.to_owned(),
            title: String::new(),
            detail: None,
            attempts_left: None,
            retry_after_s: None,
            frozen_reason: None,
        }))
    }

    #[test]
    fn a_business_conflict_is_definitive_and_an_idempotency_race_is_not() {
        // Every 409 a money endpoint answers in api/openapi.yaml.
        for code in [
            "card_not_verified",
            "payload_already_paid",
            "paycode_reused",
            "coupon_already_used",
            "fx_quote_used",
            "account_not_frozen",
            "order_already_paid",
            "order_closed",
            "order_expired",
        ] {
            assert!(is_definitive(&problem(409, code)), "{code}");
        }
        assert!(!is_definitive(&problem(409, "idempotency_in_progress")));
        assert!(!is_definitive(&problem(401, "invalid_token")));
        assert!(!is_definitive(&problem(503, "unavailable")));
        assert!(is_definitive(&problem(402, "insufficient_funds")));
    }

    #[test]
    fn an_operation_is_looked_up_once_it_nears_the_retention_or_its_age_is_unknown() {
        let day = 24 * 3600;
        let retention = 25 * 3600;
        assert!(!may_have_outlived(1_000, 1_000, retention));
        assert!(!may_have_outlived(0, 18 * 3600, retention));
        assert!(may_have_outlived(0, 19 * 3600, retention));
        assert!(may_have_outlived(0, day + 3600, retention));
        assert!(may_have_outlived(10_000, 0, retention), "clock set back");
    }

    #[test]
    fn keys_are_escaped_as_a_path_segment() {
        assert_eq!(path_segment("0a1b-c_D"), "0a1b-c_D");
        assert_eq!(path_segment("a/b?c"), "a%2Fb%3Fc");
    }
}
