//! The terminal wallet's profile directory (`--home`): the wallet's vault
//! files under `wallet/`, and `config.json` with the server URL and the
//! app's API key, saved on first use so later commands need neither.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::exit::CliError;
use crate::tr;

/// What `config.json` holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The wallet API's base URL.
    pub server: Option<String>,
    /// The developer app's API key.
    pub api_key: Option<String>,
}

/// Where a profile lives when `--home` is not given: the user's data
/// directory (`$XDG_DATA_HOME/imwallet`, `~/.local/share/imwallet` on
/// Linux), or `.imwallet` in the current directory without one.
pub fn default_home() -> PathBuf {
    dirs::data_dir()
        .map(|d| d.join("imwallet"))
        .unwrap_or_else(|| PathBuf::from(".imwallet"))
}

fn config_path(home: &Path) -> PathBuf {
    home.join("config.json")
}

/// The directory holding the vault.
pub fn wallet_dir(home: &Path) -> PathBuf {
    home.join("wallet")
}

/// Reads `config.json` (empty settings when it does not exist).
pub fn load(home: &Path) -> Result<Settings, CliError> {
    match std::fs::read(config_path(home)) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| {
            CliError::Config(tr!(
                "error-settings-invalid",
                path = config_path(home).display().to_string()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(e.into()),
    }
}

/// Creates `dir` (with missing parents) owner-only — 0700 on Unix — and
/// tightens it if it already existed with a wider mode.
pub fn private_dir(dir: &Path) -> Result<(), CliError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    #[cfg(not(unix))]
    builder.create(dir)?;
    Ok(())
}

/// Makes every file directly in `dir` owner-only (0600 on Unix). SQLite
/// creates the vault's files with the umask's mode, and its `-wal` and
/// `-shm` files copy the database file's mode, so tightening the files
/// once they exist covers every later one; the 0700 directory around them
/// already keeps other users out in between.
pub fn private_files(dir: &Path) -> Result<(), CliError> {
    #[cfg(unix)]
    for entry in std::fs::read_dir(dir)? {
        use std::os::unix::fs::PermissionsExt;
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600))?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The profile's directories owner-only, before the wallet opens in them,
/// and the files already in them tightened.
pub fn prepare(home: &Path) -> Result<(), CliError> {
    private_dir(home)?;
    private_files(home)?;
    let wallet = wallet_dir(home);
    private_dir(&wallet)?;
    private_files(&wallet)
}

/// Writes `config.json` (owner-only on Unix).
pub fn save(home: &Path, settings: &Settings) -> Result<(), CliError> {
    private_dir(home)?;
    let bytes = serde_json::to_vec_pretty(settings)
        .map_err(|_| CliError::Other("settings do not serialise".into()))?;
    let tmp = home.join("config.json.tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(tmp, config_path(home))?;
    Ok(())
}

/// The server and API key to use: the flags (or their environment
/// variables) win over `config.json`, which is updated when they differ.
pub fn resolve(
    home: &Path,
    server: Option<String>,
    api_key: Option<String>,
) -> Result<(String, String), CliError> {
    let stored = load(home)?;
    let merged = Settings {
        server: server.or_else(|| stored.server.clone()),
        api_key: api_key.or_else(|| stored.api_key.clone()),
    };
    let (Some(url), Some(key)) = (merged.server.clone(), merged.api_key.clone()) else {
        return Err(CliError::Config(tr!("error-no-server-configured")));
    };
    if merged != stored {
        save(home, &merged)?;
    }
    Ok((url, key))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_saved_and_reused_by_the_next_command() {
        let home = tempfile::tempdir().unwrap();
        assert!(matches!(
            resolve(home.path(), None, None),
            Err(CliError::Config(_))
        ));
        let first = resolve(
            home.path(),
            Some("http://127.0.0.1:1".into()),
            Some("key".into()),
        )
        .unwrap();
        assert_eq!(resolve(home.path(), None, None).unwrap(), first);
        let changed = resolve(home.path(), Some("http://127.0.0.1:2".into()), None).unwrap();
        assert_eq!(changed, ("http://127.0.0.1:2".into(), "key".into()));
    }
}
