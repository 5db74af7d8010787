-- Outbox bookkeeping for reconciliation: attempt count, last change, and a
-- partial index so startup finds unresolved operations without a scan.
-- Also adds the platform-key (biometric) wrapping of the DEK.
ALTER TABLE pending_operations ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pending_operations ADD COLUMN updated_at_s INTEGER NOT NULL DEFAULT 0;
UPDATE pending_operations SET updated_at_s = created_at_s;
CREATE INDEX pending_operations_unresolved
    ON pending_operations (created_at_s)
    WHERE state IN ('pending', 'sending', 'unknown');
ALTER TABLE vault_meta ADD COLUMN platform_wrapped_dek BLOB;
-- A known plaintext under the column key, to verify a DEK unwrapped by the
-- platform key store before it is used.
ALTER TABLE vault_meta ADD COLUMN key_check BLOB;
