//! Where and how the client connects: base URL, API key, timeouts, retry
//! policy and certificate pins.

use super::error::ApiError;
use super::retry::RetryPolicy;
use super::tls::PinSet;
use reqwest::Url;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;
use zeroize::Zeroizing;

/// The developer app's API key, sent as `X-Api-Key`. `Debug` never shows it.
#[derive(Clone)]
pub struct ApiKey(Zeroizing<String>);

impl ApiKey {
    /// Wraps a key; empty keys and keys that are not valid header values are refused.
    pub fn new(key: impl Into<String>) -> Result<ApiKey, ApiError> {
        let key = Zeroizing::new(key.into());
        let printable = key.bytes().all(|b| b.is_ascii_graphic());
        if key.is_empty() || !printable || key.len() > 256 {
            return Err(ApiError::InvalidConfig(
                "api key must be 1-256 printable ASCII characters",
            ));
        }
        Ok(ApiKey(key))
    }

    /// The key itself, for the request header only.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Everything the [`ApiClient`](super::ApiClient) needs to reach the wallet API.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Base URL up to and excluding `/v1`, e.g. `https://api.example.com`.
    pub base_url: Url,
    /// The developer app's key.
    pub api_key: ApiKey,
    /// Upper bound for one HTTP exchange (connect, send, whole response).
    pub request_timeout: Duration,
    /// Upper bound for establishing a connection.
    pub connect_timeout: Duration,
    /// How failed requests are retried.
    pub retry: RetryPolicy,
    /// Optional certificate pins (HTTPS only).
    pub pins: Option<PinSet>,
}

impl ApiConfig {
    /// A configuration with default timeouts (10 s per request, 5 s to
    /// connect), the default retry policy and no pinning.
    ///
    /// The URL must be `https://`, or `http://` to a loopback address (the
    /// sandbox on this machine); anything else is
    /// [`ApiError::InsecureTransport`].
    pub fn new(base_url: &str, api_key: ApiKey) -> Result<ApiConfig, ApiError> {
        Ok(ApiConfig {
            base_url: validate_base_url(base_url)?,
            api_key,
            request_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            retry: RetryPolicy::default(),
            pins: None,
        })
    }
}

/// Parses and checks a base URL: HTTPS anywhere, plain HTTP to loopback only,
/// no credentials, query or fragment.
pub fn validate_base_url(base_url: &str) -> Result<Url, ApiError> {
    let url =
        Url::parse(base_url).map_err(|_| ApiError::InvalidConfig("base url is not a valid URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::InvalidConfig(
            "base url must not carry credentials",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::InvalidConfig(
            "base url must not have a query or fragment",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback_host(&url) => Ok(url),
        "http" => Err(ApiError::InsecureTransport),
        _ => Err(ApiError::InvalidConfig("base url scheme must be https")),
    }
}

fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        for ok in [
            "https://api.example.com",
            "https://api.example.com:8443/base/",
            "http://127.0.0.1:8787",
            "http://127.9.9.9",
            "http://[::1]:80",
            "http://localhost:1",
        ] {
            assert!(validate_base_url(ok).is_ok(), "{ok} refused");
        }
    }

    #[test]
    fn plain_http_to_other_hosts_is_insecure() {
        for bad in [
            "http://api.example.com",
            "http://10.0.0.1",
            "http://localhost.evil.com",
        ] {
            assert!(
                matches!(validate_base_url(bad), Err(ApiError::InsecureTransport)),
                "{bad}"
            );
        }
    }

    #[test]
    fn malformed_urls_and_credentials_are_refused() {
        for bad in [
            "",
            "api.example.com",
            "ftp://x",
            "https://u:p@x.com",
            "https://x.com/?a=1",
        ] {
            assert!(
                matches!(validate_base_url(bad), Err(ApiError::InvalidConfig(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn api_key_debug_is_redacted_and_bad_keys_refused() {
        let key = ApiKey::new("sk_live_canary").unwrap();
        assert!(!format!("{key:?}").contains("canary"));
        assert!(ApiKey::new("").is_err());
        assert!(ApiKey::new("has space").is_err());
        assert!(ApiKey::new("line\nbreak").is_err());
    }
}
