//! The API client's answers to hostile or surprising servers (issue 10):
//! a `401` that refuses a password is not a token problem, and a response
//! body has a size cap. A tiny HTTP/1.1 server on loopback answers each
//! path with a fixed response and records what it was asked.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use imwallet_core::api::{ApiClient, ApiConfig, ApiError, ApiKey, ApiRequest, TokenPair};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Paths asked, in order.
type Log = Arc<Mutex<Vec<String>>>;

/// Serves `answer(path) -> (status, body)` on loopback; returns the base URL and the log.
async fn serve(answer: fn(&str) -> (u16, String)) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    let seen = log.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).to_string();
                    let length: usize = head
                        .lines()
                        .filter_map(|l| l.split_once(':'))
                        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
                        .and_then(|(_, v)| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buffer.len() < end + 4 + length {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buffer.drain(..end + 4 + length);
                    let path = head.split(' ').nth(1).unwrap_or("").to_string();
                    seen.lock().unwrap().push(path.clone());
                    let (status, body) = answer(&path);
                    let kind = if status >= 400 {
                        "application/problem+json"
                    } else {
                        "application/json"
                    };
                    let response = format!(
                        "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\n\r\n",
                        body.len()
                    );
                    if stream.write_all(response.as_bytes()).await.is_err()
                        || stream.write_all(body.as_bytes()).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    (base_url, log)
}

fn client(base_url: &str) -> ApiClient {
    let client =
        ApiClient::new(ApiConfig::new(base_url, ApiKey::new("k").unwrap()).unwrap()).unwrap();
    let pair: TokenPair =
        serde_json::from_value(json!({"access_token": "at1", "refresh_token": "rt1"})).unwrap();
    client.session().set(pair);
    client
}

fn problem(status: u16, code: &str) -> (u16, String) {
    (
        status,
        json!({"type": "about:blank", "status": status, "code": code, "title": code}).to_string(),
    )
}

#[tokio::test]
async fn a_wrong_password_401_is_neither_refreshed_nor_resent() {
    let (base_url, log) = serve(|path| match path {
        "/v1/auth/refresh" => (
            200,
            json!({"access_token": "at2", "refresh_token": "rt2"}).to_string(),
        ),
        _ => problem(401, "wrong_password"),
    })
    .await;
    let client = client(&base_url);
    for path in ["/v1/me/password", "/v1/me/unfreeze"] {
        let request = ApiRequest::post(path, &json!({"password": "wrong"}))
            .unwrap()
            .authenticated();
        let err = client.send::<Value>(&request).await.unwrap_err();
        assert_eq!(err.problem_code(), Some("wrong_password"));
    }
    assert_eq!(
        *log.lock().unwrap(),
        vec!["/v1/me/password".to_string(), "/v1/me/unfreeze".to_string()],
        "no refresh and no resend"
    );
    // The session (and its refresh token) is untouched.
    let pair = client.session().current().unwrap();
    assert_eq!(pair.refresh_token.as_str(), "rt1");
}

#[tokio::test]
async fn a_response_body_over_the_cap_is_refused() {
    let (base_url, _) = serve(|_| {
        let filler = "x".repeat(imwallet_core::api::MAX_RESPONSE_BYTES + 1);
        (200, json!({ "filler": filler }).to_string())
    })
    .await;
    let err = client(&base_url)
        .send::<Value>(&ApiRequest::get("/v1/me").authenticated())
        .await
        .unwrap_err();
    assert_eq!(err, ApiError::ResponseTooLarge);
}

#[tokio::test]
async fn a_response_body_under_the_cap_is_read() {
    let (base_url, _) =
        serve(|_| (200, json!({ "filler": "x".repeat(100_000) }).to_string())).await;
    let answer: Value = client(&base_url)
        .send(&ApiRequest::get("/v1/me").authenticated())
        .await
        .unwrap();
    assert_eq!(answer["filler"].as_str().unwrap().len(), 100_000);
}
