//! The journey of `imwallet demo`, section by section: setup, sign-up and
//! login, cards, top-up, scan and pay, transfer, offline payment code,
//! withdrawal, history, final balances. Step names (`out.at`) are
//! language-neutral identifiers (they appear in `--json`); what is said is
//! in the run's language.

use imwallet_core::wallet::{PayRequest, ReceiveCodeRequest, TransferTarget, WalletError};
use imwallet_protocol::money::Currency;
use imwallet_protocol::qr;
use imwallet_protocol::wire::{Operation, Purpose};
use serde_json::json;

use super::users::{balance_line, bind_card, open_user, phone_suffix};
use super::{Out, Outcome, PASSWORD, Server, cny};
use crate::admin::SandboxAdmin;
use crate::exit::CliError;
use crate::progress::sync_history;
use crate::{render, tr};

/// Runs the whole journey; the transcript and the ledger owners to check.
pub(super) async fn journey(out: &mut Out, server: &Server) -> Result<Outcome, CliError> {
    out.section(&tr!("demo-section-setup"));
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
            Some(_) => tr!("demo-sandbox-embedded", url = server.url.as_str()),
            None => tr!("demo-sandbox-external", url = server.url.as_str()),
        },
        json!({ "server": server.url, "embedded": server.embedded.is_some() }),
    );
    let merchant_id = admin
        .create_merchant("Demo Coffee", "Shanghai", "CNY")
        .await?;
    let merchant_qr = admin.merchant_qr(&merchant_id).await?;
    out.say(
        tr!("demo-merchant-created", id = merchant_id.as_str()),
        json!({ "merchant_id": merchant_id }),
    );

    out.section(&tr!("demo-section-signup"));
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
        tr!("demo-unlocked", name = "Alice"),
        json!({ "user": "Alice" }),
    );

    out.section(&tr!("demo-section-cards"));
    let alice_card = bind_card(out, &admin, &alice, "4242424242424242").await?;
    let bob_card = bind_card(out, &admin, &bob, "5555555555554444").await?;

    out.section(&tr!("demo-section-topup"));
    out.at("Alice: top-up");
    let q = alice
        .wallet
        .quote(Operation::TopUp, cny(100_000), None, None)
        .await?;
    out.say(
        tr!(
            "demo-quote-topup",
            name = "Alice",
            quote = render::quote(&q)
        ),
        json!({ "quote": q }),
    );
    let t = alice
        .wallet
        .top_up(alice_card.clone(), cny(100_000))
        .await?;
    out.say(
        tr!(
            "demo-did",
            name = "Alice",
            transaction = render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );
    balance_line(out, &alice).await?;
    out.at("Bob: top-up");
    let t = bob.wallet.top_up(bob_card, cny(10_000)).await?;
    out.say(
        tr!(
            "demo-did",
            name = "Bob",
            transaction = render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );

    out.section(&tr!("demo-section-pay"));
    out.at("Alice: scan the merchant's code");
    let summary = qr::parse(&merchant_qr)
        .map(|p| p.summary())
        .map_err(WalletError::from)?;
    out.say(
        tr!(
            "demo-scanned",
            name = "Alice",
            format = summary.format,
            payee = summary.payee_name.as_deref().unwrap_or("?"),
            currency = summary.currency.as_deref().unwrap_or("?")
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
        tr!(
            "demo-paid",
            name = "Alice",
            transaction = render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );
    out.at("Alice: pay with a coupon and points");
    let coupon = admin
        .issue_coupon(&alice.user_id, cny(500), cny(2_000))
        .await?;
    out.say(
        tr!(
            "demo-coupon",
            name = "Alice",
            off = render::money(&cny(500)),
            from = render::money(&cny(2_000))
        ),
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
        tr!(
            "demo-quote-coupon",
            name = "Alice",
            points = 20,
            quote = render::quote(&q)
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
        tr!(
            "demo-paid",
            name = "Alice",
            transaction = render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );

    out.section(&tr!("demo-section-transfer"));
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
        tr!(
            "demo-receive-code",
            name = "Bob",
            amount = render::money(&cny(1_234)),
            reference = "books"
        ),
        json!({ "payload": code }),
    );
    out.print(&render::qr_terminal(&render::qr_code(&code)?));
    out.at("Alice: transfer by receive code");
    let t = alice
        .wallet
        .transfer(TransferTarget::ReceiveCode(code), cny(1_234), None)
        .await?;
    out.say(
        tr!(
            "demo-sent-by-code",
            name = "Alice",
            transaction = render::transaction(&t)
        ),
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
        tr!(
            "demo-sent-by-phone",
            name = "Alice",
            to = "Bob",
            transaction = render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );

    out.section(&tr!("demo-section-paycode"));
    out.at("Alice: offline payment code");
    alice.wallet.provision_payment_codes().await?;
    let paycode = alice.wallet.payment_code().await?;
    let charge = admin
        .charge_payment_code(&merchant_id, &paycode, cny(888))
        .await?;
    out.say(
        tr!(
            "demo-paycode-charged",
            name = "Alice",
            amount = render::money(&cny(888)),
            fee = charge_fee(&charge)
        ),
        json!({ "charge": charge }),
    );

    out.section(&tr!("demo-section-withdrawal"));
    out.at("Alice: withdraw");
    let q = alice
        .wallet
        .quote(Operation::Withdrawal, cny(3_000), None, None)
        .await?;
    out.say(
        tr!(
            "demo-quote-withdrawal",
            name = "Alice",
            quote = render::quote(&q)
        ),
        json!({ "quote": q }),
    );
    alice.wallet.request_code(Purpose::Withdraw, None).await?;
    let code = admin.newest_code(&alice.phone, Purpose::Withdraw).await?;
    let t = alice.wallet.withdraw(alice_card, cny(3_000), code).await?;
    out.say(
        tr!(
            "demo-withdrawn",
            name = "Alice",
            transaction = render::transaction(&t)
        ),
        json!({ "transaction": t }),
    );
    out.at("the bank settles the withdrawal");
    admin.complete_withdrawal(&t.id).await?;
    out.say(tr!("demo-settled"), json!({ "transaction_id": t.id }));

    out.section(&tr!("demo-section-history"));
    for user in [&alice, &bob] {
        out.at(&format!("{}: sync history", user.name));
        let report = sync_history(
            &user.wallet,
            &tr!("demo-syncing", name = user.name),
            !out.json,
        )
        .await?;
        out.say(
            tr!(
                "demo-synced",
                name = user.name,
                fetched = report.fetched,
                pages = report.pages,
                cached = report.cached
            ),
            json!({ "user": user.name, "fetched": report.fetched, "pages": report.pages }),
        );
    }
    out.at("Alice: points");
    let points = alice.wallet.points().await?;
    out.say(
        tr!("demo-points", name = "Alice", points = points.balance),
        json!({ "points": points.balance }),
    );
    out.at("Alice: spending summary");
    let lines = alice.wallet.spending_summary().await?;
    out.say(
        tr!("demo-summary", name = "Alice"),
        json!({ "summary": render::summary_json(&lines) }),
    );
    out.print(&render::summary_table(&lines));

    out.section(&tr!("demo-section-histories"));
    let mut histories = serde_json::Map::new();
    for user in [&alice, &bob] {
        out.at(&format!("{}: history", user.name));
        let page = user.wallet.history(100, 0).await?;
        out.print(&tr!("demo-history-of", name = user.name));
        out.print(&render::history_table(&page.items));
        histories.insert(user.name.to_lowercase(), render::history_json(&page.items));
    }

    out.section(&tr!("demo-section-balances"));
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

/// The merchant's fee of a payment-code charge, as the language writes it
/// (the sandbox's decimal string if it cannot be read as money).
fn charge_fee(charge: &serde_json::Value) -> String {
    serde_json::from_value::<imwallet_protocol::money::Money>(charge["fee"].clone())
        .map(|m| render::money(&m))
        .unwrap_or_else(|_| charge["fee"]["amount"].as_str().unwrap_or("?").to_owned())
}
