//! Money never moves silently: before a top-up, payment, transfer or
//! withdrawal the command shows the quote with the payee (card brand and
//! last four digits, merchant name and city, a masked phone or e-mail) and
//! asks for confirmation; `--yes` answers it for scripts.
//!
//! An answer other than yes, or no answer at all (stdin ended and no
//! terminal to ask on), is [`CliError::NotConfirmed`]: nothing is sent,
//! exit code 10. Formatting and asking only; the amounts are the server's
//! quote.

use imwallet_core::wallet::WalletError;
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::qr::{self, PaymentPayload, Receiver};
use imwallet_protocol::wire::{Card, FeePayer, Operation, Quote};

use crate::exit::CliError;
use crate::{input, output, render, tr};

/// What a scanned code pays, as far as the device can tell before sending.
pub struct ScannedPayee {
    /// A user's receive code (the payment is a transfer).
    pub is_user: bool,
    /// Merchant or user name, and the merchant's city, as the code says.
    pub label: String,
    /// The amount the code carries.
    pub amount: Option<Money>,
}

/// Reads who a payload pays, as the code names them (a payload that does
/// not parse is the invalid-payload error, exit 2). Which formats can be
/// paid is the core's rule: a format it cannot pay is refused by
/// `Wallet::pay` after the question, with nothing moved.
pub fn scanned_payee(payload: &str) -> Result<ScannedPayee, CliError> {
    let parsed = qr::parse(payload).map_err(WalletError::from)?;
    let (is_user, mpm) = match &parsed {
        PaymentPayload::ImwalletReceive(rc) => (matches!(rc.receiver, Receiver::User(_)), &rc.mpm),
        PaymentPayload::EmvMpm(mpm) => (false, mpm),
        _ => {
            let summary = parsed.summary();
            return Ok(ScannedPayee {
                is_user: false,
                label: summary.payee_name.unwrap_or_else(|| "?".into()),
                amount: None,
            });
        }
    };
    let currency = mpm
        .currency_numeric
        .parse()
        .ok()
        .and_then(Currency::from_numeric);
    let amount = match (mpm.amount, currency) {
        (Some(a), Some(c)) => Some(Money::parse(a, c).map_err(WalletError::from)?),
        _ => None,
    };
    let name = mpm.merchant_name.unwrap_or("?");
    let label = match mpm.merchant_city {
        Some(city) if !is_user => tr!("payee-merchant", name = name, city = city),
        _ => name.to_owned(),
    };
    Ok(ScannedPayee {
        is_user,
        label,
        amount,
    })
}

/// A card as a payee: `VISA •••• 4242`.
pub fn card_label(card: &Card) -> String {
    tr!(
        "payee-card",
        brand = card.brand.as_str(),
        last4 = card.last4.as_str()
    )
}

/// A transfer target as shown for confirmation: a phone or e-mail masked
/// (`+86137****1234`, `b***@example.com`), a user id or receive code as
/// given.
pub fn mask_target(target: &str) -> String {
    let t = target.trim();
    if let Some(digits) = t.strip_prefix('+') {
        let n = digits.chars().count();
        if n <= 7 {
            return t.to_owned();
        }
        let head: String = digits.chars().take(n - 8).collect();
        let tail: String = digits.chars().skip(n - 4).collect();
        return format!("+{head}****{tail}");
    }
    if let Some((local, domain)) = t.split_once('@') {
        let first: String = local.chars().take(1).collect();
        return format!("{first}***@{domain}");
    }
    t.to_owned()
}

/// The quote as a few lines under a heading naming the payee. For a
/// payment the merchant's fee is not the payer's and is not shown as
/// theirs.
pub fn describe(q: &Quote, payee: &str) -> String {
    let heading = match q.operation {
        Operation::TopUp => tr!("confirm-topup", payee = payee),
        Operation::Payment => tr!("confirm-payment", payee = payee),
        Operation::Transfer => tr!("confirm-transfer", payee = payee),
        Operation::Withdrawal => tr!("confirm-withdrawal", payee = payee),
    };
    let mut lines = vec![
        heading,
        tr!("confirm-amount", amount = render::money(&q.amount)),
    ];
    if q.discount.minor != 0 {
        lines.push(tr!("confirm-discount", amount = render::money(&q.discount)));
    }
    if q.points_redeemed != 0 {
        lines.push(tr!("confirm-points", points = q.points_redeemed));
    }
    match q.fee_payer {
        FeePayer::User => lines.push(tr!("confirm-fee", fee = render::money(&q.fee))),
        FeePayer::Merchant => lines.push(tr!("confirm-fee-none")),
    }
    lines.push(tr!("confirm-total", total = render::money(&q.debit)));
    if q.credit != q.debit && q.fee_payer == FeePayer::User {
        lines.push(tr!("confirm-arrives", credit = render::money(&q.credit)));
    }
    if q.points_earned != 0 {
        lines.push(tr!("confirm-points-earned", points = q.points_earned));
    }
    lines.join("\n")
}

/// Shows the quote and asks; `yes` (the `--yes` flag) skips the question.
/// Anything but a yes is [`CliError::NotConfirmed`]. With `--json` the
/// quote goes to stderr (stdout keeps its one object), and not at all
/// when nobody is asked.
pub async fn confirm(q: &Quote, payee: &str, yes: bool) -> Result<(), CliError> {
    if yes && output::json() {
        return Ok(());
    }
    output::tell(describe(q, payee));
    if yes {
        return Ok(());
    }
    if input::confirmation(tr!("confirm-prompt")).await? {
        Ok(())
    } else {
        Err(CliError::NotConfirmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_and_emails_are_masked() {
        assert_eq!(mask_target("+8613700001234"), "+86137****1234");
        assert_eq!(mask_target("bob@example.com"), "b***@example.com");
        assert_eq!(mask_target("u_123"), "u_123");
        assert_eq!(mask_target("+1234"), "+1234");
    }
}
