//! Reading what a person types: passwords and verification codes without
//! echo from a terminal, or one line each from stdin for scripts (in the
//! order the command asks for them), or from the environment
//! (`IMWALLET_PASSWORD`) and flags (`--code`).
//!
//! Reads block, so they run on tokio's blocking pool.

use std::io::{BufRead, IsTerminal};

use crate::exit::CliError;
use crate::tr;

/// Environment variable holding the password for scripts.
pub const PASSWORD_ENV: &str = "IMWALLET_PASSWORD";

/// Reads one line from stdin, without its line break. End of input is an
/// error naming `what` was expected.
fn stdin_line(what: &str) -> Result<String, CliError> {
    let mut line = String::new();
    let n = std::io::stdin().lock().read_line(&mut line)?;
    if n == 0 {
        return Err(CliError::input(what, tr!("error-stdin-ended")));
    }
    let trimmed = line.trim_end_matches(['\n', '\r']);
    Ok(trimmed.to_owned())
}

/// A secret or a code, in this order: prompted without echo when stdin is
/// a terminal; else the next line of stdin (scripts pipe the password this
/// way, and keep working); else, when stdin is a pipe that has ended (e.g.
/// `echo "$PAYLOAD" | imwallet pay -` consumed it), prompted without echo
/// on the controlling terminal `/dev/tty`; with no terminal either, the
/// "standard input ended" error.
async fn secret_line(prompt: String, what: &'static str) -> Result<String, CliError> {
    tokio::task::spawn_blocking(move || {
        if std::io::stdin().is_terminal() {
            return rpassword::prompt_password(prompt).map_err(CliError::from);
        }
        match stdin_line(what) {
            Err(ended) if has_controlling_terminal() => {
                rpassword::prompt_password(prompt).map_err(|_| ended)
            }
            other => other,
        }
    })
    .await
    .map_err(|_| CliError::Other(tr!("error-reader-stopped")))?
}

/// Whether `/dev/tty` opens (a controlling terminal exists; never in CI).
fn has_controlling_terminal() -> bool {
    cfg!(unix)
        && std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok()
}

/// The account password: `IMWALLET_PASSWORD`, else prompted / read.
pub async fn password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var(PASSWORD_ENV)
        && !p.is_empty()
    {
        return Ok(p);
    }
    let p = secret_line(tr!("prompt-password"), "password").await?;
    if p.is_empty() {
        return Err(CliError::input("password", tr!("error-empty")));
    }
    Ok(p)
}

/// A new password: asked twice on a terminal, once from stdin or the
/// environment.
pub async fn new_password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var(PASSWORD_ENV)
        && !p.is_empty()
    {
        return Ok(p);
    }
    let first = secret_line(tr!("prompt-new-password"), "password").await?;
    if first.is_empty() {
        return Err(CliError::input("password", tr!("error-empty")));
    }
    if std::io::stdin().is_terminal() {
        let again = secret_line(tr!("prompt-repeat-password"), "password").await?;
        if again != first {
            return Err(CliError::input("password", tr!("error-passwords-differ")));
        }
    }
    Ok(first)
}

/// A verification code: `--code`, else prompted / read.
pub async fn code(given: Option<String>, sent_to: &str) -> Result<String, CliError> {
    if let Some(c) = given {
        return Ok(c);
    }
    let c = secret_line(tr!("prompt-code", destination = sent_to), "code").await?;
    let c = c.trim().to_owned();
    if c.is_empty() {
        return Err(CliError::input("code", tr!("error-empty")));
    }
    Ok(c)
}

/// A payload argument: the text itself, or `-` for the next stdin line.
pub async fn payload(arg: &str) -> Result<String, CliError> {
    if arg != "-" {
        return Ok(arg.to_owned());
    }
    tokio::task::spawn_blocking(|| stdin_line("payload"))
        .await
        .map_err(|_| CliError::Other(tr!("error-reader-stopped")))?
}
