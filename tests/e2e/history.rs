//! Transaction history: cursor paging, `updated_since` sync, points.

use imwallet_tests::{World, cny};
use serde_json::{Value, json};
use std::collections::HashSet;

async fn all_pages(client: &imwallet_tests::Client, first: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = first.to_owned();
    loop {
        let page = client.get(&path).await;
        let body = page.ok(200).clone();
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["next_cursor"].as_str() {
            Some(c) => {
                let sep = if first.contains('?') { '&' } else { '?' };
                let base = first.split("&cursor").next().unwrap();
                path = format!("{base}{sep}cursor={c}");
            }
            None => return items,
        }
    }
}

#[tokio::test]
async fn cursor_paging_returns_every_transaction_once_newest_first() {
    let w = World::manual().await;
    let alice = w.user().await;
    let bob = w.user().await;
    w.funded(&alice, "100.00").await;
    for i in 0..12 {
        w.server.advance_s(1);
        alice
            .client
            .post_idem(
                "/v1/transfers",
                json!({"to": {"user_id": bob.user_id}, "amount": cny(&format!("1.{i:02}"))}),
            )
            .await
            .ok(201);
    }
    let items = all_pages(&alice.client, "/v1/transactions?limit=5").await;
    assert_eq!(items.len(), 13);
    let ids: HashSet<_> = items
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 13);
    let created: Vec<i64> = items
        .iter()
        .map(|t| t["created_at"].as_i64().unwrap())
        .collect();
    assert!(created.windows(2).all(|p| p[0] >= p[1]), "newest first");
    assert_eq!(items.last().unwrap()["type"], "top_up");
    let bobs = all_pages(&bob.client, "/v1/transactions?limit=200").await;
    assert_eq!(bobs.len(), 12);
    alice
        .client
        .get("/v1/transactions?cursor=garbage")
        .await
        .assert_problem(400, "invalid_cursor");
    alice
        .client
        .get("/v1/transactions?limit=0")
        .await
        .assert_problem(400, "invalid_query");
    alice
        .client
        .get("/v1/transactions?limit=abc")
        .await
        .assert_problem(400, "invalid_query");
    alice
        .client
        .get("/v1/transactions?bogus=1")
        .await
        .assert_problem(400, "invalid_query");
    alice
        .client
        .get("/v1/transactions/txn_nope")
        .await
        .assert_problem(404, "transaction_not_found");
}

#[tokio::test]
async fn updated_since_returns_new_and_changed_transactions() {
    let w = World::manual().await;
    let user = w.user().await;
    let card = w.funded(&user, "100.00").await;
    let merchant = w.merchant().await;
    w.server.advance_s(1);
    let paid = user
        .client
        .post_idem(
            "/v1/payments",
            json!({"merchant_id": merchant, "amount": cny("5.00")}),
        )
        .await;
    let paid_id = paid.ok(201)["id"].as_str().unwrap().to_owned();
    let synced = all_pages(&user.client, "/v1/transactions?updated_since=0&limit=1").await;
    assert_eq!(synced.len(), 2);
    let mark = synced
        .iter()
        .map(|t| t["updated_at"].as_i64().unwrap())
        .max()
        .unwrap();
    w.server.advance_s(1);
    // a new top-up and a change (reversal) of the old payment
    user.client
        .post_idem(
            "/v1/top-ups",
            json!({"card_id": card, "amount": cny("1.00")}),
        )
        .await
        .ok(201);
    w.app
        .post_idem(
            &format!("/v1/sandbox/transactions/{paid_id}/reverse"),
            json!({}),
        )
        .await
        .ok(201);
    let delta = all_pages(
        &user.client,
        &format!("/v1/transactions?updated_since={}&limit=2", mark + 1),
    )
    .await;
    let kinds: Vec<(&str, &str)> = delta
        .iter()
        .map(|t| (t["type"].as_str().unwrap(), t["status"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(kinds.contains(&("payment", "reversed")), "{kinds:?}");
    assert!(kinds.contains(&("reversal", "completed")), "{kinds:?}");
    assert!(kinds.contains(&("top_up", "completed")), "{kinds:?}");
    let updated: Vec<i64> = delta
        .iter()
        .map(|t| t["updated_at"].as_i64().unwrap())
        .collect();
    assert!(
        updated.windows(2).all(|p| p[0] <= p[1]),
        "oldest change first"
    );
}
