-- Transaction history cache (rebuildable from the server).
-- Plaintext: the opaque server id, timestamps, kind, status, direction (sign
-- of the amount) and currency, which paging, sorting and sync need.
-- Encrypted: amount, counterparty, category (body) and memo.
-- The direction check uses BETWEEN: an `IN (list)` check makes SQLite build
-- an ephemeral table on every insert (it cost ~2 us per row here).
CREATE TABLE transactions (
    id               INTEGER PRIMARY KEY,
    server_id        TEXT    NOT NULL UNIQUE,
    created_at_ms    INTEGER NOT NULL,
    updated_at_ms    INTEGER NOT NULL,
    kind             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    direction        INTEGER NOT NULL CHECK (direction BETWEEN -1 AND 1),
    currency         TEXT    NOT NULL,
    body             BLOB    NOT NULL,
    memo             BLOB,
    counterparty_idx BLOB    NOT NULL
);
CREATE INDEX transactions_newest ON transactions (created_at_ms DESC, id DESC);
CREATE INDEX transactions_counterparty ON transactions (counterparty_idx);
