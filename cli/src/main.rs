//! `imwallet`: a terminal client over the core. It formats output and holds
//! no business rules.

use clap::{Parser, Subcommand};

mod qr;

/// A terminal wallet over IM Wallet Core.
#[derive(Parser)]
#[command(name = "imwallet", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the sandbox wallet API server.
    Sandbox {
        #[command(subcommand)]
        action: SandboxAction,
    },
    /// Read payment QR payloads.
    Qr {
        #[command(subcommand)]
        action: qr::QrAction,
    },
}

#[derive(Subcommand)]
enum SandboxAction {
    /// Serve the sandbox API (same options as `imwallet-sandbox`).
    Serve(imwallet_sandbox::config::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Sandbox {
            action: SandboxAction::Serve(args),
        } => imwallet_sandbox::run_cli(args),
        Command::Qr { action } => qr::run(action),
    }
}
