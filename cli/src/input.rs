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

/// In `imwallet shell` the password is asked once and kept here, in this
/// process's memory only, until [`forget_password`] (idle lock, a refused
/// password, `exit`), which wipes it (`Zeroizing`), as the core wipes its
/// own copies.
static SESSION: std::sync::Mutex<Option<zeroize::Zeroizing<String>>> = std::sync::Mutex::new(None);
static KEEPING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Keep the next password given for the commands that follow (the shell).
pub fn keep_password() {
    KEEPING.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Drops a kept password; the next command asks again. Returns whether
/// one was kept.
pub fn forget_password() -> bool {
    let mut kept = SESSION
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    kept.take().is_some()
}

/// The account password: `IMWALLET_PASSWORD`, else prompted / read (in the shell: the kept one, else
/// asked once and kept).
pub async fn password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var(PASSWORD_ENV)
        && !p.is_empty()
    {
        return Ok(p);
    }
    if let Some(p) = SESSION
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .as_ref()
    {
        return Ok(p.to_string());
    }
    let p = secret_line(tr!("prompt-password"), "password").await?;
    if p.is_empty() {
        return Err(CliError::input("password", tr!("error-empty")));
    }
    if KEEPING.load(std::sync::atomic::Ordering::SeqCst) {
        *SESSION
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(zeroize::Zeroizing::new(p.clone()));
    }
    Ok(p)
}

/// The next line of stdin (the shell's line mode), `None` at its end.
pub fn next_line() -> Result<Option<String>, CliError> {
    match stdin_line("command") {
        Ok(line) => Ok(Some(line)),
        Err(CliError::Input { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Environment variable holding the new password of `password change` /
/// `password reset` for scripts (`IMWALLET_PASSWORD` is the current one).
pub const NEW_PASSWORD_ENV: &str = "IMWALLET_NEW_PASSWORD";

/// A new password: asked twice on a terminal, once from stdin or the
/// environment.
pub async fn new_password() -> Result<String, CliError> {
    chosen_password(PASSWORD_ENV).await
}

/// The password replacing the current one: `IMWALLET_NEW_PASSWORD`, else
/// asked as [`new_password`] asks.
pub async fn replacement_password() -> Result<String, CliError> {
    chosen_password(NEW_PASSWORD_ENV).await
}

/// The server's password rule (`weak_password` outside it): 8 to 256
/// characters. Checked before a code is sent, so a refused password never
/// costs a code.
pub const PASSWORD_CHARS: std::ops::RangeInclusive<usize> = 8..=256;

/// Refuses a new password outside [`PASSWORD_CHARS`], naming the rule.
pub fn check_new_password(password: &str) -> Result<(), CliError> {
    if PASSWORD_CHARS.contains(&password.chars().count()) {
        return Ok(());
    }
    Err(CliError::input(
        "password",
        tr!(
            "error-password-rule",
            min = *PASSWORD_CHARS.start(),
            max = *PASSWORD_CHARS.end()
        ),
    ))
}

async fn chosen_password(env: &str) -> Result<String, CliError> {
    if let Ok(p) = std::env::var(env)
        && !p.is_empty()
    {
        check_new_password(&p)?;
        return Ok(p);
    }
    let prompt = tr!(
        "prompt-new-password",
        min = *PASSWORD_CHARS.start(),
        max = *PASSWORD_CHARS.end()
    );
    let first = secret_line(prompt, "password").await?;
    if first.is_empty() {
        return Err(CliError::input("password", tr!("error-empty")));
    }
    check_new_password(&first)?;
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

/// Whether an answer means yes: `y`, `yes`, `是`, `好`, `确认` (any case,
/// surrounding spaces ignored), in either language.
pub fn is_yes(answer: &str) -> bool {
    let a = answer.trim().to_lowercase();
    matches!(a.as_str(), "y" | "yes" | "是" | "好" | "确认" | "是的")
}

/// Asks a yes/no question: on the terminal when stdin is one, else the
/// next stdin line (scripts answer this way), else, when stdin has ended,
/// on the controlling terminal `/dev/tty`. No answer at all is a no.
pub async fn confirmation(prompt: String) -> Result<bool, CliError> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        if std::io::stdin().is_terminal() {
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
            return Ok(stdin_line("confirmation").is_ok_and(|a| is_yes(&a)));
        }
        match stdin_line("confirmation") {
            Ok(answer) => Ok(is_yes(&answer)),
            Err(_) => Ok(tty_answer(&prompt).is_some_and(|a| is_yes(&a))),
        }
    })
    .await
    .map_err(|_| CliError::Other(tr!("error-reader-stopped")))?
}

/// One line read from `/dev/tty` after writing `prompt` to it; `None`
/// without a controlling terminal.
fn tty_answer(prompt: &str) -> Option<String> {
    use std::io::Write;
    if !cfg!(unix) {
        return None;
    }
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    tty.write_all(prompt.as_bytes()).ok()?;
    tty.flush().ok()?;
    let mut line = String::new();
    std::io::BufReader::new(tty).read_line(&mut line).ok()?;
    Some(line)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_is_understood_in_both_languages_and_anything_else_is_no() {
        for yes in ["y", "Y", " yes ", "是", "确认", "好"] {
            assert!(is_yes(yes), "{yes}");
        }
        for no in ["", "n", "no", "否", "yess", "ok"] {
            assert!(!is_yes(no), "{no}");
        }
    }
}
