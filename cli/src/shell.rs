//! `imwallet shell`: one process for many commands, so the password is
//! typed once. The session starts with `unlock`; each line is then a
//! command as in single-shot mode (`balance`, `pay ... --amount 3`,
//! `--json history`), run with the kept password. After `--lock-after`
//! seconds without a command the password is dropped from memory and the
//! next command asks again. `exit`, `quit` or the end of input ends it.
//!
//! On a terminal the line editor (rustyline) gives history (arrow keys) and
//! completion of command names (Tab); with stdin not a terminal it reads
//! plain lines, so scripts drive it the same way (the first line is the
//! password unless `IMWALLET_PASSWORD` is set).

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use crate::exit::CliError;
use crate::{input, tr};

/// `imwallet shell` options.
#[derive(clap::Args)]
pub struct ShellArgs {
    /// Seconds without a command after which the password is forgotten
    /// (the next command asks again).
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub lock_after: u64,
}

/// What runs the words of one line: the same path as a single command
/// (parsing included; a usage error is reported there and is `Ok`).
pub type Runner<'a> = dyn FnMut(Vec<String>) -> Result<(), CliError> + 'a;

/// Splits a line into words: spaces separate, '...' and "..." quote,
/// a backslash escapes the next character.
pub fn words(line: &str) -> Result<Vec<String>, CliError> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(CliError::input("line", tr!("shell-unclosed-quote")));
    }
    if in_word {
        out.push(word);
    }
    Ok(out)
}

/// Completion of the first word from the command names.
struct Names(Vec<String>);

impl Completer for Names {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = line.get(..pos).unwrap_or(line);
        if before.trim_start().contains(' ') {
            return Ok((pos, Vec::new()));
        }
        let start = before.len() - before.trim_start().len();
        let typed = before.trim_start();
        let found = self
            .0
            .iter()
            .filter(|n| n.starts_with(typed))
            .map(|n| Pair {
                display: n.clone(),
                replacement: format!("{n} "),
            })
            .collect();
        Ok((start, found))
    }
}

impl Hinter for Names {
    type Hint = String;
}
impl Highlighter for Names {}
impl Validator for Names {}
impl Helper for Names {}

/// The command names a line may start with (completion), plus `exit`.
fn command_names(root: &clap::Command) -> Vec<String> {
    let mut names: Vec<String> = root
        .get_subcommands()
        .filter(|c| !matches!(c.get_name(), "shell" | "help"))
        .map(|c| c.get_name().to_owned())
        .collect();
    names.extend(["exit".to_owned(), "quit".to_owned(), "help".to_owned()]);
    names.sort();
    names
}

/// Where lines come from: the line editor on a terminal, else stdin.
enum Lines {
    Editor(Box<Editor<Names, DefaultHistory>>),
    Plain,
}

impl Lines {
    fn open(names: Vec<String>) -> Lines {
        if !std::io::stdin().is_terminal() {
            return Lines::Plain;
        }
        match Editor::<Names, DefaultHistory>::new() {
            Ok(mut editor) => {
                editor.set_helper(Some(Names(names)));
                Lines::Editor(Box::new(editor))
            }
            Err(_) => Lines::Plain,
        }
    }

    /// The next line; `None` at the end of input (Ctrl-D).
    fn next(&mut self) -> Result<Option<String>, CliError> {
        match self {
            Lines::Plain => input::next_line(),
            Lines::Editor(editor) => loop {
                match editor.readline("imwallet> ") {
                    Ok(line) => {
                        if !line.trim().is_empty() {
                            let _ = editor.add_history_entry(line.as_str());
                        }
                        return Ok(Some(line));
                    }
                    // Ctrl-C clears the line, as in a shell.
                    Err(ReadlineError::Interrupted) => continue,
                    Err(ReadlineError::Eof) => return Ok(None),
                    Err(e) => return Err(CliError::Other(e.to_string())),
                }
            },
        }
    }
}

/// Runs the session: `unlock` first (the password is asked once and
/// kept), then one command per line through `run` until `exit`.
pub fn run(args: &ShellArgs, root: &clap::Command, run: &mut Runner<'_>) -> Result<(), CliError> {
    input::keep_password();
    run(vec!["unlock".to_owned()])?;
    let last = Arc::new(Mutex::new(Instant::now()));
    let locked = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let idle = Duration::from_secs(args.lock_after);
    {
        let (last, locked) = (Arc::clone(&last), Arc::clone(&locked));
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let since = last
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .elapsed();
                if since >= idle && input::forget_password() {
                    locked.store(true, std::sync::atomic::Ordering::SeqCst);
                }
            }
        });
    }
    crate::output::say(tr!("shell-hello", seconds = args.lock_after));
    let mut lines = Lines::open(command_names(root));
    while let Some(line) = lines.next()? {
        let words = match words(&line) {
            Ok(w) => w,
            Err(e) => {
                e.report();
                continue;
            }
        };
        match words.first().map(String::as_str) {
            None => continue,
            Some("exit" | "quit") => break,
            Some("shell") => {
                CliError::Usage(tr!("shell-nested")).report();
                continue;
            }
            Some(_) => {}
        }
        if locked.swap(false, std::sync::atomic::Ordering::SeqCst) {
            eprintln!("{}", tr!("shell-locked", seconds = args.lock_after));
        }
        if let Err(e) = run(words) {
            if matches!(
                e,
                CliError::Wallet(imwallet_core::wallet::WalletError::WrongPassword { .. })
            ) {
                input::forget_password();
            }
            e.report();
        }
        *last.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }
    input::forget_password();
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_spaces_and_keep_quoted_text() {
        assert_eq!(
            words(r#"pay "a b" --memo 'green tea' x\ y"#).unwrap(),
            ["pay", "a b", "--memo", "green tea", "x y"]
        );
        assert!(words("pay \"open").is_err());
        assert!(words("   ").unwrap().is_empty());
    }

    #[test]
    fn completion_offers_command_names_for_the_first_word_only() {
        let names = Names(vec!["balance".into(), "history".into(), "exit".into()]);
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, found) = names.complete("  ba", 4, &ctx).unwrap();
        assert_eq!(start, 2);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].replacement, "balance ");
        assert!(names.complete("pay ba", 6, &ctx).unwrap().1.is_empty());
    }

    #[test]
    fn the_shell_itself_is_not_offered() {
        let root = clap::Command::new("imwallet")
            .subcommand(clap::Command::new("balance"))
            .subcommand(clap::Command::new("shell"));
        let names = command_names(&root);
        assert!(names.contains(&"balance".to_owned()));
        assert!(!names.contains(&"shell".to_owned()));
        assert!(names.contains(&"exit".to_owned()));
    }
}
