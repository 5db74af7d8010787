//! Command-line and runtime configuration of the sandbox server.

use std::net::SocketAddr;

/// Options of `imwallet-sandbox` (and `imwallet sandbox serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Address to listen on. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8787", env = "IMWALLET_SANDBOX_LISTEN")]
    pub listen: SocketAddr,
    /// SQLite database file, or `:memory:`.
    #[arg(long, default_value = "sandbox.db", env = "IMWALLET_SANDBOX_DB")]
    pub db: String,
}
