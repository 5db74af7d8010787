//! # imwallet-sandbox
//!
//! The wallet API's sandbox server: every path of `api/openapi.yaml`, served
//! by axum on tokio over an embedded SQLite double-entry ledger.
//!
//! Layers (each module uses only those above it): `config`, `clock`,
//! `problem`, `secrets`, `text`, `limits` -> `db`, `json`, `session_cache` -> `ledger`, `codes`,
//! `auth`, `lockout`, `fees`, `fx`, `qr`, `risk` -> `paycodes`, `txns`, `events`, `webhooks`, `orders`, `refunds`, `idempotency` -> `delivery`, `routes`.
//!
//! Embedding (tests, `imwallet demo`): [`Sandbox::start`] serves on a given
//! listener with an injectable [`clock::Clock`] and returns the address and
//! a shutdown handle.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod auth;
pub mod clock;
pub mod codes;
pub mod config;
pub mod db;
pub mod delivery;
pub mod events;
pub mod fees;
pub mod fx;
pub mod hashing;
pub mod idempotency;
pub mod json;
pub mod ledger;
pub mod limits;
pub mod lockout;
pub mod magic;
pub mod orders;
pub mod paycodes;
pub mod problem;
pub mod qr;
pub mod refunds;
pub mod risk;
pub mod routes;
pub mod secrets;
pub mod session_cache;
pub mod state;
pub mod text;
pub mod txns;
pub mod webhooks;

use axum::serve::ListenerExt;
use clock::{Clock, SystemClock};
use config::Config;
use db::{Db, DbError};
use ledger::{InvariantReport, LedgerStore, SqliteLedger};
use problem::Problem;
use state::AppState;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Db(#[from] DbError),
    /// The listener has no local address.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
    /// The webhook delivery client could not be built.
    #[error("webhook client: {0}")]
    Http(String),
}

/// A running sandbox server.
#[derive(Debug)]
pub struct Sandbox {
    addr: SocketAddr,
    state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    stop_delivery: tokio::sync::watch::Sender<bool>,
    delivery: JoinHandle<()>,
}

impl Sandbox {
    /// Opens the database at `db_path` (`:memory:` allowed) and serves the
    /// API on `listener` until [`Sandbox::shutdown`].
    pub async fn start(
        listener: TcpListener,
        db_path: &str,
        config: Config,
        clock: Arc<dyn Clock>,
    ) -> Result<Sandbox, StartError> {
        let state = AppState {
            db: Arc::new(Db::open(db_path)?),
            clock,
            config: Arc::new(config),
            sessions: Arc::default(),
            hasher: Arc::default(),
            limits: Arc::default(),
        };
        let addr = listener.local_addr()?;
        if state.config.operator_endpoints() {
            tracing::warn!(
                %addr,
                "sandbox operator endpoints are ON (/v1/sandbox/*, POST /v1/merchants): \
                 they need X-Api-Key and X-Sandbox-Operator-Key and act on that app's \
                 users and merchants only"
            );
        } else {
            tracing::info!(%addr, "sandbox operator endpoints are off");
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| StartError::Http(e.to_string()))?;
        let (stop_delivery, stop_rx) = tokio::sync::watch::channel(false);
        let delivery = tokio::spawn(delivery::run(state.clone(), http, stop_rx));
        let (tx, rx) = oneshot::channel::<()>();
        let app = routes::router(state.clone());
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        Ok(Sandbox {
            addr,
            state,
            shutdown: Some(tx),
            task,
            stop_delivery,
            delivery,
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's shared state (database, clock, config).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Recomputes the ledger and reports every invariant violation.
    pub fn check_ledger(&self) -> Result<InvariantReport, Problem> {
        self.state
            .db
            .read(|c| Ok(SqliteLedger::new(c).check_invariants()?))
    }

    /// Stops accepting connections and waits for the server task and the
    /// webhook delivery worker (an attempt in flight is abandoned and sent
    /// again by the next start: at least once).
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = self.stop_delivery.send(true);
        let _ = (&mut self.task).await;
        let _ = (&mut self.delivery).await;
    }
}

impl Drop for Sandbox {
    /// A dropped server stops its delivery worker too (the HTTP task ends
    /// with its runtime).
    fn drop(&mut self) {
        let _ = self.stop_delivery.send(true);
    }
}

/// Runs the server from parsed command-line arguments until Ctrl-C.
pub fn run_cli(args: config::Args) -> ExitCode {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("imwallet-sandbox: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match TcpListener::bind(args.listen).await {
            Ok(l) => l,
            Err(err) => {
                eprintln!("imwallet-sandbox: cannot listen on {}: {err}", args.listen);
                return ExitCode::FAILURE;
            }
        };
        let config = Config {
            sandbox_endpoints: !args.no_sandbox_endpoints,
            operator_key: args.operator_key.clone(),
            codes: config::CodeRules {
                ttl_s: args
                    .code_ttl_s
                    .unwrap_or(config::CodeRules::default().ttl_s),
                ..config::CodeRules::default()
            },
            webhooks: args.webhook_rules(),
            ..Config::default()
        };
        let sandbox = match Sandbox::start(listener, &args.db, config, Arc::new(SystemClock)).await
        {
            Ok(s) => s,
            Err(err) => {
                eprintln!("imwallet-sandbox: {err}");
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(url = %sandbox.base_url(), db = %args.db, "sandbox listening");
        let _ = tokio::signal::ctrl_c().await;
        sandbox.shutdown().await;
        ExitCode::SUCCESS
    })
}
