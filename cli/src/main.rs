//! `imwallet`: a terminal client over the core. It formats output and holds
//! no business rules.
//!
//! - `imwallet demo`: the whole product in one command (see [`demo`]).
//! - the terminal wallet (`register`, `login`, `pay`, ...; see [`terminal`]).
//! - `imwallet qr parse`, `imwallet sandbox serve|app|code`.
//!
//! Every failure prints one line on stderr and exits with a code from the
//! table in [`exit`] (also shown by `imwallet --help`).

use std::process::ExitCode;

use clap::error::{ContextKind, ErrorKind};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod admin;
mod args;
mod demo;
mod exit;
mod i18n;
mod input;
mod output;
mod png;
mod profile;
mod progress;
mod qr;
mod render;
mod shell;
mod terminal;

use exit::CliError;

/// A terminal wallet over IM Wallet Core, and the demo of the whole product.
#[derive(Parser)]
#[command(name = "imwallet", version, about)]
struct Cli {
    /// Language of everything a person reads: zh-CN or en [default:
    /// IMWALLET_LANG, then LC_ALL / LC_MESSAGES / LANG]. `--json` output
    /// is the same in both.
    #[arg(long, global = true, value_parser = ["zh-CN", "zh", "en"])]
    lang: Option<String>,
    /// Print exactly one JSON object on stdout (errors as {"error": ...});
    /// field names in docs/cli.md.
    #[arg(long, global = true)]
    json: bool,
    #[command(flatten)]
    conn: terminal::Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the complete journey of two users and a merchant against an
    /// embedded sandbox (or --server), narrated step by step.
    Demo(demo::DemoArgs),
    #[command(flatten)]
    Wallet(terminal::WalletCommand),
    /// An interactive session: the password once, then commands as in
    /// single-shot mode, with history and completion; `exit` ends it.
    Shell(shell::ShellArgs),
    /// Read payment QR payloads.
    Qr {
        #[command(subcommand)]
        action: qr::QrAction,
    },
    /// Run the sandbox wallet API server, or use its operator endpoints.
    Sandbox {
        #[command(subcommand)]
        action: SandboxAction,
    },
}

#[derive(Subcommand)]
enum SandboxAction {
    /// Serve the sandbox API (same options as `imwallet-sandbox`).
    Serve(imwallet_sandbox::config::Args),
    /// Create a developer app on the sandbox and print its API key.
    App {
        /// The app's name.
        #[arg(default_value = "imwallet terminal")]
        name: String,
    },
    /// Print the newest verification code the sandbox sent to a phone or
    /// e-mail (the sandbox keeps codes in its outbox). Uses --server and
    /// --api-key, else the profile's saved ones.
    Code {
        /// Phone or e-mail.
        destination: String,
        /// Which code: register, login, reset_password, bind_card, withdraw
        /// [default: the newest code of any purpose].
        #[arg(long)]
        purpose: Option<String>,
        /// The sandbox's operator credential (its --operator-key).
        #[arg(long, env = "IMWALLET_SANDBOX_OPERATOR_KEY", hide_env_values = true)]
        operator_key: Option<String>,
    },
    /// Create a merchant on the sandbox and print its counter QR payload
    /// (what `imwallet pay` takes).
    Merchant {
        /// The merchant's name.
        name: String,
        /// The merchant's city.
        #[arg(long, default_value = "Shanghai")]
        city: String,
        /// The merchant's settlement currency.
        #[arg(long, default_value = "CNY")]
        currency: String,
        /// The sandbox's operator credential (its --operator-key).
        #[arg(long, env = "IMWALLET_SANDBOX_OPERATOR_KEY", hide_env_values = true)]
        operator_key: Option<String>,
    },
}

/// Parses the command line (help and usage errors in the chosen language);
/// usage errors become one line and exit 64.
fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, ExitCode> {
    let parsed = i18n::help::localise(Cli::command())
        .try_get_matches_from(args)
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches));
    match parsed {
        Ok(cli) => Ok(cli),
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = e.print();
                Err(ExitCode::SUCCESS)
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                Err(ExitCode::from(exit::USAGE))
            }
            kind => {
                let rendered = e.render().to_string();
                let first = rendered.lines().next().unwrap_or("invalid command line");
                let message = first.strip_prefix("error: ").unwrap_or(first);
                if matches!(kind, ErrorKind::InvalidValue | ErrorKind::ValueValidation) {
                    // A value of a known argument (a negative --points, a
                    // --limit that is no number): invalid input, exit 3.
                    let field = e
                        .get(ContextKind::InvalidArg)
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    return Err(CliError::input(&field, message).report());
                }
                // clap's "did you mean", kept (its tip line is not the first).
                match suggestion(&e) {
                    Some(s) => Err(CliError::Usage(tr!(
                        "error-usage-suggest",
                        message = message,
                        suggestion = s
                    ))
                    .report()),
                    None => Err(CliError::Usage(tr!("error-usage", message = message)).report()),
                }
            }
        },
    }
}

/// The subcommand or option clap suggests for a misspelt one.
fn suggestion(e: &clap::Error) -> Option<String> {
    use clap::error::ContextValue;
    let value = e
        .get(ContextKind::SuggestedSubcommand)
        .or_else(|| e.get(ContextKind::SuggestedArg))?;
    match value {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(list) if !list.is_empty() => Some(list.join(", ")),
        _ => None,
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Other(tr!("error-runtime", detail = e.to_string())))
}

/// A verification-code purpose named on the command line.
fn code_purpose(name: &str) -> Result<imwallet_protocol::wire::Purpose, CliError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        CliError::input(
            "purpose",
            tr!("error-not-purpose", value = format!("{name:?}")),
        )
    })
}

async fn sandbox_admin(action: SandboxAction, conn: terminal::Connection) -> Result<(), CliError> {
    // The flags, else what the profile saved (nothing is saved here).
    let home = conn.home.clone().unwrap_or_else(profile::default_home);
    let stored = profile::load(&home)?;
    let server = conn
        .server
        .or(stored.server)
        .ok_or_else(|| CliError::Config(tr!("error-need-server")))?;
    let api_key = conn.api_key.or(stored.api_key);
    let admin = admin::SandboxAdmin::new(&server, api_key.clone())?;
    match action {
        SandboxAction::App { name } => {
            let key = admin.create_app(&name).await?;
            output::say(&key);
            output::emit(serde_json::json!({ "api_key": key }));
        }
        SandboxAction::Code {
            destination,
            purpose,
            operator_key,
        } => {
            let purpose = purpose.map(|p| code_purpose(&p)).transpose()?;
            if api_key.is_none() {
                return Err(CliError::Config(tr!("error-need-api-key")));
            }
            let operator_key =
                operator_key.ok_or_else(|| CliError::Config(tr!("error-need-operator-key")))?;
            let admin = admin.with_operator_key(&operator_key);
            let (code, sent_for) = admin.newest_code_of(&destination, purpose).await?;
            // The code alone on stdout (scripts capture it); what it is for
            // on stderr.
            let sent_for = render::wire_name(&sent_for);
            if output::json() {
                output::emit(serde_json::json!({ "code": code, "purpose": sent_for }));
            } else {
                println!("{code}");
                eprintln!("{}", tr!("code-sent-for", purpose = sent_for));
            }
        }
        SandboxAction::Merchant {
            name,
            city,
            currency,
            operator_key,
        } => {
            let currency = args::currency(&currency)?;
            let operator_key =
                operator_key.ok_or_else(|| CliError::Config(tr!("error-need-operator-key")))?;
            let admin = admin.with_operator_key(&operator_key);
            let id = admin.create_merchant(&name, &city, currency.code()).await?;
            let payload = admin.merchant_qr(&id).await?;
            output::say(&payload);
            output::emit(serde_json::json!({ "merchant_id": id, "payload": payload }));
        }
        SandboxAction::Serve(_) => {}
    }
    Ok(())
}

/// Runs a command that needs the async runtime.
async fn execute(command: Command, conn: terminal::Connection) -> Result<(), CliError> {
    match command {
        Command::Demo(args) => demo::run(args, conn.server, conn.api_key).await,
        Command::Wallet(c) => terminal::run(c, conn).await,
        Command::Sandbox { action } => sandbox_admin(action, conn).await,
        Command::Qr { .. } | Command::Shell(_) => Ok(()),
    }
}

/// `imwallet shell`: each line parsed as a command line of its own, the
/// shell's global options applying unless the line gives its own.
fn shell_session(
    args: &shell::ShellArgs,
    conn: &terminal::Connection,
    json: bool,
    rt: &tokio::runtime::Runtime,
) -> Result<(), CliError> {
    let root = i18n::help::localise(Cli::command());
    let mut run_line = |words: Vec<String>| -> Result<(), CliError> {
        let argv = std::iter::once("imwallet".to_owned()).chain(words);
        let Ok(line) = parse(argv.map(Into::into).collect()) else {
            return Ok(()); // reported by parse
        };
        let line_conn = terminal::Connection {
            home: line.conn.home.or_else(|| conn.home.clone()),
            server: line.conn.server.or_else(|| conn.server.clone()),
            api_key: line.conn.api_key.or_else(|| conn.api_key.clone()),
            yes: line.conn.yes || conn.yes,
        };
        output::set_json(json || line.json);
        let outcome = match line.command {
            Command::Sandbox {
                action: SandboxAction::Serve(_),
            }
            | Command::Shell(_) => Err(CliError::Usage(tr!("shell-nested"))),
            Command::Qr { action } => {
                let _ = qr::run(action);
                Ok(())
            }
            command => rt.block_on(execute(command, line_conn)),
        };
        output::set_json(json);
        outcome
    };
    shell::run(args, &root, &mut run_line)
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    i18n::set_current(i18n::choose::from_process(&args));
    output::set_json(output::asked_in(&args));
    let cli = match parse(args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    output::set_json(cli.json);
    // One TLS provider for every HTTP client of the process (ring, as in
    // the core). Already installed is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let conn = cli.conn;
    let outcome = match cli.command {
        Command::Sandbox {
            action: SandboxAction::Serve(args),
        } => return imwallet_sandbox::run_cli(args),
        Command::Qr { action } => return qr::run(action),
        Command::Shell(args) => runtime().and_then(|rt| {
            let outcome = shell_session(&args, &conn, cli.json, &rt);
            rt.shutdown_background();
            outcome
        }),
        command => runtime().and_then(|rt| {
            let outcome = rt.block_on(execute(command, conn));
            // Do not wait for a blocking read of stdin that Ctrl-C cut short.
            rt.shutdown_background();
            outcome
        }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
