//! Chaos test of exactly-once money movement: a fault-injecting proxy
//! between the core and the sandbox drops connections before and after the
//! server commits, delays answers beyond the client's timeout, and injects
//! 5xx and 429, at random. Thousands of randomised money operations later:
//! no ledger transaction is duplicated, no operation is lost (each ended
//! completed or failed, after reconciliation), and client and server
//! balances agree.
//!
//! `wallet_chaos_2000_operations` runs in the normal suite;
//! `wallet_chaos_10000_operations` is `--ignored` (the long mode):
//! `cargo test -p imwallet-tests --test e2e wallet_chaos -- --ignored`.

use std::sync::Arc;
use std::time::Duration;

use imwallet_core::wallet::{TransferTarget, Wallet, WalletError};
use imwallet_protocol::money::{Currency, Money};
use imwallet_tests::chaos::{ChaosProxy, FaultMix};
use imwallet_tests::wallet::{
    bind_card, history_total, journey_world, ledger_cny, outbox_states, server_txns_by, sign_up,
};

fn yuan(minor: i64) -> Money {
    Money::new(minor, Currency::Cny)
}

/// A small deterministic generator (xorshift), so a failure is reproducible
/// from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

struct Party {
    wallet: Arc<Wallet>,
    dir: tempfile::TempDir,
    user_id: String,
    phone: String,
    card: String,
}

async fn run_chaos(operations: usize, seed: u64) {
    let world = journey_world(false).await;
    let proxy = ChaosProxy::start(world.server.sandbox.addr())
        .await
        .unwrap();
    let mut parties = Vec::new();
    for name in ["Ann", "Ben"] {
        let dir = tempfile::tempdir().unwrap();
        // Short timeouts so a delayed answer is a timeout, and a small retry
        // budget so faults regularly exhaust it (unknown outcomes).
        let mut config =
            imwallet_tests::wallet::test_config(dir.path(), &proxy.base_url(), &world.api_key);
        config.api.request_timeout = Duration::from_millis(400);
        config.api.retry.max_attempts = 2;
        let wallet = Wallet::open(config).unwrap();
        let phone = world.phone();
        let user_id = sign_up(&world, &wallet, &phone, name).await;
        let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
        parties.push(Party {
            wallet,
            dir,
            user_id,
            phone,
            card,
        });
    }
    let setup_requests = proxy.requests();
    proxy.set_random(
        FaultMix {
            pass: 70,
            drop_before: 6,
            drop_after: 8,
            delay: 3,
            server_error: 7,
            rate_limited: 6,
            delay_by: Duration::from_millis(700),
        },
        seed,
    );

    let mut rng = Rng(seed | 1);
    let (mut ok, mut unknown, mut refused) = (0u32, 0u32, 0u32);
    for i in 0..operations {
        let from = (rng.next() % 2) as usize;
        let to = 1 - from;
        let p = &parties[from];
        // Unique amounts and memos: no two operations have the same body.
        let amount = yuan(100 + i as i64);
        let result = match rng.next() % 3 {
            0 => p.wallet.top_up(p.card.clone(), amount).await,
            1 => {
                p.wallet
                    .transfer(
                        TransferTarget::Phone(parties[to].phone.clone()),
                        yuan(1 + (i as i64 % 50)),
                        Some(format!("op {i}")),
                    )
                    .await
            }
            _ => {
                p.wallet
                    .transfer(
                        TransferTarget::UserId(parties[to].user_id.clone()),
                        yuan(1 + (i as i64 % 70)),
                        Some(format!("op {i}")),
                    )
                    .await
            }
        };
        match result {
            Ok(_) => ok += 1,
            Err(WalletError::OutcomeUnknown { .. }) => unknown += 1,
            Err(
                WalletError::InsufficientFunds
                | WalletError::Network
                | WalletError::RateLimited { .. }
                | WalletError::ServerUnavailable { .. },
            ) => refused += 1,
            Err(other) => panic!("operation {i} (seed {seed}): unexpected {other:?}"),
        }
    }
    let stats = proxy.stats();
    proxy.set_fault(imwallet_tests::chaos::Fault::Pass);

    // Settle everything still open.
    for p in &parties {
        let report = p.wallet.reconcile_pending().await.unwrap();
        assert_eq!(report.unresolved, 0, "seed {seed}");
    }
    eprintln!(
        "chaos seed {seed}: {operations} operations: {ok} ok, {unknown} unknown at first, \
         {refused} refused; proxy after setup ({setup_requests} requests): {stats:?}"
    );
    assert!(stats.dropped_after > 0 && stats.delayed > 0 && stats.injected > 0);

    for p in &parties {
        // No operation lost: every one ended completed or failed.
        let states = outbox_states(p.dir.path());
        let completed = states.get("completed").copied().unwrap_or(0);
        let failed = states.get("failed").copied().unwrap_or(0);
        assert_eq!(
            completed + failed,
            states.values().sum::<i64>(),
            "open operations left: {states:?}"
        );
        // No duplicate: the server holds exactly one transaction per
        // completed operation.
        let server: i64 = server_txns_by(&world, &p.user_id).values().sum();
        assert_eq!(
            server, completed,
            "seed {seed}: server {server} vs client {completed}"
        );
        // Client and server agree on the balance.
        let balance = p.wallet.balance(Currency::Cny).await.unwrap();
        assert_eq!(
            balance.minor,
            ledger_cny(&world, &format!("user:{}", p.user_id))
        );
        p.wallet.sync_history(None, None).await.unwrap();
        let total = history_total(&p.wallet).await;
        assert_eq!(
            total, balance.minor,
            "the synced history explains the balance"
        );
    }
    world.server.assert_ledger_sound();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wallet_chaos_2000_operations() {
    let seed = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_c0de);
    run_chaos(2_000, seed).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long mode: 10,000 operations"]
async fn wallet_chaos_10000_operations() {
    run_chaos(10_000, 0xdead_beef).await;
}
