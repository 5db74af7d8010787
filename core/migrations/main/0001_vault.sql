-- Vault key material, brute-force counter, settings, profile and session tokens.
-- Every sensitive value is an AES-256-GCM envelope (BLOB); see docs/security.md.
CREATE TABLE vault_meta (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    kdf_salt      BLOB    NOT NULL,
    kdf_m_kib     INTEGER NOT NULL,
    kdf_t         INTEGER NOT NULL,
    kdf_p         INTEGER NOT NULL,
    wrapped_dek   BLOB    NOT NULL,
    created_at_s  INTEGER NOT NULL
);

CREATE TABLE unlock_attempts (
    id                   INTEGER PRIMARY KEY CHECK (id = 1),
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    total_failures       INTEGER NOT NULL DEFAULT 0,
    last_attempt_s       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO unlock_attempts (id) VALUES (1);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE profile (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    body BLOB NOT NULL
);

CREATE TABLE session_tokens (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    access_token        BLOB    NOT NULL,
    refresh_token       BLOB    NOT NULL,
    access_expires_at_s INTEGER NOT NULL
);
