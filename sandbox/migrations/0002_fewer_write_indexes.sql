-- Every index is written on every transfer; these three had no reader that
-- needs them: the velocity rule reads the user's newest rows through
-- txns_by_user, merchants list no transactions, and the idempotency purge is
-- a rare full scan.
DROP INDEX txns_by_user_time;
DROP INDEX txns_by_merchant;
DROP INDEX idempotency_by_time;
