-- postings_by_account was written on every posting (two random index
-- leaves per transfer) and read only by the invariant check, which sums
-- postings per account in one pass instead.
DROP INDEX postings_by_account;
