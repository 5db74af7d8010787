//! The terminal wallet: one process per command over a persistent profile
//! (`--home`). The session lives in the encrypted vault, so every command
//! after `login` unlocks it with the password first (prompted without echo,
//! or `IMWALLET_PASSWORD`, or the next stdin line). Arguments are checked
//! before the password is asked for.

mod commands;

use std::path::PathBuf;
use std::sync::Arc;

use imwallet_core::wallet::{PayRequest, ReceiveCodeRequest, Wallet, WalletConfig, WalletError};
use imwallet_protocol::money::Money;
use imwallet_protocol::wire::{CardStatus, Operation, Purpose};

pub use commands::{CardsAction, Connection, WalletCommand};

use crate::exit::CliError;
use crate::progress::{interruptible, sync_history};
use crate::{args, input, png, profile, render, tr};

/// Opens the wallet of the profile (locked).
fn open(conn: &Connection) -> Result<Arc<Wallet>, CliError> {
    let home = conn.home.clone().unwrap_or_else(profile::default_home);
    let (url, key) = profile::resolve(&home, conn.server.clone(), conn.api_key.clone())?;
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
    let wallet = open(conn)?;
    if !wallet.has_account() {
        return Err(CliError::Wallet(WalletError::NotLoggedIn));
    }
    let password = input::password().await?;
    wallet.unlock(password).await?;
    if !wallet.is_logged_in() {
        return Err(CliError::Wallet(WalletError::NotLoggedIn));
    }
    Ok(wallet)
}

/// Unlocks, then finishes any money operation a previous run left open.
async fn unlocked_for_money(conn: &Connection) -> Result<Arc<Wallet>, CliError> {
    let wallet = unlocked(conn).await?;
    let report = wallet.reconcile_pending().await?;
    if report.completed > 0 {
        println!("{}", tr!("reconciled", count = report.completed));
    }
    Ok(wallet)
}

async fn default_card(wallet: &Wallet, given: Option<String>) -> Result<String, CliError> {
    if let Some(c) = given {
        return Ok(c);
    }
    wallet
        .cards()
        .await?
        .into_iter()
        .find(|c| c.status == CardStatus::Active)
        .map(|c| c.card_id)
        .ok_or_else(|| CliError::input("card", tr!("error-no-card")))
}

async fn print_balance(wallet: &Wallet) -> Result<(), CliError> {
    let balances = render::balances(&wallet.balances().await?);
    println!("{}", tr!("balance-line", balances = balances));
    Ok(())
}

fn show_qr(payload: &str, png_path: Option<&PathBuf>) -> Result<(), CliError> {
    let code = render::qr_code(payload)?;
    println!("{}", render::qr_terminal(&code));
    println!("{payload}");
    if let Some(path) = png_path {
        std::fs::write(path, png::qr_png(&code)?)?;
        println!("{}", tr!("qr-written", path = path.display().to_string()));
    }
    Ok(())
}

/// Runs one terminal-wallet command; Ctrl-C interrupts it cleanly. The
/// history commands handle Ctrl-C themselves (the sync is cancelled through
/// its token and stops at a page boundary); any other command is dropped
/// where it is, and a money operation cut off that way stays in the
/// vault's outbox and is reconciled by the next money command.
pub async fn run(command: WalletCommand, conn: Connection) -> Result<(), CliError> {
    match command {
        WalletCommand::History { .. } | WalletCommand::Summary { .. } => {
            dispatch(command, conn).await
        }
        other => interruptible(dispatch(other, conn)).await,
    }
}

async fn dispatch(command: WalletCommand, conn: Connection) -> Result<(), CliError> {
    use WalletCommand as C;
    match command {
        C::Register {
            identifier,
            name,
            code,
        } => {
            let wallet = open(&conn)?;
            let password = input::new_password().await?;
            let sent = wallet
                .request_code(Purpose::Register, Some(identifier.clone()))
                .await?;
            let code = input::code(code, &sent.destination).await?;
            let profile = wallet
                .register(identifier.clone(), password, code, name)
                .await?;
            let name = profile.display_name.as_deref().unwrap_or(&identifier);
            println!(
                "{}",
                tr!(
                    "registered",
                    name = name,
                    user = profile.user_id.as_str(),
                    identifier = identifier.as_str()
                )
            );
        }
        C::Login { identifier, code } => {
            let wallet = open(&conn)?;
            let password = input::password().await?;
            let sent = wallet.login(identifier, password).await?;
            let code = input::code(code, &sent.destination).await?;
            let profile = wallet.verify_login(code).await?;
            let name = profile.display_name.as_deref().unwrap_or("-");
            let user = profile.user_id.as_str();
            println!("{}", tr!("logged-in", name = name, user = user));
        }
        C::Unlock => {
            let wallet = unlocked(&conn).await?;
            let profile = wallet.profile().await?;
            let name = profile.display_name.as_deref().unwrap_or("-");
            let status = render::status_name(&render::wire_name(&profile.status));
            let user = profile.user_id.as_str();
            println!(
                "{}",
                tr!("unlocked", name = name, user = user, status = status)
            );
            print_balance(&wallet).await?;
        }
        C::Logout => {
            let wallet = unlocked(&conn).await?;
            wallet.logout().await?;
            println!("{}", tr!("logged-out"));
        }
        C::Balance => {
            let wallet = unlocked(&conn).await?;
            print_balance(&wallet).await?;
            println!(
                "{}",
                tr!("points-line", points = wallet.points().await?.balance)
            );
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
            println!("{}", tr!("quote-label", quote = render::quote(&q)));
        }
        C::Topup {
            amount,
            currency,
            card,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let wallet = unlocked_for_money(&conn).await?;
            let card = default_card(&wallet, card).await?;
            let q = wallet.quote(Operation::TopUp, amount, None, None).await?;
            println!("{}", tr!("quote-label", quote = render::quote(&q)));
            let t = wallet.top_up(card, amount).await?;
            println!(
                "{}",
                tr!("done-label", transaction = render::transaction(&t))
            );
            print_balance(&wallet).await?;
        }
        C::Pay {
            payload,
            amount,
            currency,
            coupon,
            points,
            memo,
        } => {
            let payload = input::payload(&payload).await?;
            args::payload(&payload)?;
            let amount = args::optional_amount(amount.as_deref(), &currency)?;
            let wallet = unlocked_for_money(&conn).await?;
            let t = wallet
                .pay(PayRequest {
                    payload,
                    amount,
                    coupon_id: coupon,
                    points,
                    memo,
                })
                .await?;
            println!(
                "{}",
                tr!("paid-label", transaction = render::transaction(&t))
            );
            print_balance(&wallet).await?;
        }
        C::Transfer {
            to,
            amount,
            currency,
            memo,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let target = args::transfer_target(&to);
            let wallet = unlocked_for_money(&conn).await?;
            let t = wallet.transfer(target, amount, memo).await?;
            println!(
                "{}",
                tr!("sent-label", transaction = render::transaction(&t))
            );
            print_balance(&wallet).await?;
        }
        C::Withdraw {
            amount,
            currency,
            card,
            code,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let wallet = unlocked_for_money(&conn).await?;
            let card = default_card(&wallet, card).await?;
            let q = wallet
                .quote(Operation::Withdrawal, amount, None, None)
                .await?;
            println!("{}", tr!("quote-label", quote = render::quote(&q)));
            let code = match code {
                Some(c) => c,
                None => {
                    let sent = wallet.request_code(Purpose::Withdraw, None).await?;
                    input::code(None, &sent.destination).await?
                }
            };
            let t = wallet.withdraw(card, amount, code).await?;
            println!(
                "{}",
                tr!("withdrawal-label", transaction = render::transaction(&t))
            );
            print_balance(&wallet).await?;
        }
        C::History {
            json,
            limit,
            offline,
        } => {
            let wallet = unlocked(&conn).await?;
            if !offline {
                sync_history(&wallet, &tr!("syncing-history"), !json).await?;
            }
            let page = wallet.history(limit, 0).await?;
            if json {
                println!("{}", render::history_json(&page.items));
            } else if page.items.is_empty() {
                println!("{}", tr!("no-transactions"));
            } else {
                println!("{}", render::history_table(&page.items));
            }
        }
        C::Summary { json } => {
            let wallet = unlocked(&conn).await?;
            sync_history(&wallet, &tr!("syncing-history"), !json).await?;
            let lines = wallet.spending_summary().await?;
            if json {
                println!("{}", render::summary_json(&lines));
            } else {
                println!("{}", render::summary_table(&lines));
            }
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
        }
        C::Paycode { png } => {
            let wallet = unlocked(&conn).await?;
            if !wallet.has_payment_codes().await? {
                wallet.provision_payment_codes().await?;
            }
            let code = wallet.payment_code().await?;
            show_qr(&code, png.as_ref())?;
            println!("{}", tr!("paycode-hint"));
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
            let card = wallet.bind_card(number, month, year, holder).await?;
            let code = input::code(code, &tr!("your-phone")).await?;
            let card = wallet.verify_card(card.card_id, code).await?;
            println!("{}", tr!("card-bound", card = render::card(&card)));
        }
        CardsAction::List => {
            let wallet = unlocked(conn).await?;
            let cards = wallet.cards().await?;
            if cards.is_empty() {
                println!("{}", tr!("no-cards"));
            }
            for c in &cards {
                println!("{}", render::card(c));
            }
        }
        CardsAction::Remove { card_id } => {
            let wallet = unlocked(conn).await?;
            wallet.remove_card(card_id.clone()).await?;
            println!("{}", tr!("card-removed", id = card_id.as_str()));
        }
    }
    Ok(())
}
