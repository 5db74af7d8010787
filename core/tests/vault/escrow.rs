//! The session escrow (issue 10, item 6): a pair rotated while the vault is
//! locked is sealed, never readable in the file, and becomes the session at
//! the next unlock, also after a restart.

use imwallet_core::crypto::SecretString;
use imwallet_core::store::VaultError;
use imwallet_core::store::repo::tokens::SessionTokens;

use crate::support::{self, create, open_unlocked};

fn pair(access: &str, refresh: &str) -> SessionTokens {
    SessionTokens {
        access: SecretString::from(access),
        refresh: SecretString::from(refresh),
        access_expires_at_s: 42,
    }
}

fn file_contains(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).unwrap().any(|entry| {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[test]
fn a_session_rotated_while_locked_is_the_session_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let vault = create(dir.path());
    vault
        .tokens()
        .unwrap()
        .save(&pair("at-old", "rt-old"))
        .unwrap();
    vault.lock();
    vault
        .save_rotated_session(&pair("at-canary-new", "rt-canary-new"))
        .unwrap();
    drop(vault);
    assert!(!file_contains(dir.path(), "rt-canary-new"));

    let vault = open_unlocked(dir.path());
    let session = vault.tokens().unwrap().load().unwrap().unwrap();
    assert_eq!(session.refresh.expose(), "rt-canary-new");
    assert_eq!(session.access.expose(), "at-canary-new");

    // Taken over once: a later save while unlocked is not undone by the
    // next unlock.
    vault.save_rotated_session(&pair("at-3", "rt-3")).unwrap();
    drop(vault);
    let vault = open_unlocked(dir.path());
    let session = vault.tokens().unwrap().load().unwrap().unwrap();
    assert_eq!(session.refresh.expose(), "rt-3");
}

#[test]
fn a_vault_this_process_never_unlocked_has_no_escrow() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let vault = imwallet_core::store::Vault::open(
        &imwallet_core::store::VaultPaths::in_dir(dir.path()),
        support::fast(),
    )
    .unwrap();
    assert!(matches!(
        vault.save_rotated_session(&pair("a", "r")),
        Err(VaultError::Locked)
    ));
}

#[test]
fn an_escrowed_session_that_does_not_open_is_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let vault = create(dir.path());
    vault
        .tokens()
        .unwrap()
        .save(&pair("at-old", "rt-old"))
        .unwrap();
    vault.lock();
    vault
        .save_rotated_session(&pair("at-new", "rt-new"))
        .unwrap();
    drop(vault);
    let c = rusqlite::Connection::open(dir.path().join("vault.db")).unwrap();
    c.execute("UPDATE session_escrow SET pair = x'00112233'", [])
        .unwrap();
    drop(c);

    let vault = open_unlocked(dir.path());
    let session = vault.tokens().unwrap().load().unwrap().unwrap();
    assert_eq!(session.refresh.expose(), "rt-old");
}
