//! The money-moving commands: `topup`, `pay`, `transfer`, `withdraw`. Each
//! checks its arguments, unlocks, quotes, shows the quote with the payee
//! and asks ([`super::confirm`]), and only then sends; the receipt and the
//! new balance follow (with `--json`: one object with `quote`, `payee`,
//! `transaction`, `balances` and `reconciled`).

use imwallet_core::wallet::{PayRequest, TransferTarget, WalletError};
use imwallet_protocol::wire::{Operation, Purpose, Quote, Transaction};
use serde_json::json;

use super::{WalletCommand, confirm, default_card, show_balance, unlocked_for_money};
use crate::exit::CliError;
use crate::output::{emit, say};
use crate::{args, input, render, tr};

use super::Connection;

/// Runs `topup`, `pay`, `transfer` or `withdraw` (any other command is
/// not one of these and does nothing).
pub async fn run(command: WalletCommand, conn: &Connection) -> Result<(), CliError> {
    use WalletCommand as C;
    match command {
        C::Topup {
            amount,
            currency,
            card,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let (wallet, reconciled) = unlocked_for_money(conn).await?;
            let card = default_card(&wallet, card).await?;
            let q = wallet.quote(Operation::TopUp, amount, None, None).await?;
            let payee = confirm::card_label(&card);
            confirm::confirm(&q, &payee, conn.yes).await?;
            let t = wallet.top_up(card.card_id, amount).await?;
            say(tr!("done-label", transaction = render::transaction(&t)));
            finish(&wallet, &q, &payee, &t, reconciled).await
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
            let payee = confirm::scanned_payee(&payload)?;
            let (wallet, reconciled) = unlocked_for_money(conn).await?;
            // The quote of what the core will send: the given amount, else
            // the code's (the core refuses a conflict between the two).
            let quoted = amount
                .or(payee.amount)
                .ok_or_else(|| WalletError::invalid("amount", "required"))?;
            let q = if payee.is_user {
                wallet
                    .quote(Operation::Transfer, quoted, None, None)
                    .await?
            } else {
                wallet
                    .quote(Operation::Payment, quoted, coupon.clone(), points)
                    .await?
            };
            confirm::confirm(&q, &payee.label, conn.yes).await?;
            let t = wallet
                .pay(PayRequest {
                    payload,
                    amount,
                    coupon_id: coupon,
                    points,
                    memo,
                })
                .await?;
            say(tr!("paid-label", transaction = render::transaction(&t)));
            finish(&wallet, &q, &payee.label, &t, reconciled).await
        }
        C::Transfer {
            to,
            amount,
            currency,
            memo,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let target = args::transfer_target(&to);
            let payee = match &target {
                TransferTarget::ReceiveCode(code) => confirm::scanned_payee(code)?.label,
                _ => confirm::mask_target(&to),
            };
            let (wallet, reconciled) = unlocked_for_money(conn).await?;
            let q = wallet
                .quote(Operation::Transfer, amount, None, None)
                .await?;
            confirm::confirm(&q, &payee, conn.yes).await?;
            let t = wallet.transfer(target, amount, memo).await?;
            say(tr!("sent-label", transaction = render::transaction(&t)));
            finish(&wallet, &q, &payee, &t, reconciled).await
        }
        C::Withdraw {
            amount,
            currency,
            card,
            code,
        } => {
            let amount = args::amount(&amount, &currency)?;
            let (wallet, reconciled) = unlocked_for_money(conn).await?;
            let card = default_card(&wallet, card).await?;
            let q = wallet
                .quote(Operation::Withdrawal, amount, None, None)
                .await?;
            let payee = confirm::card_label(&card);
            // Confirmed before a code is sent: a declined withdrawal sends
            // nothing at all.
            confirm::confirm(&q, &payee, conn.yes).await?;
            let code = match code {
                Some(c) => c,
                None => {
                    let sent = wallet.request_code(Purpose::Withdraw, None).await?;
                    input::code(None, &sent.destination).await?
                }
            };
            let t = wallet.withdraw(card.card_id, amount, code).await?;
            say(tr!(
                "withdrawal-label",
                transaction = render::transaction(&t)
            ));
            finish(&wallet, &q, &payee, &t, reconciled).await
        }
        _ => Ok(()),
    }
}

/// The new balance after a movement, and `--json`'s one object.
async fn finish(
    wallet: &imwallet_core::wallet::Wallet,
    q: &Quote,
    payee: &str,
    t: &Transaction,
    reconciled: u32,
) -> Result<(), CliError> {
    let balances = show_balance(wallet).await?;
    emit(json!({
        "quote": q,
        "payee": payee,
        "transaction": t,
        "balances": balances,
        "reconciled": reconciled,
    }));
    Ok(())
}
