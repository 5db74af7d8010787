-- Lost-response replay of a token refresh (ADR 0002). When a refresh that
-- carried an Idempotency-Key rotates a token, the old token's row records
-- when, a hash of the key, and a random seed. The new pair is derived from
-- the seed and the old token (which only the client holds: its row stores
-- the SHA-256 digest), so no token is stored in plaintext and a retry with
-- the same key and token inside the grace window re-derives the same pair.
ALTER TABLE refresh_tokens ADD COLUMN rotated_at INTEGER;
ALTER TABLE refresh_tokens ADD COLUMN replay_key_hash TEXT;
ALTER TABLE refresh_tokens ADD COLUMN replay_seed TEXT;
