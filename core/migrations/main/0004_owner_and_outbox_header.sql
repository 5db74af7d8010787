-- The account a vault belongs to, readable while the vault is locked, so a
-- login with another account is refused before the vault is touched: a
-- digest of the server's user id (not the id itself). Vaults from before
-- this migration get it at their owner's next login or profile refresh.
CREATE TABLE vault_owner (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    user_digest BLOB    NOT NULL
);
-- The outbox row's authenticated header: kind, idempotency key, state and
-- creation time sealed under the row id. Existing rows are sealed at the
-- first unlock after this migration (the key is not available here).
ALTER TABLE pending_operations ADD COLUMN header BLOB;
