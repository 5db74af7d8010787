-- A session token pair rotated while the vault was locked (issue 10,
-- item 6): sealed under the vault's escrow key (itself stored only under
-- the data key, in `settings`), taken over into `session_tokens` at the
-- next unlock. Without it, a restart presented the spent refresh token and
-- the server revoked the whole session.
CREATE TABLE session_escrow (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    pair BLOB    NOT NULL
);
