-- Scan-to-pay with protocol::qr. Merchant codes this server issued (paying
-- by payload accepts only these; a dynamic code is paid once), and the
-- devices holding an offline payment-code secret. `last_time` is the time
-- of the newest accepted code of the device: a code is accepted only if it
-- is newer, which makes every code single-use across restarts.
CREATE TABLE merchant_codes (
    payload_hash TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    dynamic INTEGER NOT NULL,
    reference TEXT,
    issued_at INTEGER NOT NULL,
    paid_by TEXT
);
CREATE TABLE paycode_devices (
    device_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    secret BLOB NOT NULL,
    generation INTEGER NOT NULL,
    last_time INTEGER NOT NULL DEFAULT -1,
    created_at INTEGER NOT NULL,
    rotated_at INTEGER NOT NULL
);
CREATE INDEX paycode_devices_by_user ON paycode_devices (user_id);
