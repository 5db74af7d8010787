//! [`ApiClient`]: sends one logical API call, with retries, auth and error
//! mapping, and decodes the JSON answer.

use super::config::ApiConfig;
use super::error::{ApiError, MAX_RESPONSE_BYTES, NetworkFailure, Problem, parse_retry_after};
use super::retry::{AttemptOutcome, Decision};
use super::session::{SessionTokens, TokenPair};
use super::tls;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// Problem code of a `409` that means "the same idempotent request is still
/// being processed": safe to retry with the same key.
pub const IN_PROGRESS_CODE: &str = "idempotency_in_progress";

/// Path of the token refresh endpoint.
pub const REFRESH_PATH: &str = "/v1/auth/refresh";

/// One logical API call. Build it with [`ApiRequest::get`] and friends.
#[derive(Clone)]
pub struct ApiRequest {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Arc<Vec<u8>>>,
    authenticated: bool,
    idempotency_key: Option<String>,
    timeout: Option<Duration>,
}

impl std::fmt::Debug for ApiRequest {
    // The body may hold passwords, codes or card numbers: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("authenticated", &self.authenticated)
            .field("idempotent", &self.idempotency_key.is_some())
            .finish_non_exhaustive()
    }
}

impl ApiRequest {
    fn new(method: Method, path: impl Into<String>) -> ApiRequest {
        ApiRequest {
            method,
            path: path.into(),
            query: Vec::new(),
            body: None,
            authenticated: false,
            idempotency_key: None,
            timeout: None,
        }
    }

    /// A `GET` of `path` (starting with `/v1/`).
    pub fn get(path: impl Into<String>) -> ApiRequest {
        ApiRequest::new(Method::GET, path)
    }

    /// A `DELETE` of `path`.
    pub fn delete(path: impl Into<String>) -> ApiRequest {
        ApiRequest::new(Method::DELETE, path)
    }

    /// A `POST` of `body` as JSON to `path`.
    pub fn post(path: impl Into<String>, body: &impl Serialize) -> Result<ApiRequest, ApiError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|_| ApiError::InvalidConfig("request body does not serialize"))?;
        let mut request = ApiRequest::new(Method::POST, path);
        request.body = Some(Arc::new(bytes));
        Ok(request)
    }

    /// Sends the session's bearer token (and refreshes it when it expired).
    pub fn authenticated(mut self) -> ApiRequest {
        self.authenticated = true;
        self
    }

    /// Sends `Idempotency-Key: key`, which makes the request safe to retry.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> ApiRequest {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> ApiRequest {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Overrides the configured per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> ApiRequest {
        self.timeout = Some(timeout);
        self
    }

    /// Whether the server can receive this request twice without a second effect.
    fn replay_safe(&self) -> bool {
        self.idempotency_key.is_some()
            || matches!(self.method, Method::GET | Method::PUT | Method::DELETE)
    }
}

/// What one attempt produced.
enum Attempt {
    Success(Vec<u8>),
    Failed {
        outcome: AttemptOutcome,
        error: ApiError,
    },
}

/// The wallet API client. Cheap to clone; clones share connections and the session.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    config: Arc<ApiConfig>,
    session: Arc<SessionTokens>,
    retention: Arc<super::retention::Retention>,
}

impl ApiClient {
    /// A client for `config` with the Mozilla root store.
    pub fn new(config: ApiConfig) -> Result<ApiClient, ApiError> {
        ApiClient::with_extra_roots(config, &[])
    }

    /// A client that also trusts `extra_roots` (a private CA, e.g. staging).
    pub fn with_extra_roots(
        config: ApiConfig,
        extra_roots: &[rustls::pki_types::CertificateDer<'static>],
    ) -> Result<ApiClient, ApiError> {
        let tls = tls::client_config(config.pins.as_ref(), extra_roots)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| ApiError::InvalidConfig("cannot build the HTTP client"))?;
        Ok(ApiClient {
            http,
            config: Arc::new(config),
            session: Arc::new(SessionTokens::default()),
            retention: Arc::default(),
        })
    }

    /// The session shared by this client's calls.
    pub fn session(&self) -> &Arc<SessionTokens> {
        &self.session
    }

    /// The idempotency retention the server last advertised to this client.
    pub fn retention(&self) -> &super::retention::Retention {
        &self.retention
    }

    /// Sends `request` (retrying per the policy) and decodes a JSON answer.
    /// An empty success body decodes as JSON `null` (use `()` for no content).
    pub async fn send<T: DeserializeOwned>(&self, request: &ApiRequest) -> Result<T, ApiError> {
        let body = self.send_raw(request).await?;
        let body: &[u8] = if body.is_empty() { b"null" } else { &body };
        serde_json::from_slice(body).map_err(|_| ApiError::Decode)
    }

    async fn send_raw(&self, request: &ApiRequest) -> Result<Vec<u8>, ApiError> {
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        // Whether any attempt so far may have reached the server: a later
        // "could not connect" must then not look like "never sent".
        let mut maybe_delivered = false;
        loop {
            let generation = self.session.generation();
            match self.attempt(request).await {
                Attempt::Success(body) => return Ok(body),
                Attempt::Failed {
                    outcome: AttemptOutcome::Status { status: 401, .. },
                    error,
                } if request.authenticated && !refreshed && token_may_be_stale(&error) => {
                    refreshed = true;
                    if !self.refresh_session(generation).await? {
                        return Err(error);
                    }
                }
                Attempt::Failed { outcome, error } => {
                    let error = if maybe_delivered {
                        keep_unknown_outcome(error)
                    } else {
                        error
                    };
                    maybe_delivered |= error.outcome_unknown();
                    if matches!(
                        error,
                        ApiError::Network(NetworkFailure::Tls) | ApiError::ResponseTooLarge
                    ) {
                        return Err(error);
                    }
                    let decision =
                        self.config
                            .retry
                            .decide(attempt, outcome, request.replay_safe(), jitter());
                    match decision {
                        Decision::GiveUp => return Err(error),
                        Decision::RateLimited(wait) => {
                            return Err(ApiError::RateLimited {
                                retry_after_s: wait.as_secs(),
                            });
                        }
                        Decision::RetryAfter(delay) => {
                            tracing::debug!(path = %request.path, attempt, ?delay, "retrying API call");
                            tokio::time::sleep(delay).await;
                            attempt += 1;
                        }
                    }
                }
            }
        }
    }

    /// One HTTP exchange.
    async fn attempt(&self, request: &ApiRequest) -> Attempt {
        let url = format!(
            "{}{}",
            self.config.base_url.as_str().trim_end_matches('/'),
            request.path
        );
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header("X-Api-Key", self.config.api_key.expose())
            .header(
                reqwest::header::ACCEPT,
                "application/json, application/problem+json",
            );
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(timeout) = request.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(key) = &request.idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        if request.authenticated {
            match self.session.current() {
                Some(pair) => builder = builder.bearer_auth(pair.access_token.as_str()),
                None => {
                    return Attempt::Failed {
                        outcome: AttemptOutcome::Status {
                            status: 401,
                            in_progress: false,
                            retry_after: None,
                        },
                        error: ApiError::NotAuthenticated,
                    };
                }
            }
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.as_ref().clone());
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(err) => {
                super::request_id::record(None);
                return transport_failure(&err);
            }
        };
        let status = response.status();
        if let Some(seconds) = response
            .headers()
            .get(super::retention::HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(super::retention::parse)
        {
            self.retention.record(seconds);
        }
        if !status.is_success() {
            super::request_id::record(
                response
                    .headers()
                    .get(super::request_id::HEADER)
                    .and_then(|v| v.to_str().ok()),
            );
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let body = match read_capped(response).await {
            Ok(body) => body,
            Err(failed) => return failed,
        };
        tracing::debug!(method = %request.method, path = %request.path, status = status.as_u16(), "API call");
        if status.is_success() {
            return Attempt::Success(body);
        }
        failed_status(status, retry_after, &body)
    }

    /// Refreshes the tokens unless another call already did since
    /// `seen_generation`. Returns whether a usable session now exists.
    async fn refresh_session(&self, seen_generation: u64) -> Result<bool, ApiError> {
        let _gate = self.session.refresh_gate.lock().await;
        if self.session.generation() != seen_generation {
            return Ok(self.session.current().is_some());
        }
        let Some(current) = self.session.current() else {
            return Ok(false);
        };
        // The key is derived from the refresh token, so a retry after a lost
        // response (even from a restarted process) replays the same rotation
        // instead of looking like refresh-token reuse.
        let key = refresh_idempotency_key(&current.refresh_token);
        let body = serde_json::json!({ "refresh_token": current.refresh_token.as_str() });
        let request = ApiRequest::post(REFRESH_PATH, &body)?.idempotency_key(key);
        match Box::pin(self.send::<TokenPair>(&request)).await {
            Ok(pair) => {
                self.session.rotate(pair);
                Ok(true)
            }
            Err(ApiError::Problem(problem)) if problem.status == 401 => {
                self.session.clear();
                Err(ApiError::Problem(problem))
            }
            Err(other) => Err(other),
        }
    }
}

/// A `401` a token refresh can cure: the access token was refused (or no
/// problem body says otherwise). A `401` that refuses a credential the user
/// typed (`wrong_password` from `/v1/me/password` or `/v1/me/unfreeze`), the
/// API key or a login ticket is final: refreshing would spend the refresh
/// token and resending would count a second wrong password.
fn token_may_be_stale(error: &ApiError) -> bool {
    !matches!(
        error.problem_code(),
        Some(
            "wrong_password"
                | "login_ticket_invalid"
                | "missing_api_key"
                | "invalid_api_key"
                | "invalid_refresh_token"
                | "refresh_token_reused"
        )
    )
}

/// Reads a response body of at most [`MAX_RESPONSE_BYTES`]; a larger one
/// (announced or actual) is refused without buffering the rest.
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, Attempt> {
    let too_large = Attempt::Failed {
        outcome: AttemptOutcome::Interrupted,
        error: ApiError::ResponseTooLarge,
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_RESPONSE_BYTES as u64)
    {
        return Err(too_large);
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                    return Err(too_large);
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(err) => return Err(transport_failure(&err)),
        }
    }
}

/// After an attempt that may have reached the server, a later failure that
/// proves only that *this* attempt did not is reported as interrupted, so
/// the caller keeps treating the outcome as unknown.
fn keep_unknown_outcome(error: ApiError) -> ApiError {
    match error {
        ApiError::Network(NetworkFailure::Connect | NetworkFailure::Tls) => {
            ApiError::Network(NetworkFailure::Interrupted)
        }
        other => other,
    }
}

/// `Idempotency-Key` of the refresh that consumes `refresh_token`: a hash, so
/// the key reveals nothing about the token.
fn refresh_idempotency_key(refresh_token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, refresh_token.as_bytes());
    let hex: String = digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("refresh-{hex}")
}

fn failed_status(status: StatusCode, retry_after: Option<Duration>, body: &[u8]) -> Attempt {
    let problem = serde_json::from_slice::<Problem>(body)
        .ok()
        .map(|mut problem| {
            problem.status = status.as_u16();
            problem
        });
    let in_progress = problem.as_ref().is_some_and(|p| p.code == IN_PROGRESS_CODE);
    let error = match problem {
        Some(problem) => ApiError::Problem(Box::new(problem)),
        None => ApiError::UnexpectedStatus {
            status: status.as_u16(),
        },
    };
    Attempt::Failed {
        outcome: AttemptOutcome::Status {
            status: status.as_u16(),
            in_progress,
            retry_after,
        },
        error,
    }
}

fn transport_failure(err: &reqwest::Error) -> Attempt {
    if err.is_timeout() {
        return Attempt::Failed {
            outcome: AttemptOutcome::Interrupted,
            error: ApiError::Timeout,
        };
    }
    if is_tls_failure(err) {
        return Attempt::Failed {
            outcome: AttemptOutcome::ConnectFailed,
            error: ApiError::Network(NetworkFailure::Tls),
        };
    }
    if err.is_connect() {
        return Attempt::Failed {
            outcome: AttemptOutcome::ConnectFailed,
            error: ApiError::Network(NetworkFailure::Connect),
        };
    }
    Attempt::Failed {
        outcome: AttemptOutcome::Interrupted,
        error: ApiError::Network(NetworkFailure::Interrupted),
    }
}

fn is_tls_failure(err: &reqwest::Error) -> bool {
    // `io::Error::source` skips the error it wraps, so descend through
    // `get_ref` for those and through `source` for everything else.
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = current {
        if error.is::<rustls::Error>() {
            return true;
        }
        current = match error.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    false
}

/// A random value in `[0, 1]` for back-off jitter.
fn jitter() -> f64 {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 4];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_key_is_stable_and_hides_the_token() {
        let key = refresh_idempotency_key("rt_secret_canary");
        assert_eq!(key, refresh_idempotency_key("rt_secret_canary"));
        assert_ne!(key, refresh_idempotency_key("rt_other"));
        assert!(!key.contains("canary"));
    }

    #[test]
    fn request_debug_hides_the_body() {
        let request = ApiRequest::post(
            "/v1/auth/login",
            &serde_json::json!({"password": "hunter2-canary"}),
        );
        let shown = format!("{request:?}");
        assert!(!shown.contains("canary"), "{shown}");
    }

    #[test]
    fn only_keyed_or_safe_methods_are_replay_safe() {
        let body = serde_json::json!({});
        assert!(ApiRequest::get("/v1/me").replay_safe());
        assert!(
            !ApiRequest::post("/v1/x", &body)
                .map(|r| r.replay_safe())
                .unwrap_or(true)
        );
        assert!(
            ApiRequest::post("/v1/x", &body)
                .map(|r| r.idempotency_key("k").replay_safe())
                .unwrap_or(false)
        );
    }
}
