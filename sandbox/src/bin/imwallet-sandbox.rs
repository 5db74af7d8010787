//! `imwallet-sandbox`: the wallet API sandbox server.

use clap::Parser;

/// The wallet API sandbox server.
#[derive(Parser)]
#[command(name = "imwallet-sandbox", version, about)]
struct Cli {
    #[command(flatten)]
    args: imwallet_sandbox::config::Args,
}

fn main() -> std::process::ExitCode {
    imwallet_sandbox::run_cli(Cli::parse().args)
}
