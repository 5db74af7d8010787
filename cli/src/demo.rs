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

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use imwallet_core::wallet::{
    PayRequest, ReceiveCodeRequest, TransferTarget, Wallet, WalletConfig, WalletError,
};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr;
use imwallet_protocol::wire::{Operation, Purpose};
use imwallet_sandbox::Sandbox;
use imwallet_sandbox::clock::SystemClock;
use imwallet_sandbox::config::Config;
use imwallet_sandbox::ledger::{LedgerStore, SqliteLedger};
use serde_json::{Value, json};

use crate::admin::SandboxAdmin;
use crate::exit::{CliError, one_line};
use crate::progress::sync_history;
use crate::render;

/// The password both demo users choose.
const PASSWORD: &str = "demo: correct horse battery staple";

/// Options of `imwallet demo`.
#[derive(clap::Args, Debug, Clone)]
pub struct DemoArgs {
    /// Print one JSON transcript on stdout instead of the narrated journey.
    #[arg(long)]
    pub json: bool,
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

/// One demo user with a wallet in a temporary directory.
struct User {
    name: &'static str,
    phone: String,
    wallet: Arc<Wallet>,
    user_id: String,
    _dir: tempfile::TempDir,
}

/// A fresh 8-digit suffix, so repeated demos against one server never
/// collide on a phone number.
fn phone_suffix() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64 ^ d.as_secs())
        .unwrap_or(0);
    (nanos ^ (u64::from(std::process::id()) << 12)) % 90_000_000 + 5_000_000
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
        .map_err(|e| CliError::Other(format!("cannot listen on loopback: {e}")))?;
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
    .map_err(|e| {
        CliError::Other(format!(
            "cannot start the sandbox: {}",
            one_line(&e.to_string())
        ))
    })?;
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
    let mut out = Out {
        json: args.json,
        step: "start the sandbox".into(),
        steps: Vec::new(),
        kdf: Duration::ZERO,
    };
    let result = async {
        let server = start_server(server, api_key, args.operator_key.clone()).await?;
        let outcome = journey(&mut out, &server).await;
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
            if out.json {
                println!(
                    "{}",
                    json!({ "ok": false, "error": { "step": out.step, "kind": e.kind(), "message": one_line(&e.to_string()) } })
                );
            }
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
            println!(
                "\nSandbox ledger check: {} ({} violations).",
                if l["sound"] == json!(true) {
                    "sound"
                } else {
                    "VIOLATED"
                },
                l["violations"]
            );
        }
        println!(
            "Done in {:.2} s ({:.2} s of it in the calls that derive keys from passwords, HTTP included: register, login, unlock).",
            total.as_secs_f64(),
            out.kdf.as_secs_f64()
        );
    }
    Ok(())
}

/// The demo fails unless the embedded ledger is sound and holds exactly
/// the balances the wallets and the merchant reported.
fn check_against_ledger(transcript: &Value, ledger: &Value) -> Result<(), CliError> {
    if ledger["sound"] != json!(true) {
        return Err(CliError::Other(format!(
            "the sandbox ledger is not sound ({} violations)",
            ledger["violations"]
        )));
    }
    for who in ["alice", "bob", "merchant"] {
        if transcript["final_balances"][who] != ledger["balances"][who] {
            return Err(CliError::Other(format!(
                "{who}'s final balance differs from the sandbox ledger"
            )));
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
        .map_err(|_| CliError::Other("the sandbox ledger check failed to run".into()))?;
    let mut balances = serde_json::Map::new();
    if let Ok(o) = outcome {
        for (who, owner) in &o.owners {
            let owner = owner.clone();
            let list = sandbox
                .state()
                .db
                .read(move |c| Ok(SqliteLedger::new(c).balances_of(&owner)?))
                .map_err(|_| CliError::Other("cannot read the sandbox ledger".into()))?;
            balances.insert((*who).to_owned(), json!(list));
        }
    }
    Ok(json!({
        "sound": report.is_sound(),
        "violations": report.violations.len(),
        "balances": balances,
    }))
}

async fn open_user(
    out: &mut Out,
    server: &Server,
    api_key: &str,
    admin: &SandboxAdmin,
    name: &'static str,
    phone: String,
) -> Result<User, CliError> {
    let dir = tempfile::tempdir()?;
    // The real default vault policy: key derivation is real.
    let config = WalletConfig::new(dir.path(), &server.url, api_key)?;
    let wallet = Wallet::open(config)?;
    out.at(&format!("{name}: register"));
    let sent = wallet
        .request_code(Purpose::Register, Some(phone.clone()))
        .await?;
    let code = admin.newest_code(&phone, Purpose::Register).await?;
    out.say(
        format!(
            "{name}: registration code sent to {} (read from the sandbox outbox)",
            sent.destination
        ),
        json!({ "user": name, "phone": phone }),
    );
    let profile = out
        .kdf(wallet.register(phone.clone(), PASSWORD.into(), code, Some(name.into())))
        .await?;
    out.say(
        format!("{name}: registered as user {}", profile.user_id),
        json!({ "user": name, "user_id": profile.user_id }),
    );
    out.at(&format!("{name}: login"));
    let sent = out
        .kdf(wallet.login(phone.clone(), PASSWORD.into()))
        .await?;
    let code = admin.newest_code(&phone, Purpose::Login).await?;
    out.kdf(wallet.verify_login(code)).await?;
    out.say(
        format!(
            "{name}: logged in with password + second-factor code sent to {}; encrypted vault created",
            sent.destination
        ),
        json!({ "user": name }),
    );
    Ok(User {
        name,
        phone,
        wallet,
        user_id: profile.user_id,
        _dir: dir,
    })
}

async fn bind_card(
    out: &mut Out,
    admin: &SandboxAdmin,
    user: &User,
    number: &str,
) -> Result<String, CliError> {
    out.at(&format!("{}: bind a card", user.name));
    let card = user
        .wallet
        .bind_card(number.into(), 12, 2099, format!("{} Demo", user.name))
        .await?;
    let code = admin.newest_code(&user.phone, Purpose::BindCard).await?;
    let card = user.wallet.verify_card(card.card_id, code).await?;
    out.say(
        format!(
            "{}: card bound and verified by code: {}",
            user.name,
            render::card(&card)
        ),
        json!({ "user": user.name, "card_id": card.card_id, "last4": card.last4 }),
    );
    Ok(card.card_id)
}

async fn balance_line(out: &mut Out, user: &User) -> Result<(), CliError> {
    let balances = user.wallet.balances().await?;
    out.say(
        format!("{}: balance {}", user.name, render::balances(&balances)),
        json!({ "user": user.name, "balances": balances }),
    );
    Ok(())
}

async fn journey(out: &mut Out, server: &Server) -> Result<Outcome, CliError> {
    out.section("Setup");
    out.at("setup");
    let mut anonymous = SandboxAdmin::new(&server.url, None)?;
    if let Some(key) = &server.operator_key {
        anonymous = anonymous.with_operator_key(key);
    }
    let api_key = match &server.api_key {
        Some(k) => k.clone(),
        None => anonymous.create_app("imwallet demo").await?,
    };
    let admin = anonymous.with_key(&api_key);
    out.say(
        match &server.embedded {
            Some(_) => format!("Sandbox: embedded at {} (in-memory ledger)", server.url),
            None => format!("Sandbox: {}", server.url),
        },
        json!({ "server": server.url, "embedded": server.embedded.is_some() }),
    );
    let merchant_id = admin
        .create_merchant("Demo Coffee", "Shanghai", "CNY")
        .await?;
    let merchant_qr = admin.merchant_qr(&merchant_id).await?;
    out.say(
        format!("Merchant \"Demo Coffee\" (Shanghai, CNY) created: {merchant_id}"),
        json!({ "merchant_id": merchant_id }),
    );

    out.section("Sign-up and login");
    let base = phone_suffix();
    let alice = open_user(
        out,
        server,
        &api_key,
        &admin,
        "Alice",
        format!("+86139{base:08}"),
    )
    .await?;
    let bob = open_user(
        out,
        server,
        &api_key,
        &admin,
        "Bob",
        format!("+86139{:08}", base + 1),
    )
    .await?;
    out.at("Alice: lock and unlock");
    alice.wallet.lock();
    out.kdf(alice.wallet.unlock(PASSWORD.into())).await?;
    out.say(
        "Alice: vault locked, then unlocked with the password (session restored from the vault)",
        json!({ "user": "Alice" }),
    );

    out.section("Cards");
    let alice_card = bind_card(out, &admin, &alice, "4242424242424242").await?;
    let bob_card = bind_card(out, &admin, &bob, "5555555555554444").await?;

    out.section("Top-up");
    out.at("Alice: top-up");
    let q = alice
        .wallet
        .quote(Operation::TopUp, cny(100_000), None, None)
        .await?;
    out.say(
        format!("Alice: quote for a top-up: {}", render::quote(&q)),
        json!({ "quote": q }),
    );
    let t = alice
        .wallet
        .top_up(alice_card.clone(), cny(100_000))
        .await?;
    out.say(
        format!("Alice: {}", render::transaction(&t)),
        json!({ "transaction": t }),
    );
    balance_line(out, &alice).await?;
    out.at("Bob: top-up");
    let t = bob.wallet.top_up(bob_card, cny(10_000)).await?;
    out.say(
        format!("Bob: {}", render::transaction(&t)),
        json!({ "transaction": t }),
    );

    out.section("Scan and pay");
    out.at("Alice: scan the merchant's code");
    let summary = qr::parse(&merchant_qr)
        .map(|p| p.summary())
        .map_err(WalletError::from)?;
    out.say(
        format!(
            "Alice scans the counter QR: {} code of {} ({})",
            summary.format,
            summary.payee_name.as_deref().unwrap_or("?"),
            summary.currency.as_deref().unwrap_or("?")
        ),
        json!({ "payload": merchant_qr }),
    );
    out.at("Alice: pay the merchant");
    let t = alice
        .wallet
        .pay(PayRequest {
            payload: merchant_qr.clone(),
            amount: Some(cny(10_000)),
            memo: Some("coffee beans".into()),
            ..PayRequest::default()
        })
        .await?;
    out.say(
        format!("Alice pays: {}", render::transaction(&t)),
        json!({ "transaction": t }),
    );
    out.at("Alice: pay with a coupon and points");
    let coupon = admin
        .issue_coupon(&alice.user_id, cny(500), cny(2_000))
        .await?;
    out.say(
        "The merchant gives Alice a coupon: 5.00 CNY off from 20.00 CNY",
        json!({ "coupon_id": coupon }),
    );
    let q = alice
        .wallet
        .quote(
            Operation::Payment,
            cny(5_000),
            Some(coupon.clone()),
            Some(20),
        )
        .await?;
    out.say(
        format!(
            "Alice: quote with the coupon and 20 points: {}",
            render::quote(&q)
        ),
        json!({ "quote": q }),
    );
    let t = alice
        .wallet
        .pay(PayRequest {
            payload: merchant_qr.clone(),
            amount: Some(cny(5_000)),
            coupon_id: Some(coupon),
            points: Some(20),
            memo: None,
        })
        .await?;
    out.say(
        format!("Alice pays: {}", render::transaction(&t)),
        json!({ "transaction": t }),
    );

    out.section("Transfer by receive code");
    out.at("Bob: receive code");
    let code = bob
        .wallet
        .receive_code(ReceiveCodeRequest {
            currency: Currency::Cny,
            amount: Some(cny(1_234)),
            reference: Some("books".into()),
        })
        .await?;
    out.say(
        "Bob shows a receive code for 12.34 CNY (\"books\"):",
        json!({ "payload": code }),
    );
    out.print(&render::qr_terminal(&render::qr_code(&code)?));
    out.at("Alice: transfer by receive code");
    let t = alice
        .wallet
        .transfer(TransferTarget::ReceiveCode(code), cny(1_234), None)
        .await?;
    out.say(
        format!("Alice scans it and sends: {}", render::transaction(&t)),
        json!({ "transaction": t }),
    );
    out.at("Alice: transfer by phone");
    let t = alice
        .wallet
        .transfer(
            TransferTarget::Phone(bob.phone.clone()),
            cny(2_000),
            Some("lunch".into()),
        )
        .await?;
    out.say(
        format!("Alice sends to Bob's phone: {}", render::transaction(&t)),
        json!({ "transaction": t }),
    );

    out.section("Offline payment code");
    out.at("Alice: offline payment code");
    alice.wallet.provision_payment_codes().await?;
    let paycode = alice.wallet.payment_code().await?;
    let charge = admin
        .charge_payment_code(&merchant_id, &paycode, cny(888))
        .await?;
    out.say(
        format!(
            "Alice shows her offline payment code; the merchant's scanner charges 8.88 CNY (fee to the merchant {} CNY)",
            charge["fee"]["amount"].as_str().unwrap_or("?")
        ),
        json!({ "charge": charge }),
    );

    out.section("Withdrawal");
    out.at("Alice: withdraw");
    let q = alice
        .wallet
        .quote(Operation::Withdrawal, cny(3_000), None, None)
        .await?;
    out.say(
        format!("Alice: quote for a withdrawal: {}", render::quote(&q)),
        json!({ "quote": q }),
    );
    alice.wallet.request_code(Purpose::Withdraw, None).await?;
    let code = admin.newest_code(&alice.phone, Purpose::Withdraw).await?;
    let t = alice.wallet.withdraw(alice_card, cny(3_000), code).await?;
    out.say(
        format!(
            "Alice withdraws (confirmed by code): {}",
            render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );
    out.at("the bank settles the withdrawal");
    admin.complete_withdrawal(&t.id).await?;
    out.say(
        "The bank settles the withdrawal: completed",
        json!({ "transaction_id": t.id }),
    );

    out.section("History");
    for user in [&alice, &bob] {
        out.at(&format!("{}: sync history", user.name));
        let report = sync_history(
            &user.wallet,
            &format!("{}: syncing history", user.name),
            !out.json,
        )
        .await?;
        out.say(
            format!(
                "{}: history synced: {} transactions in {} request(s), {} cached (encrypted)",
                user.name, report.fetched, report.pages, report.cached
            ),
            json!({ "user": user.name, "fetched": report.fetched, "pages": report.pages }),
        );
    }
    out.at("Alice: points");
    let points = alice.wallet.points().await?;
    out.say(
        format!("Alice: {} points", points.balance),
        json!({ "points": points.balance }),
    );
    out.at("Alice: spending summary");
    let lines = alice.wallet.spending_summary().await?;
    out.say(
        "Alice: spending summary",
        json!({ "summary": render::summary_json(&lines) }),
    );
    out.print(&render::summary_table(&lines));

    out.section("Histories");
    let mut histories = serde_json::Map::new();
    for user in [&alice, &bob] {
        out.at(&format!("{}: history", user.name));
        let page = user.wallet.history(100, 0).await?;
        out.print(&format!("{}:", user.name));
        out.print(&render::history_table(&page.items));
        histories.insert(user.name.to_lowercase(), render::history_json(&page.items));
    }

    out.section("Final balances");
    out.at("final balances");
    let alice_balances = alice.wallet.balances().await?;
    let bob_balances = bob.wallet.balances().await?;
    let merchant_balances = admin.merchant_balances(&merchant_id).await?;
    for (who, list) in [
        ("Alice", &alice_balances),
        ("Bob", &bob_balances),
        ("Demo Coffee", &merchant_balances),
    ] {
        out.say(
            format!("{who:<12} {}", render::balances(list)),
            json!({ "who": who, "balances": list }),
        );
    }
    let transcript = json!({
        "server": server.url,
        "embedded": server.embedded.is_some(),
        "users": {
            "alice": { "user_id": alice.user_id, "phone": alice.phone },
            "bob": { "user_id": bob.user_id, "phone": bob.phone },
        },
        "merchant": { "merchant_id": merchant_id, "name": "Demo Coffee" },
        "final_balances": {
            "alice": alice_balances,
            "bob": bob_balances,
            "merchant": merchant_balances,
        },
        "points": { "alice": points.balance },
        "spending_summary": { "alice": render::summary_json(&lines) },
        "histories": histories,
    });
    Ok(Outcome {
        transcript,
        owners: vec![
            ("alice", format!("user:{}", alice.user_id)),
            ("bob", format!("user:{}", bob.user_id)),
            ("merchant", format!("merchant:{merchant_id}")),
        ],
    })
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
        let base = phone_suffix();
        assert_eq!(format!("{base:08}").len(), 8);
        assert_eq!(format!("{:08}", base + 1).len(), 8);
    }
}
