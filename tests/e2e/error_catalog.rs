//! The error catalog against the real sandbox: a refused call carries the
//! server's `X-Request-Id`, its stable code and both languages; a network
//! failure carries no (stale) request id.

use imwallet_core::api::request_id;
use imwallet_core::wallet::{Locale, TransferTarget, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_tests::wallet::{dead_url, journey_world, open_wallet, open_wallet_at, sign_up};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_call_carries_the_servers_request_id_and_catalog_fields() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    sign_up(&world, &wallet, &world.phone(), "Tester").await;
    let to = TransferTarget::Phone(world.phone());
    let (result, id) =
        request_id::capture(wallet.transfer(to, Money::new(100, Currency::Cny), None)).await;
    let err = result.unwrap_err();
    assert_eq!(
        err,
        WalletError::NotFound {
            what: "recipient".into()
        }
    );
    let id = id.expect("the sandbox names every response");
    assert!(id.starts_with("req_"), "{id}");
    assert_eq!(err.code(), "not_found");
    assert!(!err.retryable());
    assert!(!err.user_message(Locale::En).is_empty());
    assert!(err.user_message(Locale::ZhCn).contains("未找到"));
    assert!(err.doc_url().ends_with("errors.md#not_found"));

    // A second refused call gets a different id.
    let to = TransferTarget::Phone(world.phone());
    let (_, second) =
        request_id::capture(wallet.transfer(to, Money::new(100, Currency::Cny), None)).await;
    assert_ne!(second.as_deref(), Some(id.as_str()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_failure_has_no_request_id() {
    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet_at(&world, dir.path(), &dead_url());
    let (result, id) = request_id::capture(wallet.request_code(
        imwallet_protocol::wire::Purpose::Register,
        Some(world.phone()),
    ))
    .await;
    let err = result.unwrap_err();
    assert_eq!((err.code(), err.retryable(), id), ("network", true, None));
}
