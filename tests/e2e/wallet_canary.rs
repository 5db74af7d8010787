//! Canary test over the whole journey: after registration, login, card
//! binding, payments with memos, transfers, withdrawals and a password
//! change, the raw files of the device (vault and cache databases with
//! their `-wal`/`-shm` files) and every log line the core and the sandbox
//! wrote contain no password, session token, full card number,
//! verification code, memo or phone number in plaintext.

use std::io::Write;
use std::sync::{Arc, Mutex};

use imwallet_core::crypto::{KdfPolicy, Password};
use imwallet_core::store::{Vault, VaultOptions, VaultPaths};
use imwallet_core::wallet::{PayRequest, TransferTarget};
use imwallet_protocol::money::{Currency, Money};
use imwallet_protocol::wire::Purpose;
use imwallet_tests::wallet::{
    PASSWORD, bind_card, journey_world, merchant_with_code, open_wallet, sign_up,
};

/// Collects every formatted log line of the process.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_the_device_files_or_the_logs() {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .try_init()
        .expect("the canary test owns the process's log subscriber");

    let world = journey_world(true).await;
    let dir = tempfile::tempdir().unwrap();
    let wallet = open_wallet(&world, dir.path());
    let phone = world.phone();
    let mut canaries: Vec<String> = vec![PASSWORD.into(), phone.clone()];
    sign_up(&world, &wallet, &phone, "Canary").await;
    canaries.push(world.code_for(&phone).await); // the login code
    let pan = "4000056655665556";
    canaries.push(pan.into());
    let card = bind_card(&world, &wallet, &phone, pan).await;
    canaries.push(world.code_for(&phone).await); // the card code
    let yuan = |m| Money::new(m, Currency::Cny);
    wallet.top_up(card.clone(), yuan(50_000)).await.unwrap();

    let (_, payload) = merchant_with_code(&world, "Canary Cafe").await;
    let memo = "memo-canary-7Zq";
    canaries.push(memo.into());
    wallet
        .pay(PayRequest {
            payload,
            amount: Some(yuan(1_000)),
            memo: Some(memo.into()),
            ..PayRequest::default()
        })
        .await
        .unwrap();
    let peer_dir = tempfile::tempdir().unwrap();
    let peer = open_wallet(&world, peer_dir.path());
    let peer_phone = world.phone();
    sign_up(&world, &peer, &peer_phone, "Peer").await;
    let transfer_memo = "transfer-canary-Q2w";
    canaries.push(transfer_memo.into());
    canaries.push(peer_phone.clone());
    wallet
        .transfer(
            TransferTarget::Phone(peer_phone),
            yuan(500),
            Some(transfer_memo.into()),
        )
        .await
        .unwrap();
    wallet.request_code(Purpose::Withdraw, None).await.unwrap();
    let withdraw_code = world.code_for(&phone).await;
    canaries.push(withdraw_code.clone());
    wallet
        .withdraw(card, yuan(700), withdraw_code)
        .await
        .unwrap();
    wallet.sync_history(None, None).await.unwrap();
    let new_password = "second canary password";
    canaries.push(new_password.into());
    wallet
        .change_password(PASSWORD.into(), new_password.into())
        .await
        .unwrap();
    wallet.provision_payment_codes().await.unwrap();
    drop(wallet);

    // The tokens as the vault holds them (opened like the app would).
    let vault = Vault::open(
        &VaultPaths::in_dir(dir.path()),
        VaultOptions {
            kdf_policy: KdfPolicy::INSECURE_FOR_TESTS,
            ..VaultOptions::default()
        },
    )
    .unwrap();
    vault.unlock(&Password::new(new_password)).unwrap();
    let tokens = vault
        .tokens()
        .unwrap()
        .load()
        .unwrap()
        .expect("tokens stored");
    canaries.push(tokens.access.expose().to_owned());
    canaries.push(tokens.refresh.expose().to_owned());
    drop(vault);

    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    assert!(files.iter().any(|(name, _)| name.ends_with("vault.db")));
    let logs = logs.0.lock().unwrap().clone();
    assert!(!logs.is_empty(), "logs were captured");
    for (i, canary) in canaries.iter().enumerate() {
        for (name, bytes) in &files {
            assert!(!contains(bytes, canary), "{name} contains canary #{i}");
        }
        let text = String::from_utf8_lossy(&logs);
        let leak = text.lines().find(|l| l.contains(canary.as_str()));
        assert!(leak.is_none(), "a log line contains canary #{i}: {leak:?}");
    }
}
