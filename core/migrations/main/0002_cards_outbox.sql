-- Bank cards (never the full number, never the CVV) and the outbox of
-- money-moving operations used by the API layer for exactly-once delivery.
CREATE TABLE cards (
    id        TEXT PRIMARY KEY,
    token_idx BLOB NOT NULL UNIQUE,
    body      BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE pending_operations (
    id              TEXT    PRIMARY KEY,
    kind            TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    state           TEXT    NOT NULL
        CHECK (state IN ('pending', 'sending', 'unknown', 'completed', 'failed')),
    request         BLOB    NOT NULL,
    result          BLOB,
    created_at_s    INTEGER NOT NULL
) WITHOUT ROWID;
