-- Initial schema of the sandbox. Money columns are integers in minor units.
CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL,
    phone TEXT UNIQUE,
    email TEXT UNIQUE,
    display_name TEXT,
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    frozen_reason TEXT,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    destination TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX codes_by_destination ON codes (destination, purpose, id);
CREATE INDEX codes_by_time ON codes (destination, created_at);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    destination TEXT NOT NULL,
    purpose TEXT NOT NULL,
    code TEXT NOT NULL,
    sent_at INTEGER NOT NULL
);
CREATE INDEX outbox_by_destination ON outbox (destination, id);
CREATE TABLE login_tickets (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE token_families (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX families_by_user ON token_families (user_id);
CREATE TABLE access_tokens (
    hash TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    user_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE refresh_tokens (
    hash TEXT PRIMARY KEY,
    family TEXT NOT NULL,
    user_id TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE security_events (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX security_events_by_user ON security_events (user_id, id);
CREATE TABLE cards (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    brand TEXT NOT NULL,
    bank TEXT NOT NULL,
    last4 TEXT NOT NULL,
    exp_month INTEGER NOT NULL,
    exp_year INTEGER NOT NULL,
    holder TEXT NOT NULL,
    behavior TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX cards_by_user ON cards (user_id, created_at);
CREATE TABLE merchants (
    id TEXT PRIMARY KEY,
    app_id TEXT NOT NULL,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    currency TEXT NOT NULL,
    mcc TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE coupons (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    currency TEXT NOT NULL,
    value INTEGER NOT NULL,
    min_spend INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'available',
    used_by TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX coupons_by_user ON coupons (user_id, created_at);
CREATE TABLE points (
    user_id TEXT PRIMARY KEY,
    balance INTEGER NOT NULL CHECK (balance >= 0)
);
CREATE TABLE points_events (
    id INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    txn_id TEXT NOT NULL,
    delta INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX points_events_by_user ON points_events (user_id, id);
CREATE TABLE fx_quotes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    sell_currency TEXT NOT NULL,
    sell_minor INTEGER NOT NULL,
    buy_currency TEXT NOT NULL,
    buy_minor INTEGER NOT NULL,
    rate TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
-- User-visible transactions (one row per operation; both parties see transfers).
CREATE TABLE txns (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    user_id TEXT,
    counterparty_user TEXT,
    merchant_id TEXT,
    card_id TEXT,
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL,
    fee INTEGER NOT NULL DEFAULT 0,
    discount INTEGER NOT NULL DEFAULT 0,
    points_redeemed INTEGER NOT NULL DEFAULT 0,
    points_earned INTEGER NOT NULL DEFAULT 0,
    coupon_id TEXT,
    memo TEXT,
    reversal_of TEXT,
    reversed_by TEXT,
    fx_quote_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX txns_by_user ON txns (user_id, seq);
CREATE INDEX txns_by_counterparty ON txns (counterparty_user, seq);
CREATE INDEX txns_by_merchant ON txns (merchant_id, seq);
CREATE INDEX txns_by_user_time ON txns (user_id, created_at);
-- The double-entry ledger.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    currency TEXT NOT NULL,
    guarded INTEGER NOT NULL,
    balance INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE postings (
    id INTEGER PRIMARY KEY,
    journal TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    currency TEXT NOT NULL,
    amount INTEGER NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX postings_by_journal ON postings (journal);
CREATE INDEX postings_by_account ON postings (account_id);
CREATE TRIGGER postings_are_immutable_u BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable'); END;
CREATE TRIGGER postings_are_immutable_d BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are immutable'); END;
CREATE TABLE idempotency (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_by_time ON idempotency (created_at);
