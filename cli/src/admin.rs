//! A small client for the sandbox's operator endpoints, which are not part
//! of the wallet facade (a real client never calls them): create a
//! developer app, read the verification codes the sandbox "sent" from its
//! outbox, create merchants and their QR codes, issue coupons, settle
//! withdrawals and charge offline payment codes as a merchant's scanner.
//!
//! Plain JSON over reqwest; the sandbox listens on loopback. Every call but
//! `create_app` is an operator call: it sends the app's `X-Api-Key` and the
//! server's operator credential as `X-Sandbox-Operator-Key`
//! ([`SandboxAdmin::with_operator_key`]; `IMWALLET_SANDBOX_OPERATOR_KEY` on
//! the command line), and sees only that app's users and merchants.
//!
//! | call | endpoint |
//! |---|---|
//! | [`SandboxAdmin::create_app`] | `POST /v1/apps` (no key) |
//! | [`SandboxAdmin::newest_code`] | `GET /v1/sandbox/outbox?destination=...` |
//! | [`SandboxAdmin::create_merchant`] | `POST /v1/merchants` |
//! | [`SandboxAdmin::merchant_qr`] | `GET /v1/merchants/{id}/qr` |
//! | [`SandboxAdmin::merchant_balances`] | `GET /v1/merchants/{id}` |
//! | [`SandboxAdmin::issue_coupon`] | `POST /v1/sandbox/coupons` |
//! | [`SandboxAdmin::complete_withdrawal`] | `POST /v1/sandbox/withdrawals/{id}/complete` |
//! | [`SandboxAdmin::charge_payment_code`] | `POST /v1/merchants/{id}/paycode-charges` |

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use imwallet_protocol::money::Money;
use imwallet_protocol::wire::Purpose;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::exit::CliError;
use crate::tr;

/// A client of the sandbox's operator endpoints.
#[derive(Debug, Clone)]
pub struct SandboxAdmin {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<String>,
    operator_key: Option<String>,
}

static KEYS: AtomicU64 = AtomicU64::new(0);

/// A fresh `Idempotency-Key` (unique per process and call).
fn idempotency_key() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "imwallet-cli-{}-{nanos}-{}",
        std::process::id(),
        KEYS.fetch_add(1, Ordering::Relaxed)
    )
}

#[derive(Deserialize)]
struct Outbox {
    messages: Vec<OutboxMessage>,
}

#[derive(Deserialize)]
struct OutboxMessage {
    purpose: Purpose,
    code: String,
}

#[derive(Deserialize)]
struct MerchantView {
    balances: Vec<Money>,
}

impl SandboxAdmin {
    /// A client of the sandbox at `base_url`, calling with `api_key` when
    /// given.
    pub fn new(base_url: &str, api_key: Option<String>) -> Result<Self, CliError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| CliError::Config(tr!("error-http-client", detail = e.to_string())))?;
        Ok(Self {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            operator_key: None,
        })
    }

    /// This client with the server's operator credential
    /// (`X-Sandbox-Operator-Key`).
    pub fn with_operator_key(&self, operator_key: &str) -> Self {
        Self {
            operator_key: Some(operator_key.to_owned()),
            ..self.clone()
        }
    }

    /// This client with the app's API key.
    pub fn with_key(&self, api_key: &str) -> Self {
        Self {
            api_key: Some(api_key.to_owned()),
            ..self.clone()
        }
    }

    async fn call(
        &self,
        what: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        idempotent: bool,
    ) -> Result<Value, CliError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base_url));
        if let Some(key) = &self.api_key {
            request = request.header("X-Api-Key", key);
        }
        if let Some(key) = &self.operator_key {
            request = request.header("X-Sandbox-Operator-Key", key);
        }
        if idempotent {
            request = request.header("Idempotency-Key", idempotency_key());
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .map_err(|_| CliError::Unreachable(self.base_url.clone()))?;
        let status = response.status();
        let value: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            let code = value["code"]
                .as_str()
                .map_or_else(|| format!("HTTP {}", status.as_u16()), str::to_owned);
            return Err(CliError::AdminRefused {
                what: what.to_owned(),
                code,
            });
        }
        Ok(value)
    }

    fn field(value: &Value, name: &str, what: &str) -> Result<String, CliError> {
        value[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| CliError::Other(format!("the sandbox's {what} answer has no {name}")))
    }

    /// Whether the server refuses this client's API key (`GET
    /// /v1/apps/current` answers `invalid_api_key` / `missing_api_key`).
    /// Anything else — the app, an unreachable server, no answer within
    /// two seconds — is not a refusal: the command goes on and meets it.
    pub async fn api_key_refused(&self) -> bool {
        let call = self.call(
            "the app",
            reqwest::Method::GET,
            "/v1/apps/current",
            None,
            false,
        );
        matches!(
            tokio::time::timeout(Duration::from_secs(2), call).await,
            Ok(Err(CliError::AdminRefused { code, .. }))
                if code == "invalid_api_key" || code == "missing_api_key"
        )
    }

    /// Creates a developer app and returns its API key.
    pub async fn create_app(&self, name: &str) -> Result<String, CliError> {
        let v = self
            .call(
                "the new app",
                reqwest::Method::POST,
                "/v1/apps",
                Some(json!({ "name": name })),
                false,
            )
            .await?;
        Self::field(&v, "api_key", "app")
    }

    /// The newest code the sandbox sent to `destination` for `purpose`.
    pub async fn newest_code(
        &self,
        destination: &str,
        purpose: Purpose,
    ) -> Result<String, CliError> {
        self.newest_code_of(destination, Some(purpose))
            .await
            .map(|(code, _)| code)
    }

    /// The newest code sent to `destination` for `purpose`, or of any
    /// purpose when `None`; with the purpose it was sent for.
    pub async fn newest_code_of(
        &self,
        destination: &str,
        purpose: Option<Purpose>,
    ) -> Result<(String, Purpose), CliError> {
        let path = format!(
            "/v1/sandbox/outbox?destination={}",
            destination.replace('+', "%2B").replace('@', "%40")
        );
        let v = self
            .call("the outbox read", reqwest::Method::GET, &path, None, false)
            .await?;
        let outbox: Outbox = serde_json::from_value(v)
            .map_err(|_| CliError::Other(tr!("error-outbox-malformed")))?;
        outbox
            .messages
            .into_iter()
            .find(|m| purpose.is_none_or(|p| m.purpose == p))
            .map(|m| (m.code, m.purpose))
            .ok_or_else(|| CliError::AdminRefused {
                what: "the outbox read".into(),
                code: "no_code_sent".into(),
            })
    }

    /// Creates a merchant; returns its id.
    pub async fn create_merchant(
        &self,
        name: &str,
        city: &str,
        currency: &str,
    ) -> Result<String, CliError> {
        let v = self
            .call(
                "the new merchant",
                reqwest::Method::POST,
                "/v1/merchants",
                Some(json!({ "name": name, "city": city, "currency": currency })),
                false,
            )
            .await?;
        Self::field(&v, "merchant_id", "merchant")
    }

    /// The merchant's static EMVCo payload (what its counter QR shows).
    pub async fn merchant_qr(&self, merchant_id: &str) -> Result<String, CliError> {
        let v = self
            .call(
                "the merchant QR",
                reqwest::Method::GET,
                &format!("/v1/merchants/{merchant_id}/qr"),
                None,
                false,
            )
            .await?;
        Self::field(&v, "payload", "merchant QR")
    }

    /// The merchant's balances, as the sandbox ledger derives them.
    pub async fn merchant_balances(&self, merchant_id: &str) -> Result<Vec<Money>, CliError> {
        let v = self
            .call(
                "the merchant read",
                reqwest::Method::GET,
                &format!("/v1/merchants/{merchant_id}"),
                None,
                false,
            )
            .await?;
        let view: MerchantView = serde_json::from_value(v)
            .map_err(|_| CliError::Other("the sandbox's merchant answer is malformed".into()))?;
        Ok(view.balances)
    }

    /// Issues a fixed-amount coupon to a user; returns its id.
    pub async fn issue_coupon(
        &self,
        user_id: &str,
        amount_off: Money,
        min_spend: Money,
    ) -> Result<String, CliError> {
        let v = self
            .call(
                "the coupon",
                reqwest::Method::POST,
                "/v1/sandbox/coupons",
                Some(json!({
                    "user_id": user_id,
                    "kind": "fixed",
                    "amount_off": amount_off,
                    "min_spend": min_spend,
                    "expires_at": 4_102_444_800_000_i64,
                })),
                false,
            )
            .await?;
        Self::field(&v, "coupon_id", "coupon")
    }

    /// Settles a pending withdrawal (the payout reached the card).
    pub async fn complete_withdrawal(&self, transaction_id: &str) -> Result<(), CliError> {
        self.call(
            "the withdrawal settlement",
            reqwest::Method::POST,
            &format!("/v1/sandbox/withdrawals/{transaction_id}/complete"),
            Some(json!({})),
            true,
        )
        .await?;
        Ok(())
    }

    /// Charges a user's offline payment code at a merchant's scanner;
    /// returns the sandbox's transaction view.
    pub async fn charge_payment_code(
        &self,
        merchant_id: &str,
        code: &str,
        amount: Money,
    ) -> Result<Value, CliError> {
        self.call(
            "the payment-code charge",
            reqwest::Method::POST,
            &format!("/v1/merchants/{merchant_id}/paycode-charges"),
            Some(json!({ "code": code, "amount": amount })),
            true,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_are_unique() {
        assert_ne!(idempotency_key(), idempotency_key());
    }
}
