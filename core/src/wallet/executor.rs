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
//!
//! The key never changes while an outcome is open, so no interleaving of
//! faults and restarts can apply an operation twice.

use imwallet_protocol::wire::{Transaction, TransactionStatus};
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, ApiRequest, NetworkFailure};
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
                let result = serde_json::to_vec(&txn)
                    .map_err(|_| WalletError::internal("transaction not serialisable"))?;
                let record = super::history::record_of(&txn);
                self.with_vault(move |v| {
                    v.outbox()?
                        .set_state(&id, OperationState::Completed, Some(&result))?;
                    v.transactions()?.upsert(&record)
                })
                .await?;
                tracing::info!(operation = %op.id, kind = %op.kind, "money operation completed");
                if txn.status == TransactionStatus::Held {
                    return Err(WalletError::RiskHold {
                        transaction_id: txn.id,
                    });
                }
                Ok(txn)
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
        ] {
            assert!(is_definitive(&problem(409, code)), "{code}");
        }
        assert!(!is_definitive(&problem(409, "idempotency_in_progress")));
        assert!(!is_definitive(&problem(401, "invalid_token")));
        assert!(!is_definitive(&problem(503, "unavailable")));
        assert!(is_definitive(&problem(402, "insufficient_funds")));
    }
}
