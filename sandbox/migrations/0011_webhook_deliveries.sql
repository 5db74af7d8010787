-- Issue 14 item 3: webhook delivery. A delivery (one event to one
-- subscribed endpoint) is written in the same transaction as its event
-- (outbox), so a crash between the change and the send loses nothing; the
-- worker sends the oldest pending delivery of each endpoint (per-endpoint
-- order) once `next_attempt_at` (Unix ms) has come, and records each
-- attempt. `retry_from` is when the retry window started (the event, or
-- the last manual resend).
CREATE TABLE webhook_deliveries (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    endpoint_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    retry_from INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, endpoint_id, seq);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, seq);
CREATE TABLE webhook_attempts (
    seq INTEGER PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    http_status INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, seq);
