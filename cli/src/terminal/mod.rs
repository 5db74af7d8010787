//! The terminal wallet: one process per command over a persistent profile
//! (`--home`). The session lives in the encrypted vault, so every command
//! after `login` unlocks it with the password first (prompted without echo,
//! or `IMWALLET_PASSWORD`, or the next stdin line). Arguments are checked
//! before the password is asked for.

mod commands;
mod confirm;
mod money;

use std::path::PathBuf;
use std::sync::Arc;

use imwallet_core::wallet::{CodeFailure, ReceiveCodeRequest, Wallet, WalletConfig, WalletError};
use imwallet_protocol::money::Money;
use imwallet_protocol::wire::{Card, CardStatus, Purpose};
use serde_json::json;

pub use commands::{CardsAction, Connection, OpsAction, PasswordAction, WalletCommand};

use crate::exit::CliError;
use crate::output::{emit, say};
use crate::progress::{interruptible, sync_history};
use crate::{args, input, output, png, profile, render, tr};

/// Opens the wallet of the profile (locked), after making sure the server
/// does not refuse the app's API key: that is said before a password is
/// asked for, not after.
async fn open(conn: &Connection) -> Result<Arc<Wallet>, CliError> {
    let home = conn.home.clone().unwrap_or_else(profile::default_home);
    let (url, key) = profile::resolve(&home, conn.server.clone(), conn.api_key.clone())?;
    if crate::admin::SandboxAdmin::new(&url, Some(key.clone()))?
        .api_key_refused()
        .await
    {
        return Err(CliError::Config(tr!(
            "error-api-key-refused",
            url = url.as_str()
        )));
    }
    profile::prepare(&home)?;
    let config = WalletConfig::new(profile::wallet_dir(&home), &url, &key)?;
    let wallet = Wallet::open(config)?;
    // The vault's files exist once a login created them (Wallet::open
    // creates the cache file); tighten them on every command.
    profile::private_files(&profile::wallet_dir(&home))?;
    Ok(wallet)
}

/// Opens and unlocks the wallet with the password; fails without a session.
async fn unlocked(conn: &Connection) -> Result<Arc<Wallet>, CliError> {
    Ok(unlocked_keeping_password(conn).await?.0)
}

/// [`unlocked`], also returning the password (for a call that sends it
/// again, e.g. `unfreeze`).
async fn unlocked_keeping_password(conn: &Connection) -> Result<(Arc<Wallet>, String), CliError> {
    let wallet = open(conn).await?;
    if !wallet.has_account() {
        return Err(CliError::Wallet(WalletError::NotLoggedIn));
    }
    let password = input::password().await?;
    wallet.unlock(password.clone()).await?;
    if !wallet.is_logged_in() {
        return Err(CliError::Wallet(WalletError::NotLoggedIn));
    }
    Ok((wallet, password))
}

/// Unlocks, then finishes any money operation a previous run left open;
/// returns how many it finished (`reconciled` of `--json`).
async fn unlocked_for_money(conn: &Connection) -> Result<(Arc<Wallet>, u32), CliError> {
    let wallet = unlocked(conn).await?;
    let report = wallet.reconcile_pending().await?;
    if report.completed > 0 {
        say(tr!("reconciled", count = report.completed));
    }
    Ok((wallet, report.completed))
}

/// The card `given` (by id), else the first verified one; its brand and
/// last four digits name it when the movement is confirmed.
pub(crate) async fn default_card(wallet: &Wallet, given: Option<String>) -> Result<Card, CliError> {
    let cards = wallet.cards().await?;
    match given {
        Some(id) => cards
            .into_iter()
            .find(|c| c.card_id == id)
            .ok_or_else(|| CliError::input("card", tr!("error-unknown-card", id = id.as_str()))),
        None => cards
            .into_iter()
            .find(|c| c.status == CardStatus::Active)
            .ok_or_else(|| CliError::input("card", tr!("error-no-card"))),
    }
}

/// The balances, shown on one line (human output) and returned.
async fn show_balance(wallet: &Wallet) -> Result<Vec<Money>, CliError> {
    let balances = wallet.balances().await?;
    say(tr!("balance-line", balances = render::balances(&balances)));
    Ok(balances)
}

/// Draws a QR with its payload (and writes the PNG); with `--json`, only
/// the PNG is written.
fn show_qr(payload: &str, png_path: Option<&PathBuf>) -> Result<(), CliError> {
    let code = render::qr_code(payload)?;
    say(render::qr_terminal(&code));
    say(payload);
    if let Some(path) = png_path {
        std::fs::write(path, png::qr_png(&code)?)?;
        say(tr!("qr-written", path = path.display().to_string()));
    }
    Ok(())
}

/// Tries the code (`--code`, else prompted / the next stdin line) with
/// `attempt`; a prompted code the server calls wrong, while it says tries
/// remain, is asked for again in the same process instead of losing the
/// code that was sent. A `--code` is tried once (a script gets the refusal).
async fn with_code<T, F, Fut>(
    given: Option<String>,
    sent_to: &str,
    mut attempt: F,
) -> Result<T, CliError>
where
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, WalletError>>,
{
    let prompted = given.is_none();
    let mut code = input::code(given, sent_to).await?;
    loop {
        match attempt(code).await {
            Err(WalletError::VerificationFailed {
                reason: CodeFailure::Invalid,
                attempts_left: Some(left),
            }) if prompted && left > 0 => {
                eprintln!("{}", tr!("code-wrong-again", attempts = left));
                code = input::code(None, sent_to).await?;
            }
            other => return other.map_err(CliError::from),
        }
    }
}

/// Sends a new `bind_card` code; too soon after the last one, that one
/// still stands and is the one asked for.
async fn fresh_card_code(wallet: &Wallet) -> Result<(), CliError> {
    match wallet.request_code(Purpose::BindCard, None).await {
        Ok(_) | Err(WalletError::RateLimited { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// `paycode --watch`: a fresh code well before the old one expires, until
/// Ctrl-C (which ends the run as every interrupted command does) or until
/// nobody reads stdout any more (e.g. `| head`), which ends it quietly.
async fn watch_paycode(
    wallet: &Wallet,
    png_path: Option<&PathBuf>,
    every: u64,
) -> Result<(), CliError> {
    use std::io::{IsTerminal, Write};
    let clear = if std::io::stdout().is_terminal() {
        "\x1b[2J\x1b[H"
    } else {
        ""
    };
    loop {
        let payload = wallet.payment_code().await?;
        let code = render::qr_code(&payload)?;
        if let Some(path) = png_path {
            std::fs::write(path, png::qr_png(&code)?)?;
        }
        let frame = format!(
            "{clear}{}\n{payload}\n{}\n",
            render::qr_terminal(&code),
            tr!("paycode-watch-hint", seconds = every)
        );
        let mut out = std::io::stdout().lock();
        if out
            .write_all(frame.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return Ok(());
        }
        drop(out);
        tokio::time::sleep(std::time::Duration::from_secs(every)).await;
    }
}

/// Runs one terminal-wallet command; Ctrl-C interrupts it cleanly. The
/// history commands handle Ctrl-C themselves (the sync is cancelled through
/// its token and stops at a page boundary); any other command is dropped
/// where it is, and a money operation cut off that way stays in the
/// vault's outbox and is reconciled by the next money command.
pub async fn run(command: WalletCommand, conn: Connection) -> Result<(), CliError> {
    let server = server_url(&conn);
    let outcome = match command {
        WalletCommand::History { .. } | WalletCommand::Summary => dispatch(command, conn).await,
        other => interruptible(dispatch(other, conn)).await,
    };
    // An unreachable server is named, so a typo in --server shows.
    match (outcome, server) {
        (Err(CliError::Wallet(WalletError::Network)), Some(url)) => Err(CliError::NetworkAt(url)),
        (other, _) => other,
    }
}

/// The server this command talks to: the flag, else the profile's.
fn server_url(conn: &Connection) -> Option<String> {
    conn.server.clone().or_else(|| {
        let home = conn.home.clone().unwrap_or_else(profile::default_home);
        profile::load(&home).ok().and_then(|s| s.server)
    })
}

async fn dispatch(command: WalletCommand, conn: Connection) -> Result<(), CliError> {
    use WalletCommand as C;
    match command {
        C::Register {
            identifier,
            name,
            code,
        } => {
            let wallet = open(&conn).await?;
            let password = input::new_password().await?;
            // A `--code` is one already sent (by an earlier attempt): no
            // new code, which would void it.
            let sent_to = match code {
                Some(_) => identifier.clone(),
                None => {
                    wallet
                        .request_code(Purpose::Register, Some(identifier.clone()))
                        .await?
                        .destination
                }
            };
            let w = &wallet;
            let profile = with_code(code, &sent_to, |code| {
                w.register(identifier.clone(), password.clone(), code, name.clone())
            })
            .await?;
            let name = profile.display_name.as_deref().unwrap_or(&identifier);
            say(tr!(
                "registered",
                name = name,
                user = profile.user_id.as_str(),
                identifier = identifier.as_str()
            ));
            emit(json!({ "profile": profile }));
        }
        C::Login { identifier, code } => {
            let wallet = open(&conn).await?;
            let password = input::password().await?;
            let sent = wallet.login(identifier, password).await?;
            let w = &wallet;
            let profile = with_code(code, &sent.destination, |code| w.verify_login(code)).await?;
            let name = profile.display_name.as_deref().unwrap_or("-");
            let user = profile.user_id.as_str();
            say(tr!("logged-in", name = name, user = user));
            emit(json!({ "profile": profile }));
        }
        C::Unlock => {
            let wallet = unlocked(&conn).await?;
            let profile = wallet.profile().await?;
            let name = profile.display_name.as_deref().unwrap_or("-");
            let status = render::status_name(&render::wire_name(&profile.status));
            let user = profile.user_id.as_str();
            say(tr!("unlocked", name = name, user = user, status = status));
            let balances = show_balance(&wallet).await?;
            emit(json!({ "profile": profile, "balances": balances }));
        }
        C::Logout => {
            let wallet = unlocked(&conn).await?;
            wallet.logout().await?;
            say(tr!("logged-out"));
            emit(json!({ "logged_out": true }));
        }
        C::Balance => {
            let wallet = unlocked(&conn).await?;
            let balances = show_balance(&wallet).await?;
            let points = wallet.points().await?.balance;
            say(tr!("points-line", points = points));
            emit(json!({ "balances": balances, "points": points }));
        }
        C::Cards { action } => cards(action, &conn).await?,
        C::Quote {
            operation,
            amount,
            currency,
            coupon,
            points,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let wallet = unlocked(&conn).await?;
            let q = wallet
                .quote(operation.wire(), amount, coupon, points)
                .await?;
            say(tr!("quote-label", quote = render::quote(&q)));
            emit(json!({ "quote": q }));
        }
        C::Topup { .. } | C::Pay { .. } | C::Transfer { .. } | C::Withdraw { .. } => {
            money::run(command, &conn).await?;
        }
        C::History { limit, offline } => {
            let wallet = unlocked(&conn).await?;
            if !offline {
                sync_history(&wallet, &tr!("syncing-history"), !output::json()).await?;
            }
            let page = wallet.history(limit, 0).await?;
            if page.items.is_empty() {
                say(tr!("no-transactions"));
            } else {
                say(render::history_table(&page.items));
            }
            emit(json!({ "transactions": render::history_json(&page.items) }));
        }
        C::Summary => {
            let wallet = unlocked(&conn).await?;
            sync_history(&wallet, &tr!("syncing-history"), !output::json()).await?;
            let lines = wallet.spending_summary().await?;
            say(render::summary_table(&lines));
            emit(json!({ "summary": render::summary_json(&lines) }));
        }
        C::Receive {
            amount,
            currency,
            reference,
            png,
        } => {
            let currency_code = args::currency(&currency)?;
            let amount: Option<Money> = args::optional_amount(amount.as_deref(), &currency)?;
            let wallet = unlocked(&conn).await?;
            let payload = wallet
                .receive_code(ReceiveCodeRequest {
                    currency: currency_code,
                    amount,
                    reference,
                })
                .await?;
            show_qr(&payload, png.as_ref())?;
            emit(json!({ "payload": payload, "png": png }));
        }
        C::Ops { action } => ops(action, &conn).await?,
        C::Password {
            action: PasswordAction::Change,
        } => {
            let (wallet, current) = unlocked_keeping_password(&conn).await?;
            let new = input::replacement_password().await?;
            wallet.change_password(current, new).await?;
            say(tr!("password-changed"));
            emit(json!({ "password_changed": true }));
        }
        C::Password {
            action: PasswordAction::Reset { identifier, code },
        } => {
            let wallet = open(&conn).await?;
            let new = input::replacement_password().await?;
            let sent = wallet
                .request_code(Purpose::ResetPassword, Some(identifier.clone()))
                .await?;
            let w = &wallet;
            with_code(code, &sent.destination, |code| {
                w.reset_password(identifier.clone(), code, new.clone())
            })
            .await?;
            say(tr!("password-reset", identifier = identifier.as_str()));
            emit(json!({ "password_reset": true }));
        }
        C::Freeze => {
            let wallet = unlocked(&conn).await?;
            let profile = wallet.freeze().await?;
            say(tr!("account-frozen"));
            emit(json!({ "profile": profile }));
        }
        C::Unfreeze => {
            let (wallet, password) = unlocked_keeping_password(&conn).await?;
            let profile = wallet.unfreeze(password).await?;
            say(tr!("account-unfrozen"));
            emit(json!({ "profile": profile }));
        }
        C::Security => {
            let wallet = unlocked(&conn).await?;
            let events = wallet.security_events().await?;
            for e in &events {
                say(tr!(
                    "security-line",
                    when = render::timestamp(e.at),
                    kind = e.kind.as_str()
                ));
            }
            emit(json!({ "events": events }));
        }
        C::Coupons => {
            let wallet = unlocked(&conn).await?;
            let coupons = wallet.coupons().await?;
            if coupons.is_empty() {
                say(tr!("no-coupons"));
            }
            for c in &coupons {
                say(render::coupon(c));
            }
            emit(json!({ "coupons": coupons }));
        }
        C::Points => {
            let wallet = unlocked(&conn).await?;
            let points = wallet.points().await?;
            say(tr!("points-line", points = points.balance));
            for e in &points.events {
                say(tr!(
                    "points-event",
                    when = render::timestamp(e.at),
                    delta = format!("{:+}", e.delta),
                    transaction = e.transaction_id.as_str()
                ));
            }
            emit(json!({ "points": points.balance, "events": points.events }));
        }
        C::Paycode { png, watch, every } => {
            if watch && output::json() {
                return Err(CliError::input("watch", tr!("error-watch-json")));
            }
            let wallet = unlocked(&conn).await?;
            if !wallet.has_payment_codes().await? {
                wallet.provision_payment_codes().await?;
            }
            if watch {
                return watch_paycode(&wallet, png.as_ref(), every).await;
            }
            let code = wallet.payment_code().await?;
            show_qr(&code, png.as_ref())?;
            say(tr!("paycode-hint"));
            emit(json!({ "payload": code, "png": png }));
        }
    }
    Ok(())
}

async fn ops(action: OpsAction, conn: &Connection) -> Result<(), CliError> {
    let wallet = unlocked(conn).await?;
    match action {
        OpsAction::List => {
            let open = wallet.pending_operations().await?;
            if open.is_empty() {
                say(tr!("ops-none"));
            }
            for op in &open {
                say(tr!(
                    "ops-line",
                    id = op.operation_id.as_str(),
                    kind = render::kind_name(&op.kind),
                    state = render::status_name(&op.state),
                    attempts = op.attempts
                ));
            }
            let list: Vec<_> = open
                .iter()
                .map(|op| {
                    json!({
                        "operation_id": op.operation_id,
                        "kind": op.kind,
                        "state": op.state,
                        "transaction_id": op.transaction_id,
                        "attempts": op.attempts,
                    })
                })
                .collect();
            emit(json!({ "operations": list }));
        }
        OpsAction::Reconcile => {
            let r = wallet.reconcile_pending().await?;
            say(tr!(
                "ops-reconciled",
                completed = r.completed,
                failed = r.failed,
                open = r.unresolved
            ));
            emit(json!({
                "completed": r.completed,
                "failed": r.failed,
                "unresolved": r.unresolved,
            }));
        }
    }
    Ok(())
}

async fn cards(action: CardsAction, conn: &Connection) -> Result<(), CliError> {
    match action {
        CardsAction::Add {
            number,
            expiry,
            holder,
            code,
        } => {
            let (month, year) = args::expiry(&expiry)?;
            let wallet = unlocked(conn).await?;
            let last4: String = number.chars().filter(char::is_ascii_digit).collect();
            let last4 = last4
                .get(last4.len().saturating_sub(4)..)
                .unwrap_or("")
                .to_owned();
            let card = match wallet.bind_card(number, month, year, holder).await {
                // The same card is already waiting for its code (an earlier
                // `cards add` lost it): resume it with a new code.
                Err(WalletError::Conflict { code: conflict })
                    if conflict == "card_already_bound" =>
                {
                    let pending =
                        wallet.cards().await?.into_iter().find(|c| {
                            c.last4 == last4 && c.status == CardStatus::PendingVerification
                        });
                    let Some(card) = pending else {
                        return Err(WalletError::Conflict { code: conflict }.into());
                    };
                    say(tr!("card-resumed", card = render::card(&card)));
                    if code.is_none() {
                        fresh_card_code(&wallet).await?;
                    }
                    card
                }
                other => other?,
            };
            let w = &wallet;
            let card = with_code(code, &tr!("your-phone"), |code| {
                w.verify_card(card.card_id.clone(), code)
            })
            .await?;
            say(tr!("card-bound", card = render::card(&card)));
            emit(json!({ "card": card }));
        }
        CardsAction::Verify { card_id, code } => {
            let wallet = unlocked(conn).await?;
            if code.is_none() {
                fresh_card_code(&wallet).await?;
            }
            let w = &wallet;
            let card = with_code(code, &tr!("your-phone"), |code| {
                w.verify_card(card_id.clone(), code)
            })
            .await?;
            say(tr!("card-bound", card = render::card(&card)));
            emit(json!({ "card": card }));
        }
        CardsAction::List => {
            let wallet = unlocked(conn).await?;
            let cards = wallet.cards().await?;
            if cards.is_empty() {
                say(tr!("no-cards"));
            }
            for c in &cards {
                say(render::card(c));
            }
            emit(json!({ "cards": cards }));
        }
        CardsAction::Remove { card_id } => {
            let wallet = unlocked(conn).await?;
            wallet.remove_card(card_id.clone()).await?;
            say(tr!("card-removed", id = card_id.as_str()));
            emit(json!({ "removed": card_id }));
        }
    }
    Ok(())
}
