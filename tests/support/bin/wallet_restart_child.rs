//! The child process of the restart test (`tests/e2e/wallet_restart.rs`): it
//! opens a wallet, unlocks it, reconciles whatever a killed predecessor left
//! open, then moves money in a loop until its parent SIGKILLs it at a random
//! moment. Every operation carries a unique memo so the parent can prove
//! each was applied at most once.
//!
//! Configured by environment: `IMW_URL`, `IMW_KEY`, `IMW_DIR`, `IMW_PEER`
//! (recipient phone), `IMW_MERCHANT` (merchant id), `IMW_ROUND`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use imwallet_core::wallet::{TransferTarget, Wallet, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_tests::wallet::{PASSWORD, test_config};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = PathBuf::from(env("IMW_DIR"));
    let wallet = Wallet::open(test_config(&dir, &env("IMW_URL"), &env("IMW_KEY"))).unwrap();
    wallet.unlock(PASSWORD.to_owned()).await.unwrap();
    let report = wallet.reconcile_pending().await.unwrap();
    println!("reconciled {report:?}");
    let round = env("IMW_ROUND");
    let peer = env("IMW_PEER");
    let merchant = env("IMW_MERCHANT");
    for i in 0u64.. {
        let memo = Some(format!("r{round}-{i}"));
        let amount = Money::new(1 + (i % 9) as i64, Currency::Cny);
        let result = if i % 2 == 0 {
            wallet
                .pay_merchant(merchant.clone(), amount, None, None, memo)
                .await
        } else {
            wallet
                .transfer(TransferTarget::Phone(peer.clone()), amount, memo)
                .await
        };
        match result {
            Ok(txn) => println!("done {i} {}", txn.id),
            Err(e @ WalletError::OutcomeUnknown { .. }) => println!("unknown {i} {e}"),
            Err(e) => panic!("operation {i}: {e:?}"),
        }
    }
}
