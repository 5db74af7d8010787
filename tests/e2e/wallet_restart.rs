//! Restart test: a child process (`wallet-restart-child`) makes payments and
//! transfers through the core against this process's sandbox and is
//! SIGKILLed at random moments, 100 rounds. Each new child first reconciles
//! what its killed predecessor left open. At the end every operation the
//! device recorded is completed or failed, and each completed one is in the
//! ledger exactly once (unique memos), with balances agreeing.
//!
//! Kill timing must cover both sides: kills that interrupt a money
//! operation (the next child resumes it) and kills that land while a child
//! is still starting up and reconciling (no `reconciled` line yet). After
//! the 100 spread-out rounds, rounds aimed at a side not yet seen follow
//! (bounded), so the coverage assertion does not depend on luck.

use std::process::{Command, Stdio};
use std::time::Duration;

use imwallet_protocol::money::{Currency, Money};
use imwallet_tests::wallet::{
    base_url, bind_card, journey_world, ledger_cny, open_wallet, outbox_states, server_txns_by,
    sign_up,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_clients_apply_every_operation_exactly_once() {
    let world = journey_world(false).await;
    let dir = tempfile::tempdir().unwrap();
    let (user_id, merchant_id, peer_phone) = {
        let wallet = open_wallet(&world, dir.path());
        let phone = world.phone();
        let user_id = sign_up(&world, &wallet, &phone, "Kim").await;
        let card = bind_card(&world, &wallet, &phone, "4242424242424242").await;
        wallet
            .top_up(card, Money::new(10_000_000, Currency::Cny))
            .await
            .unwrap();
        let peer_dir = tempfile::tempdir().unwrap();
        let peer = open_wallet(&world, peer_dir.path());
        let peer_phone = world.phone();
        sign_up(&world, &peer, &peer_phone, "Lee").await;
        let (merchant_id, _) = imwallet_tests::wallet::merchant_with_code(&world, "Shop").await;
        (user_id, merchant_id, peer_phone)
    };

    let child = env!("CARGO_BIN_EXE_wallet-restart-child");
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    const MIN_ROUNDS: u32 = 100;
    const MAX_ROUNDS: u32 = 200;
    let (mut resumed, mut startup_kills) = (0u32, 0u32);
    let mut rounds = 0;
    while rounds < MIN_ROUNDS || ((resumed == 0 || startup_kills == 0) && rounds < MAX_ROUNDS) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let kill_after_ms = match (rounds < MIN_ROUNDS, resumed, startup_kills) {
            (true, _, _) => 20 + rng % 280,
            (false, _, 0) => rng % 10,
            _ => 300 + rng % 300,
        };
        let round = rounds;
        rounds += 1;
        let mut process = Command::new(child)
            .env("IMW_URL", base_url(&world))
            .env("IMW_KEY", &world.api_key)
            .env("IMW_DIR", dir.path())
            .env("IMW_PEER", &peer_phone)
            .env("IMW_MERCHANT", &merchant_id)
            .env("IMW_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(kill_after_ms)).await;
        if let Some(status) = process.try_wait().unwrap() {
            panic!("round {round}: the child exited on its own: {status}");
        }
        process.kill().unwrap(); // SIGKILL
        process.wait().unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut process.stdout.take().unwrap(), &mut out).unwrap();
        // "reconciled ReconcileReport { completed: N, ... }": operations a
        // killed predecessor left open and this child settled. No such line:
        // this child was killed while starting up or reconciling.
        let reconciled = out
            .lines()
            .find_map(|l| l.strip_prefix("reconciled ReconcileReport { completed: "));
        match reconciled {
            Some(rest) => {
                resumed += rest
                    .split(',')
                    .next()
                    .and_then(|n| n.parse::<u32>().ok())
                    .unwrap_or(0);
            }
            None => startup_kills += 1,
        }
    }
    assert!(
        resumed > 0,
        "no kill interrupted an operation in {rounds} rounds"
    );
    assert!(
        startup_kills > 0,
        "no kill landed during start-up and reconciliation in {rounds} rounds"
    );

    // Reopen as the next launch would, and settle.
    let wallet = open_wallet(&world, dir.path());
    wallet
        .unlock(imwallet_tests::wallet::PASSWORD.into())
        .await
        .unwrap();
    let report = wallet.reconcile_pending().await.unwrap();
    assert_eq!(report.unresolved, 0);
    let states = outbox_states(dir.path());
    let completed = states.get("completed").copied().unwrap_or(0);
    assert_eq!(
        completed + states.get("failed").copied().unwrap_or(0),
        states.values().sum::<i64>(),
        "open operations left: {states:?}"
    );
    assert!(
        completed > i64::from(rounds),
        "the children did real work: {states:?}"
    );
    let by_kind = server_txns_by(&world, &user_id);
    let server: i64 = by_kind.values().sum();
    // The one top-up was made before the rounds, through the same outbox.
    assert_eq!(server, completed, "server {by_kind:?} vs client {states:?}");
    let duplicates: i64 = world
        .server
        .sandbox
        .state()
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM (SELECT memo FROM txns WHERE user_id = ?1 AND memo IS NOT NULL
                 GROUP BY memo HAVING count(*) > 1)",
                [&user_id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(duplicates, 0, "an operation was applied twice");
    let balance = wallet.balance(Currency::Cny).await.unwrap();
    assert_eq!(
        balance.minor,
        ledger_cny(&world, &format!("user:{user_id}"))
    );
    eprintln!(
        "restart test: {rounds} kills ({startup_kills} during start-up), \
         {resumed} interrupted operations resumed, {states:?}, server {by_kind:?}"
    );
    world.server.assert_ledger_sound();
}
