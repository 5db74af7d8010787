-- Issue 14 item 3, first part: the event log. An event is written in the
-- same SQLite transaction as the change that caused it (an order paid or
-- closed, a refund), so the log never misses or invents one (outbox
-- pattern); delivery to webhook endpoints is to be built on it.
-- `data` is the JSON of the object as it was then.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    app_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_by_app ON events (app_id, seq);
