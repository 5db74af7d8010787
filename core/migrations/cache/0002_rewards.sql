-- Points balance and coupons (rebuildable from the server).
CREATE TABLE points (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    body BLOB NOT NULL
);

CREATE TABLE coupons (
    server_id     TEXT    PRIMARY KEY,
    expires_at_s  INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    body          BLOB    NOT NULL
) WITHOUT ROWID;
