//! `imwallet demo`: the whole product in one command. Two users (Alice and
//! Bob) and a merchant go through the complete journey over the core's
//! public [`Wallet`] facade, against the sandbox started in-process on a
//! free loopback port with an in-memory ledger (or `--server URL`).
//!
//! Operator-only steps (creating the app and the merchant, reading codes
//! from the sandbox outbox, issuing a coupon, settling the withdrawal,
//! charging the offline code at the merchant's scanner) go through
//! [`SandboxAdmin`]; everything a user does goes through the facade.
//!
//! The vault uses the real default KDF policy. The transcript records the
//! time spent in calls that derive keys from a password (register, login,
//! verify_login, unlock), so the benchmark can report the journey's wall
//! time without them. `--json` prints one JSON document instead of text.
//!
//! The narration is in the language of the run (zh-CN or en, from the
//! catalogs' `demo-*` messages); the `--json` transcript is the same in
//! both: its step texts are the English narration, whatever the language.
//!
//! - [`users`]: a demo user's sign-up, login and card.
//! - [`journey`]: the journey itself, section by section.

mod journey;
mod users;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use imwallet_core::wallet::Locale;
use imwallet_protocol::money::{Currency, Money};
use imwallet_sandbox::Sandbox;
use imwallet_sandbox::clock::SystemClock;
use imwallet_sandbox::config::Config;
use imwallet_sandbox::ledger::{LedgerStore, SqliteLedger};
use serde_json::{Value, json};

use crate::exit::{CliError, one_line};
use crate::{i18n, tr};

/// The password both demo users choose.
const PASSWORD: &str = "demo: correct horse battery staple";

/// Options of `imwallet demo`.
#[derive(clap::Args, Debug, Clone)]
pub struct DemoArgs {
    /// The operator credential of an external sandbox (--server); the
    /// embedded one gets a fresh credential of its own.
    #[arg(long, env = "IMWALLET_SANDBOX_OPERATOR_KEY", hide_env_values = true)]
    pub operator_key: Option<String>,
}

fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

/// The narration (text mode) and the transcript (JSON mode).
struct Out {
    json: bool,
    step: String,
    steps: Vec<Value>,
    kdf: Duration,
}

impl Out {
    fn section(&mut self, title: &str) {
        if !self.json {
            println!("\n== {title}");
        }
    }

    /// Names the step that runs next (reported if it fails).
    fn at(&mut self, step: &str) {
        step.clone_into(&mut self.step);
    }

    fn say(&mut self, text: impl Into<String>, data: Value) {
        let text = text.into();
        if !self.json {
            println!("  {text}");
        }
        self.steps
            .push(json!({ "step": self.step, "text": text, "data": data }));
    }

    fn print(&self, block: &str) {
        if !self.json {
            println!("{block}");
        }
    }

    /// Runs a call that derives a key from a password, adding its whole
    /// wall time (HTTP included, not the KDF alone) to the `kdf` total.
    async fn kdf<T>(&mut self, fut: impl Future<Output = T>) -> T {
        let start = Instant::now();
        let r = fut.await;
        self.kdf += start.elapsed();
        r
    }
}

/// Where the demo runs.
struct Server {
    url: String,
    api_key: Option<String>,
    operator_key: Option<String>,
    embedded: Option<Sandbox>,
}

async fn start_server(
    server: Option<String>,
    api_key: Option<String>,
    operator_key: Option<String>,
) -> Result<Server, CliError> {
    if let Some(url) = server {
        return Ok(Server {
            url,
            api_key,
            operator_key,
            embedded: None,
        });
    }
    // The embedded sandbox's operator endpoints answer only this process.
    let operator_key = imwallet_sandbox::secrets::new_token("op_demo");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| CliError::Other(tr!("demo-error-listen", detail = e.to_string())))?;
    let sandbox = Sandbox::start(
        listener,
        ":memory:",
        Config {
            operator_key: Some(operator_key.clone()),
            ..Config::default()
        },
        Arc::new(SystemClock),
    )
    .await
    .map_err(|e| CliError::Other(tr!("demo-error-sandbox", detail = one_line(&e.to_string()))))?;
    Ok(Server {
        url: sandbox.base_url(),
        api_key: None,
        operator_key: Some(operator_key),
        embedded: Some(sandbox),
    })
}

/// Runs the demo and prints its narration or transcript. `server` and
/// `api_key` select an external sandbox instead of the embedded one
/// (without a key, a fresh app is created on it).
pub async fn run(
    args: DemoArgs,
    server: Option<String>,
    api_key: Option<String>,
) -> Result<(), CliError> {
    let started = Instant::now();
    if crate::output::json() {
        // The transcript is language-neutral: its texts are English.
        i18n::set_current(Locale::En);
    }
    let mut out = Out {
        json: crate::output::json(),
        step: "start the sandbox".into(),
        steps: Vec::new(),
        kdf: Duration::ZERO,
    };
    let result = async {
        let server = start_server(server, api_key, args.operator_key.clone()).await?;
        let outcome = journey::journey(&mut out, &server).await;
        let ledger = match &server.embedded {
            Some(sandbox) => Some(ledger_view(sandbox, &outcome)?),
            None => None,
        };
        if let Some(sandbox) = server.embedded {
            sandbox.shutdown().await;
        }
        let outcome = outcome?;
        if let Some(l) = &ledger {
            out.at("check the balances against the sandbox ledger");
            check_against_ledger(&outcome.transcript, l)?;
        }
        Ok::<_, CliError>((outcome, ledger))
    };
    let (outcome, ledger) = match crate::progress::interruptible(result).await {
        Ok(v) => v,
        Err(e) => {
            // With --json the error object (with this step) is printed by
            // the caller, as for every command.
            return Err(CliError::Step {
                step: format!("demo step '{}'", out.step),
                source: Box::new(e),
            });
        }
    };
    let total = started.elapsed();
    let timing = json!({
        "total_ms": ms(total),
        "kdf_ms": ms(out.kdf),
        "total_excluding_kdf_ms": ms(total.saturating_sub(out.kdf)),
    });
    if out.json {
        let mut doc = outcome.transcript;
        doc["ok"] = json!(true);
        doc["steps"] = Value::Array(std::mem::take(&mut out.steps));
        doc["ledger"] = ledger.unwrap_or(Value::Null);
        doc["timing"] = timing;
        println!("{doc}");
    } else {
        if let Some(l) = ledger {
            let verdict = if l["sound"] == json!(true) {
                tr!("demo-ledger-sound")
            } else {
                tr!("demo-ledger-violated")
            };
            println!();
            println!(
                "{}",
                tr!(
                    "demo-ledger-check",
                    verdict = verdict,
                    violations = l["violations"].as_u64().unwrap_or(0)
                )
            );
        }
        println!(
            "{}",
            tr!(
                "demo-done",
                total = format!("{:.2}", total.as_secs_f64()),
                kdf = format!("{:.2}", out.kdf.as_secs_f64())
            )
        );
    }
    Ok(())
}

/// The demo fails unless the embedded ledger is sound and holds exactly
/// the balances the wallets and the merchant reported.
fn check_against_ledger(transcript: &Value, ledger: &Value) -> Result<(), CliError> {
    if ledger["sound"] != json!(true) {
        return Err(CliError::Other(tr!(
            "demo-error-unsound",
            violations = ledger["violations"].as_u64().unwrap_or(0)
        )));
    }
    for who in ["alice", "bob", "merchant"] {
        if transcript["final_balances"][who] != ledger["balances"][who] {
            return Err(CliError::Other(tr!("demo-error-differs", who = who)));
        }
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

/// What the journey leaves for the transcript and the ledger check.
struct Outcome {
    transcript: Value,
    owners: Vec<(&'static str, String)>,
}

/// Balances straight from the embedded sandbox's ledger, and its invariant check.
fn ledger_view(sandbox: &Sandbox, outcome: &Result<Outcome, CliError>) -> Result<Value, CliError> {
    let report = sandbox
        .check_ledger()
        .map_err(|_| CliError::Other(tr!("demo-error-check")))?;
    let mut balances = serde_json::Map::new();
    if let Ok(o) = outcome {
        for (who, owner) in &o.owners {
            let owner = owner.clone();
            let list = sandbox
                .state()
                .db
                .read(move |c| Ok(SqliteLedger::new(c).balances_of(&owner)?))
                .map_err(|_| CliError::Other(tr!("demo-error-read-ledger")))?;
            balances.insert((*who).to_owned(), json!(list));
        }
    }
    Ok(json!({
        "sound": report.is_sound(),
        "violations": report.violations.len(),
        "balances": balances,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_balance_that_differs_from_the_ledger_fails_the_demo() {
        let transcript = json!({"final_balances": {
            "alice": [{"amount": "1.00", "currency": "CNY"}],
            "bob": [],
            "merchant": [{"amount": "2.00", "currency": "CNY"}],
        }});
        let mut ledger = json!({"sound": true, "violations": 0, "balances": transcript["final_balances"].clone()});
        assert!(check_against_ledger(&transcript, &ledger).is_ok());
        ledger["balances"]["bob"] = json!([{"amount": "0.01", "currency": "CNY"}]);
        assert!(check_against_ledger(&transcript, &ledger).is_err());
        ledger["balances"]["bob"] = json!([]);
        ledger["sound"] = json!(false);
        assert!(check_against_ledger(&transcript, &ledger).is_err());
    }

    #[test]
    fn demo_phone_numbers_have_eight_digits_for_both_users() {
        let base = users::phone_suffix();
        assert_eq!(format!("{base:08}").len(), 8);
        assert_eq!(format!("{:08}", base + 1).len(), 8);
    }
}
