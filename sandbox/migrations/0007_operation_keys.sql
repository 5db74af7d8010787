-- Issue 10 item 5 (exactly-once beyond the idempotency retention).
-- Which transaction a money request's Idempotency-Key produced, written in
-- the same SQLite transaction as the ledger posting and never pruned (the
-- `idempotency` records expire after `idempotency_ttl_s`): it backs
-- `GET /v1/me/operations/{idempotency_key}`, so a client that held an
-- unknown outcome longer than the retention can ask whether the server
-- applied it before replaying. `scope` is the idempotency scope
-- (`<app>:<user>`).
CREATE TABLE operation_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
