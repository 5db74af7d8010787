//! Pay from another app (issue 14 item 5) through the core's facade against
//! a real sandbox: a merchant order is created over the app API, the wallet
//! previews it by its `order_token` (merchant name and amount before
//! confirmation), pays it once, is refused with the order's own code when it
//! pays it again, and, when the connection is cut after the server committed,
//! keeps the payment pending and reconciles it to exactly one ledger payment.

use imwallet_core::wallet::WalletError;
use imwallet_protocol::money::{Currency, Money};
use imwallet_tests::chaos::{ChaosProxy, Fault};
use imwallet_tests::wallet::{
    bind_card, journey_world, ledger_cny, open_wallet_at, server_txns_by, sign_up,
};
use imwallet_tests::{World, cny};
use serde_json::json;

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

/// Creates a CNY order of `amount` at `merchant`; returns its `order_token`.
async fn order_token(world: &World, merchant: &str, out_trade_no: &str, amount: &str) -> String {
    let r = world
        .app
        .post(
            &format!("/v1/merchants/{merchant}/orders"),
            json!({
                "out_trade_no": out_trade_no,
                "amount": cny(amount),
                "description": "两杯咖啡 Two coffees",
                "expires_in_s": 600,
            }),
        )
        .await;
    r.ok(201)["order_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_is_previewed_paid_once_and_reconciled_exactly_once_after_a_cut() {
    let world = journey_world(false).await;
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &proxy.base_url());
    let phone = world.phone();
    let user_id = sign_up(&world, &wallet, &phone, "Ann").await;
    let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
    wallet.top_up(card, yuan(10_000)).await.unwrap();
    let merchant = world.merchant().await;
    let owner = format!("merchant:{merchant}");

    // The preview shows who is paid and how much before confirmation.
    let token = order_token(&world, &merchant, "app-1", "12.34").await;
    let preview = wallet.preview_order(token.clone()).await.unwrap();
    assert_eq!(preview.merchant_id, merchant);
    assert_eq!(preview.merchant_name, "Coffee");
    assert_eq!(preview.merchant_city, "Shanghai");
    assert_eq!(preview.amount, yuan(1234));
    assert_eq!(preview.description, "两杯咖啡 Two coffees");
    assert_eq!(preview.status, "created");
    assert!(preview.expires_at > 0);
    assert!(matches!(
        wallet.preview_order("otk_nope".into()).await.unwrap_err(),
        WalletError::NotFound { what } if what == "order"
    ));

    // Paid once; paying again is refused definitively with the order's code.
    let before = wallet.balance(Currency::Cny).await.unwrap().minor;
    let paid = wallet.pay_order(token.clone()).await.unwrap();
    assert_eq!(paid.amount, yuan(1234));
    assert_eq!(
        wallet.balance(Currency::Cny).await.unwrap().minor,
        before - 1234
    );
    assert_eq!(
        wallet.preview_order(token.clone()).await.unwrap().status,
        "paid"
    );
    assert_eq!(
        wallet.pay_order(token.clone()).await.unwrap_err(),
        WalletError::Conflict {
            code: "order_already_paid".into()
        }
    );
    assert_eq!(wallet.reconcile_pending().await.unwrap().unresolved, 0);
    let merchant_after_one = ledger_cny(&world, &owner);

    // The answer is lost after the server committed: pending, then
    // reconciled to the one payment the server made.
    let token2 = order_token(&world, &merchant, "app-2", "5.67").await;
    proxy.set_fault(Fault::DropAfterServer);
    let err = wallet.pay_order(token2.clone()).await.unwrap_err();
    let WalletError::OutcomeUnknown { operation_id } = err else {
        panic!("expected an unknown outcome, got {err:?}");
    };
    proxy.set_fault(Fault::Pass);
    let report = wallet.reconcile_pending().await.unwrap();
    assert_eq!(report.completed, 1, "{report:?}");
    assert_eq!(report.unresolved, 0);
    assert_eq!(
        wallet.operation(operation_id).await.unwrap().state,
        "completed"
    );
    assert_eq!(
        wallet.preview_order(token2.clone()).await.unwrap().status,
        "paid"
    );
    // Paying it again after the reconcile is the order's refusal, not a second payment.
    assert_eq!(
        wallet.pay_order(token2).await.unwrap_err(),
        WalletError::Conflict {
            code: "order_already_paid".into()
        }
    );
    assert_eq!(
        server_txns_by(&world, &user_id).get("payment").copied(),
        Some(2),
        "one ledger payment per order"
    );
    assert_eq!(
        wallet.balance(Currency::Cny).await.unwrap().minor,
        before - 1234 - 567
    );
    assert!(ledger_cny(&world, &owner) > merchant_after_one);
    world.server.assert_ledger_sound();
}
