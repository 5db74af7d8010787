-- Issue 10 (sandbox trust).
-- The server's secrets, made once per database. `card_fingerprint` keys the
-- HMAC-SHA256 that recognises a card bound twice without a brute-forceable
-- hash of the card number (fingerprints made before this migration were
-- unkeyed SHA-256: they are replaced by a value that matches nothing, so
-- such a card can be bound again once, never recognised from its hash).
CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
INSERT INTO server_secrets (name, value) VALUES ('card_fingerprint', randomblob(32));
UPDATE cards SET fingerprint = 'legacy:' || id;
-- A user's fixed-amount (dynamic) receive code is paid once: its payload's
-- SHA-256 and the transaction that paid it.
CREATE TABLE paid_user_codes (
    payload_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    paid_by TEXT NOT NULL
);
-- The outbox is scoped to an app: the one owning the destination's user
-- (or, before registration, the one that asked). Older rows have none and
-- are shown to nobody.
ALTER TABLE outbox ADD COLUMN app_id TEXT;
CREATE INDEX outbox_by_app ON outbox (app_id, destination, id);
