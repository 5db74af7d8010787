//! The open money operations of the outbox, listed for a shell: what is
//! `pending`, `sending` or `unknown` right now, oldest first, so an app can
//! show "payment being confirmed" rows and offer `reconcile_pending`.
//!
//! Read-only: it never sends, settles or changes an operation (that is the
//! [`super::executor`]'s job); it reads through the vault's outbox API.

use crate::store::repo::outbox::PendingOperation;

use super::{OperationStatus, Wallet, WalletError};

/// The shell's view of one outbox row (no request body, no key).
fn status_of(op: PendingOperation) -> OperationStatus {
    OperationStatus {
        operation_id: op.id,
        kind: op.kind,
        state: op.state.as_str().to_owned(),
        // An unresolved operation has no server transaction yet.
        transaction_id: None,
        attempts: op.attempts,
    }
}

impl Wallet {
    /// The money operations whose outcome is still open (`pending`,
    /// `sending`, `unknown`), oldest first. Empty once
    /// [`Wallet::reconcile_pending`] settled them all. Needs the unlocked
    /// vault, not a session (it reads the device only).
    pub async fn pending_operations(&self) -> Result<Vec<OperationStatus>, WalletError> {
        let open = self.with_vault(|v| v.outbox()?.unresolved()).await?;
        Ok(open.into_iter().map(status_of).collect())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::repo::outbox::OperationState;

    #[test]
    fn the_listed_status_carries_no_transaction_and_keeps_the_state_name() {
        let op = PendingOperation {
            id: "op1".into(),
            kind: "payment".into(),
            idempotency_key: "key".into(),
            state: OperationState::Unknown,
            request: None,
            result: None,
            attempts: 2,
            created_at_s: 1,
            updated_at_s: 2,
        };
        let s = status_of(op);
        assert_eq!(
            (s.operation_id.as_str(), s.kind.as_str(), s.state.as_str()),
            ("op1", "payment", "unknown")
        );
        assert_eq!((s.transaction_id, s.attempts), (None, 2));
    }
}
