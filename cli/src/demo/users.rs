//! A demo user: a wallet in a temporary directory, signed up, logged in
//! and with a verified card, narrated step by step.

use std::sync::Arc;

use imwallet_core::wallet::{Wallet, WalletConfig};
use imwallet_protocol::wire::Purpose;
use serde_json::json;

use super::{Out, PASSWORD, Server};
use crate::admin::SandboxAdmin;
use crate::exit::CliError;
use crate::{render, tr};

/// One demo user with a wallet in a temporary directory.
pub(super) struct User {
    pub(super) name: &'static str,
    pub(super) phone: String,
    pub(super) wallet: Arc<Wallet>,
    pub(super) user_id: String,
    _dir: tempfile::TempDir,
}

/// A fresh 8-digit suffix, so repeated demos against one server never
/// collide on a phone number.
pub(super) fn phone_suffix() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64 ^ d.as_secs())
        .unwrap_or(0);
    (nanos ^ (u64::from(std::process::id()) << 12)) % 90_000_000 + 5_000_000
}

/// Registers and logs in a demo user (codes read from the sandbox outbox).
pub(super) async fn open_user(
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
        tr!(
            "demo-register-code",
            name = name,
            destination = sent.destination.as_str()
        ),
        json!({ "user": name, "phone": phone }),
    );
    let profile = out
        .kdf(wallet.register(phone.clone(), PASSWORD.into(), code, Some(name.into())))
        .await?;
    out.say(
        tr!(
            "demo-registered",
            name = name,
            user = profile.user_id.as_str()
        ),
        json!({ "user": name, "user_id": profile.user_id }),
    );
    out.at(&format!("{name}: login"));
    let sent = out
        .kdf(wallet.login(phone.clone(), PASSWORD.into()))
        .await?;
    let code = admin.newest_code(&phone, Purpose::Login).await?;
    out.kdf(wallet.verify_login(code)).await?;
    out.say(
        tr!(
            "demo-logged-in",
            name = name,
            destination = sent.destination.as_str()
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

/// Binds and verifies a card; returns its id.
pub(super) async fn bind_card(
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
        tr!(
            "demo-card-bound",
            name = user.name,
            card = render::card(&card)
        ),
        json!({ "user": user.name, "card_id": card.card_id, "last4": card.last4 }),
    );
    Ok(card.card_id)
}

/// Narrates the user's balances.
pub(super) async fn balance_line(out: &mut Out, user: &User) -> Result<(), CliError> {
    let balances = user.wallet.balances().await?;
    out.say(
        tr!(
            "demo-balance",
            name = user.name,
            balances = render::balances(&balances)
        ),
        json!({ "user": user.name, "balances": balances }),
    );
    Ok(())
}
