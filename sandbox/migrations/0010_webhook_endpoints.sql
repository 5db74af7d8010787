-- Issue 14 item 3: webhook endpoints of a developer app. The signing
-- secret is kept in clear because the sandbox signs with it (an HMAC key,
-- not a password); it is shown to the app only on creation and rotation.
-- After a rotation the previous secret signs too until
-- `previous_expires_at` (Unix ms).
CREATE TABLE webhook_endpoints (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    app_id TEXT NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_expires_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX webhook_endpoints_by_app ON webhook_endpoints (app_id, seq);
