-- Issue 10, item 3: the plaintext columns of the history (`currency`,
-- `kind`, `status`, `direction`, timestamps) and of coupons (`status`,
-- `expires_at_s`) are now bound into each row's AEAD associated data. Rows
-- written before authenticated none of them and cannot be re-sealed here
-- (no key): the cache is rebuildable, so they are dropped and the next sync
-- refetches them. A row of the old layouts found later is refused.
DELETE FROM transactions;
DELETE FROM coupons;
