//! Property test: random interleavings of registrations, top-ups, payments,
//! transfers, withdrawals and reversals, run concurrently in steps; after
//! every step the ledger invariants hold (each journal and the global sum are
//! zero per currency, no user or merchant balance is negative, cached
//! balances equal the ones recomputed from postings) and no request got a 5xx.

use imwallet_sandbox::config::{Config, RiskLimits};
use imwallet_tests::{TestServer, UserSession, World, cny};
use proptest::prelude::*;
use serde_json::json;
use std::sync::Arc;
use tokio::sync::Mutex;

#[derive(Debug, Clone)]
enum Op {
    Register,
    TopUp { user: usize, cents: u32 },
    Pay { user: usize, cents: u32 },
    Transfer { from: usize, to: usize, cents: u32 },
    Withdraw { user: usize, cents: u32 },
    Reverse { txn: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let cents = 1u32..20_000;
    prop_oneof![
        1 => Just(Op::Register),
        3 => (any::<usize>(), cents.clone()).prop_map(|(user, cents)| Op::TopUp { user, cents }),
        3 => (any::<usize>(), cents.clone()).prop_map(|(user, cents)| Op::Pay { user, cents }),
        4 => (any::<usize>(), any::<usize>(), cents.clone()).prop_map(|(from, to, cents)| Op::Transfer { from, to, cents }),
        2 => (any::<usize>(), cents).prop_map(|(user, cents)| Op::Withdraw { user, cents }),
        2 => any::<usize>().prop_map(|txn| Op::Reverse { txn }),
    ]
}

struct Party {
    session: UserSession,
    card: String,
}

struct Shared {
    world: World,
    merchant: String,
    users: Mutex<Vec<Arc<Party>>>,
    txns: Mutex<Vec<String>>,
}

fn amount(cents: u32) -> serde_json::Value {
    cny(&format!("{}.{:02}", cents / 100, cents % 100))
}

async fn new_party(world: &World) -> Party {
    let session = world.user().await;
    let card = world.card(&session, "4242424242424242").await;
    Party { session, card }
}

async fn pick(shared: &Shared, i: usize) -> Arc<Party> {
    let users = shared.users.lock().await;
    users[i % users.len()].clone()
}

async fn run(shared: Arc<Shared>, op: Op) {
    let w = &shared.world;
    let resp = match op {
        Op::Register => {
            let p = new_party(w).await;
            shared.users.lock().await.push(Arc::new(p));
            return;
        }
        Op::TopUp { user, cents } => {
            let p = pick(&shared, user).await;
            p.session
                .client
                .post_idem(
                    "/v1/top-ups",
                    json!({"card_id": p.card, "amount": amount(cents)}),
                )
                .await
        }
        Op::Pay { user, cents } => {
            let p = pick(&shared, user).await;
            p.session
                .client
                .post_idem(
                    "/v1/payments",
                    json!({"merchant_id": shared.merchant, "amount": amount(cents)}),
                )
                .await
        }
        Op::Transfer { from, to, cents } => {
            let a = pick(&shared, from).await;
            let b = pick(&shared, to).await;
            a.session
                .client
                .post_idem(
                    "/v1/transfers",
                    json!({"to": {"user_id": b.session.user_id}, "amount": amount(cents)}),
                )
                .await
        }
        Op::Withdraw { user, cents } => {
            let p = pick(&shared, user).await;
            let sent = p
                .session
                .client
                .post("/v1/verification-codes", json!({"purpose": "withdraw"}))
                .await;
            if sent.status != 202 {
                assert!(sent.status < 500, "{}", sent.body);
                return;
            }
            let code = w.code_for(&p.session.phone).await;
            let r = p
                .session
                .client
                .post_idem(
                    "/v1/withdrawals",
                    json!({"card_id": p.card, "amount": amount(cents), "code": code}),
                )
                .await;
            if r.status == 201 {
                let id = r.body["id"].as_str().unwrap().to_owned();
                let done = w
                    .app
                    .post_idem(&format!("/v1/sandbox/withdrawals/{id}/complete"), json!({}))
                    .await;
                assert_eq!(done.status, 200, "{}", done.body);
            }
            r
        }
        Op::Reverse { txn } => {
            let id = {
                let txns = shared.txns.lock().await;
                if txns.is_empty() {
                    return;
                }
                txns[txn % txns.len()].clone()
            };
            w.app
                .post_idem(&format!("/v1/sandbox/transactions/{id}/reverse"), json!({}))
                .await
        }
    };
    assert!(resp.status < 500, "5xx: {}", resp.body);
    if resp.status == 201 {
        if let Some(id) = resp.body["id"].as_str() {
            shared.txns.lock().await.push(id.to_owned());
        }
    } else {
        let allowed = [
            "insufficient_funds",
            "invalid_recipient",
            "already_reversed",
            "not_reversible",
            "resend_too_soon",
            "code_invalid",
            "fee_exceeds_amount",
        ];
        assert!(
            allowed.contains(&resp.code()),
            "unexpected failure: {}",
            resp.body
        );
    }
}

async fn scenario(steps: Vec<Vec<Op>>) {
    let config = Config {
        risk: RiskLimits {
            hold_above_minor: 0,
            velocity_max: 0,
            velocity_window_s: 60,
        },
        ..Config::for_tests()
    };
    let world = World::with(TestServer::start_with(config, true).await).await;
    let merchant = world.merchant().await;
    let first = new_party(&world).await;
    let second = new_party(&world).await;
    let shared = Arc::new(Shared {
        world,
        merchant,
        users: Mutex::new(vec![Arc::new(first), Arc::new(second)]),
        txns: Mutex::new(Vec::new()),
    });
    for step in steps {
        let tasks: Vec<_> = step
            .into_iter()
            .map(|op| tokio::spawn(run(shared.clone(), op)))
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        shared.world.server.assert_ledger_sound();
        shared.world.server.advance_s(61);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, max_shrink_iters: 32, ..ProptestConfig::default() })]

    #[test]
    fn concurrent_random_operations_keep_the_ledger_sound(
        steps in prop::collection::vec(prop::collection::vec(op(), 1..8), 1..8)
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().unwrap();
        rt.block_on(scenario(steps));
    }
}
