//! The complete user journey through the core's `Wallet` facade against the
//! real sandbox over HTTP: two users and a merchant, every step checked
//! against the sandbox's own ledger.

use imwallet_core::wallet::{PayRequest, ReceiveCodeRequest, TransferTarget, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::{Operation, Purpose, TransactionStatus};
use imwallet_tests::cny;
use imwallet_tests::wallet::{
    PASSWORD, bind_card, history_total, journey_world, ledger_cny, log_in, merchant_with_code,
    open_wallet, sign_up,
};
use serde_json::json;

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_users_and_a_merchant_do_the_whole_journey_and_agree_with_the_ledger() {
    let world = journey_world(true).await;
    let alice_dir = tempfile::tempdir().unwrap();
    let bob_dir = tempfile::tempdir().unwrap();
    let alice = open_wallet(&world, alice_dir.path());
    let bob = open_wallet(&world, bob_dir.path());
    assert!(!alice.has_account());

    // Register, verify, log in with the second factor.
    let alice_phone = world.phone();
    let bob_phone = world.phone();
    let alice_id = sign_up(&world, &alice, &alice_phone, "Alice").await;
    let bob_id = sign_up(&world, &bob, &bob_phone, "Bob").await;
    assert!(alice.is_logged_in() && alice.has_account());
    let profile = alice.profile().await.unwrap();
    assert_eq!(profile.user_id, alice_id);
    let cached = alice.cached_profile().await.unwrap().unwrap();
    assert_eq!(cached.user_id, alice_id);

    // Lock and unlock locally: the session comes back from the vault.
    alice.lock();
    assert_eq!(
        alice.balances().await.unwrap_err(),
        WalletError::VaultLocked
    );
    alice.unlock(PASSWORD.to_owned()).await.unwrap();
    assert!(alice.is_logged_in());

    // Bind cards.
    let alice_card = bind_card(&world, &alice, &alice_phone, "4242424242424242").await;
    let bob_card = bind_card(&world, &bob, &bob_phone, "5555555555554444").await;
    let cards = alice.cards().await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].last4, "4242");

    // Quote and top up.
    let quote = alice
        .quote(Operation::TopUp, yuan(100_000), None, None)
        .await
        .unwrap();
    let top_up = alice
        .top_up(alice_card.clone(), yuan(100_000))
        .await
        .unwrap();
    assert_eq!(top_up.status, TransactionStatus::Completed);
    assert_eq!(top_up.balance_effect, quote.credit);
    assert_eq!(alice.balance(Currency::Cny).await.unwrap(), quote.credit);
    bob.top_up(bob_card.clone(), yuan(10_000)).await.unwrap();

    // Scan the merchant's code and pay; then pay again with a coupon and points.
    let (merchant_id, payload) = merchant_with_code(&world, "Coffee").await;
    let first = alice
        .pay(PayRequest {
            payload: payload.clone(),
            amount: Some(yuan(10_000)),
            memo: Some("beans".into()),
            ..PayRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(first.points_earned, 100);
    let coupon = world
        .app
        .post(
            "/v1/sandbox/coupons",
            json!({"user_id": alice_id, "kind": "fixed", "amount_off": cny("5.00"),
                   "min_spend": cny("20.00"), "expires_at": 4_102_444_800_000_i64}),
        )
        .await;
    let coupon_id = coupon.ok(201)["coupon_id"].as_str().unwrap().to_owned();
    assert_eq!(alice.coupons().await.unwrap().len(), 1);
    let pay_quote = alice
        .quote(
            Operation::Payment,
            yuan(5_000),
            Some(coupon_id.clone()),
            Some(20),
        )
        .await
        .unwrap();
    let second = alice
        .pay(PayRequest {
            payload: payload.clone(),
            amount: Some(yuan(5_000)),
            coupon_id: Some(coupon_id.clone()),
            points: Some(20),
            memo: None,
        })
        .await
        .unwrap();
    assert_eq!(second.points_redeemed, 20);
    assert_eq!(second.discount, pay_quote.discount);
    assert_eq!(second.balance_effect.minor, -pay_quote.debit.minor);
    assert_eq!(pay_quote.discount, yuan(500));
    assert_eq!(pay_quote.debit, yuan(5_000 - 500 - 20));

    // Transfer to Bob by phone, then by his receive code (with an amount in it).
    alice
        .transfer(
            TransferTarget::Phone(bob_phone.clone()),
            yuan(2_000),
            Some("lunch".into()),
        )
        .await
        .unwrap();
    let bob_code = bob
        .receive_code(ReceiveCodeRequest {
            currency: Currency::Cny,
            amount: Some(yuan(1_234)),
            reference: Some("books".into()),
        })
        .await
        .unwrap();
    let by_code = alice
        .pay(PayRequest {
            payload: bob_code,
            ..PayRequest::default()
        })
        .await
        .unwrap();
    assert_eq!(by_code.balance_effect, yuan(-1_234));

    // Multi-currency: a firm FX quote before converting, then a USD balance.
    let fx = alice.fx_quote(yuan(7_200), Currency::Usd).await.unwrap();
    assert_eq!(fx.buy, Money::new(1_000, Currency::Usd));
    let converted = alice.fx_convert(fx.quote_id.clone()).await.unwrap();
    assert_eq!(
        converted.kind,
        imwallet_protocol::wire::TransactionType::FxConversion
    );
    let balances = alice.balances().await.unwrap();
    assert!(
        balances.contains(&Money::new(1_000, Currency::Usd)),
        "{balances:?}"
    );

    // Offline payment code: provisioned once, shown as a QR, charged by the merchant once.
    assert!(!alice.has_payment_codes().await.unwrap());
    assert_eq!(
        alice.payment_code().await.unwrap_err(),
        WalletError::invalid("payment_code", "not_provisioned")
    );
    alice.provision_payment_codes().await.unwrap();
    assert!(alice.has_payment_codes().await.unwrap());
    let paycode = alice.payment_code().await.unwrap();
    assert!(paycode.starts_with("IMWPAY1."));
    let charge = world
        .app
        .post_idem(
            &format!("/v1/merchants/{merchant_id}/paycode-charges"),
            json!({"code": paycode, "amount": cny("8.88")}),
        )
        .await;
    let paycode_fee = imwallet_tests::minor(&charge.ok(201)["fee"]["amount"]);
    world
        .app
        .post_idem(
            &format!("/v1/merchants/{merchant_id}/paycode-charges"),
            json!({"code": paycode, "amount": cny("8.88")}),
        )
        .await
        .assert_problem(409, "paycode_reused");

    // Withdraw (pending until the bank settles).
    alice.request_code(Purpose::Withdraw, None).await.unwrap();
    let code = world.code_for(&alice_phone).await;
    let withdrawal = alice
        .withdraw(alice_card.clone(), yuan(3_000), code)
        .await
        .unwrap();
    assert_eq!(withdrawal.status, TransactionStatus::Pending);
    world
        .app
        .post_idem(
            &format!("/v1/sandbox/withdrawals/{}/complete", withdrawal.id),
            json!({}),
        )
        .await
        .ok(200);

    // Sync history on both sides; the cache explains the balance exactly.
    let report = alice.sync_history(None, None).await.unwrap();
    assert!(report.fetched >= 6);
    bob.sync_history(None, None).await.unwrap();
    for (wallet, id) in [(&alice, &alice_id), (&bob, &bob_id)] {
        let cached = history_total(wallet).await;
        let balance = wallet.balance(Currency::Cny).await.unwrap().minor;
        assert_eq!(cached, balance, "history explains the balance");
        assert_eq!(balance, ledger_cny(&world, &format!("user:{id}")));
    }
    let withdrawn = alice.transaction(withdrawal.id.clone()).await.unwrap();
    assert_eq!(withdrawn.status, "completed");
    let memo = alice.transaction(first.id.clone()).await.unwrap().memo;
    assert_eq!(memo.as_deref(), Some("beans"));
    let bob_history = bob.history(100, 0).await.unwrap();
    assert!(bob_history.items.iter().any(|t| t.amount == yuan(1_234)));

    // Merchant settlement: both payments minus the merchant fee.
    let merchant_fee = |t: &imwallet_protocol::wire::Transaction| t.fee.minor;
    let expected_merchant =
        (10_000 - merchant_fee(&first)) + (5_000 - merchant_fee(&second)) + (888 - paycode_fee);
    assert_eq!(
        ledger_cny(&world, &format!("merchant:{merchant_id}")),
        expected_merchant
    );

    // Points: earned by payments, minus the ones redeemed.
    let points = alice.points().await.unwrap();
    let history = alice.history(100, 0).await.unwrap();
    assert!(history.items.iter().any(|t| t.amount == yuan(-888)));
    let paycode_points = 888 / 100;
    assert_eq!(
        points.balance,
        first.points_earned + second.points_earned - second.points_redeemed + paycode_points
    );
    assert_eq!(
        points.balance,
        points.events.iter().map(|e| e.delta).sum::<i64>()
    );

    // Spending summary from the cache.
    let summary = alice.spending_summary().await.unwrap();
    let spent: i64 = summary.iter().map(|l| l.total.minor).sum();
    assert_eq!(
        spent,
        10_000 + pay_quote.debit.minor + 2_000 + 1_234 + 888 + 3_000
    );

    // Security events, freeze and unfreeze.
    let frozen = alice.freeze().await.unwrap();
    assert_eq!(
        frozen.status,
        imwallet_protocol::wire::AccountStatus::Frozen
    );
    let refused = alice
        .transfer(TransferTarget::UserId(bob_id.clone()), yuan(100), None)
        .await
        .unwrap_err();
    assert!(
        matches!(refused, WalletError::AccountFrozen { .. }),
        "{refused:?}"
    );
    alice.unfreeze(PASSWORD.to_owned()).await.unwrap();
    let events = alice.security_events().await.unwrap();
    for kind in ["login", "frozen", "unfrozen", "card_bound"] {
        assert!(events.iter().any(|e| e.kind == kind), "missing {kind}");
    }

    // Reset the password; the next login re-keys the vault on this device.
    let new_password = "a new password 2";
    alice
        .request_code(Purpose::ResetPassword, Some(alice_phone.clone()))
        .await
        .unwrap();
    let code = world.code_for(&alice_phone).await;
    alice
        .reset_password(alice_phone.clone(), code, new_password.to_owned())
        .await
        .unwrap();
    log_in(&world, &alice, &alice_phone, new_password).await;
    alice.lock();
    assert!(matches!(
        alice.unlock(PASSWORD.to_owned()).await,
        Err(WalletError::WrongPassword { .. })
    ));
    alice.unlock(new_password.to_owned()).await.unwrap();
    assert_eq!(
        alice.balance(Currency::Cny).await.unwrap().minor,
        ledger_cny(&world, &format!("user:{alice_id}"))
    );

    // Log out: the session is gone on the device.
    alice.logout().await.unwrap();
    assert!(!alice.is_logged_in());
    assert_eq!(
        alice.balances().await.unwrap_err(),
        WalletError::NotLoggedIn
    );
    world.server.assert_ledger_sound();
}
