-- Incremental sync (`updated_since`) needs the newest update time quickly.
CREATE INDEX transactions_updated ON transactions (updated_at_ms);
