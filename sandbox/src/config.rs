//! Command-line and runtime configuration of the sandbox server.
//!
//! [`Args`] is what a person types (`imwallet-sandbox --listen ... --db ...`);
//! [`Config`] is every tunable rule of the running server (fees, code limits,
//! risk limits, hashing cost). Tests build a [`Config`] directly.

use imwallet_protocol::money::FeeRule;
use std::net::SocketAddr;

/// Options of `imwallet-sandbox` (and `imwallet sandbox serve`).
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Address to listen on. Port 0 picks a free port.
    #[arg(
        long,
        default_value = "127.0.0.1:8787",
        env = "IMWALLET_SANDBOX_LISTEN"
    )]
    pub listen: SocketAddr,
    /// SQLite database file, or `:memory:`.
    #[arg(long, default_value = "sandbox.db", env = "IMWALLET_SANDBOX_DB")]
    pub db: String,
    /// Disable the sandbox-only endpoints (`/v1/sandbox/*`, including the
    /// verification-code outbox), as a non-sandbox deployment would.
    #[arg(long, env = "IMWALLET_SANDBOX_NO_SANDBOX_ENDPOINTS")]
    pub no_sandbox_endpoints: bool,
    /// The operator credential: the operator endpoints (`/v1/sandbox/*`,
    /// `POST /v1/merchants`) are served only when it is set, and only to a
    /// request whose `X-Sandbox-Operator-Key` header carries it (besides the
    /// app's `X-Api-Key`). Keep it on the developer's machine, never in an app.
    #[arg(long, env = "IMWALLET_SANDBOX_OPERATOR_KEY", hide_env_values = true)]
    pub operator_key: Option<String>,
    /// Validity of a verification code in seconds (default: that of
    /// [`CodeRules::default`]). A short value lets a harness see
    /// `code_expired` without waiting.
    #[arg(long, env = "IMWALLET_SANDBOX_CODE_TTL_S", value_parser = clap::value_parser!(i64).range(1..))]
    pub code_ttl_s: Option<i64>,
    /// First webhook retry delay in milliseconds; each further retry
    /// doubles it up to `--webhook-retry-cap-ms`, with jitter (default: that
    /// of [`WebhookRules::default`]).
    #[arg(long, env = "IMWALLET_SANDBOX_WEBHOOK_RETRY_BASE_MS", value_parser = clap::value_parser!(i64).range(1..))]
    pub webhook_retry_base_ms: Option<i64>,
    /// Longest webhook retry delay in milliseconds.
    #[arg(long, env = "IMWALLET_SANDBOX_WEBHOOK_RETRY_CAP_MS", value_parser = clap::value_parser!(i64).range(1..))]
    pub webhook_retry_cap_ms: Option<i64>,
    /// How long after an event the sandbox keeps retrying its delivery, in
    /// seconds (default 3 days).
    #[arg(long, env = "IMWALLET_SANDBOX_WEBHOOK_RETRY_FOR_S", value_parser = clap::value_parser!(i64).range(1..))]
    pub webhook_retry_for_s: Option<i64>,
    /// Time a receiver has to answer one delivery, in milliseconds.
    #[arg(long, env = "IMWALLET_SANDBOX_WEBHOOK_TIMEOUT_MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_timeout_ms: Option<u64>,
    /// How often the delivery worker looks for due deliveries, in
    /// milliseconds.
    #[arg(long, env = "IMWALLET_SANDBOX_WEBHOOK_POLL_MS", value_parser = clap::value_parser!(u64).range(1..))]
    pub webhook_poll_ms: Option<u64>,
}

impl Args {
    /// The webhook rules these options ask for (defaults for the ones not
    /// given).
    pub fn webhook_rules(&self) -> WebhookRules {
        let d = WebhookRules::default();
        WebhookRules {
            retry_base_ms: self.webhook_retry_base_ms.unwrap_or(d.retry_base_ms),
            retry_cap_ms: self.webhook_retry_cap_ms.unwrap_or(d.retry_cap_ms),
            retry_for_ms: self
                .webhook_retry_for_s
                .map_or(d.retry_for_ms, |s| s.saturating_mul(1000)),
            timeout_ms: self.webhook_timeout_ms.unwrap_or(d.timeout_ms),
            poll_ms: self.webhook_poll_ms.unwrap_or(d.poll_ms),
        }
    }
}

/// Webhook delivery: at-least-once with exponential back-off and jitter.
/// Attempt `n` (from 1) that fails is retried after
/// `d/2 + random(0..=d/2)` with `d = min(retry_cap_ms, retry_base_ms * 2^(n-1))`,
/// until `retry_for_ms` after the event (then the delivery is `failed`;
/// a manual resend starts it again).
#[derive(Debug, Clone, Copy)]
pub struct WebhookRules {
    /// First retry delay, milliseconds.
    pub retry_base_ms: i64,
    /// Longest retry delay, milliseconds.
    pub retry_cap_ms: i64,
    /// How long deliveries are retried, milliseconds after the event.
    pub retry_for_ms: i64,
    /// Time a receiver has to answer, milliseconds.
    pub timeout_ms: u64,
    /// Interval of the delivery worker's look for due deliveries, ms.
    pub poll_ms: u64,
}

impl Default for WebhookRules {
    /// Retries after about 30 s, 1 min, 2 min, ... then hourly, for 3 days.
    fn default() -> Self {
        WebhookRules {
            retry_base_ms: 30_000,
            retry_cap_ms: 3_600_000,
            retry_for_ms: 3 * 24 * 3600 * 1000,
            timeout_ms: 10_000,
            poll_ms: 500,
        }
    }
}

/// Fee rules per operation (basis points with a minimum, see
/// [`FeeRule::fee_for`]).
#[derive(Debug, Clone, Copy)]
pub struct Fees {
    /// Charged to the user on a top-up (deducted from the credited amount).
    pub top_up: FeeRule,
    /// Charged to the merchant on a payment (deducted from the settlement).
    pub merchant: FeeRule,
    /// Charged to the user on a withdrawal (deducted from the paid-out amount).
    pub withdrawal: FeeRule,
    /// Charged to the sender on a transfer (deducted from the received amount).
    pub transfer: FeeRule,
}

impl Default for Fees {
    fn default() -> Self {
        Fees {
            top_up: FeeRule {
                rate_bps: 10,
                min_fee_minor: 0,
            },
            merchant: FeeRule {
                rate_bps: 60,
                min_fee_minor: 0,
            },
            withdrawal: FeeRule {
                rate_bps: 10,
                min_fee_minor: 100,
            },
            transfer: FeeRule::FREE,
        }
    }
}

/// Risk limits. A limit of 0 disables that rule.
#[derive(Debug, Clone, Copy)]
pub struct RiskLimits {
    /// A single payment, transfer or withdrawal above this many minor units
    /// is put on hold instead of completing.
    pub hold_above_minor: i64,
    /// More than this many money movements by one user inside
    /// [`RiskLimits::velocity_window_s`] freezes the account.
    pub velocity_max: u32,
    /// Length of the velocity window, in seconds.
    pub velocity_window_s: i64,
}

impl Default for RiskLimits {
    fn default() -> Self {
        RiskLimits {
            hold_above_minor: 5_000_000,
            velocity_max: 30,
            velocity_window_s: 60,
        }
    }
}

/// Top-up limits, per user and currency. A limit of 0 disables that rule.
#[derive(Debug, Clone, Copy)]
pub struct TopUpLimits {
    /// Largest single top-up, in minor units (`422 top_up_limit_exceeded`,
    /// `scope: operation`).
    pub max_per_operation_minor: i64,
    /// Largest sum of a user's top-ups in one currency over a rolling 24
    /// hours, held ones included (`422 top_up_limit_exceeded`, `scope: day`).
    pub max_per_day_minor: i64,
    /// A top-up above this many minor units is held for review (parked in
    /// the risk-hold account, credited on release).
    pub hold_above_minor: i64,
}

impl Default for TopUpLimits {
    fn default() -> Self {
        TopUpLimits {
            max_per_operation_minor: 10_000_000,
            max_per_day_minor: 20_000_000,
            hold_above_minor: 5_000_000,
        }
    }
}

/// Verification-code rules.
#[derive(Debug, Clone, Copy)]
pub struct CodeRules {
    /// Validity of a code, in seconds.
    pub ttl_s: i64,
    /// Wrong tries after which a code is void.
    pub max_attempts: u32,
    /// Minimum seconds between two codes for one destination and purpose.
    pub resend_after_s: i64,
    /// Requested codes per destination **and purpose** per rolling 24
    /// hours: each purpose has its own count, so reset-code requests never
    /// use up the login, card or withdrawal codes.
    pub daily_cap: u32,
    /// Second-factor codes a user gets per rolling 24 hours for a correct
    /// password. They are not subject to the resend throttle or to
    /// [`CodeRules::daily_cap`], which anyone who knows the phone number
    /// can use up; only the owner of the password can use this one.
    pub second_factor_daily_cap: u32,
    /// Unauthenticated code requests (`register`, `login`,
    /// `reset_password` by destination) one API key may make per rolling
    /// hour. 0 disables the limit.
    pub anonymous_sends_per_key_hour: u32,
}

impl Default for CodeRules {
    fn default() -> Self {
        CodeRules {
            ttl_s: 600,
            max_attempts: 5,
            resend_after_s: 60,
            daily_cap: 10,
            second_factor_daily_cap: 50,
            anonymous_sends_per_key_hour: 300,
        }
    }
}

/// Cost of the server-side Argon2id password hash.
#[derive(Debug, Clone, Copy)]
pub struct HashCost {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Iterations.
    pub t: u32,
}

impl HashCost {
    /// The OWASP minimum for Argon2id: 19 MiB, 2 iterations.
    pub const PRODUCTION: HashCost = HashCost {
        m_kib: 19 * 1024,
        t: 2,
    };
    /// Cheap but valid Argon2id parameters, for tests only.
    pub const TEST: HashCost = HashCost { m_kib: 64, t: 1 };
}

/// Everything the running server needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Fee rules.
    pub fees: Fees,
    /// Risk limits.
    pub risk: RiskLimits,
    /// Verification-code rules.
    pub codes: CodeRules,
    /// Top-up limits.
    pub top_up: TopUpLimits,
    /// Password hashing cost.
    pub hash_cost: HashCost,
    /// Whether `/v1/sandbox/*` (outbox, merchant/coupon helpers, settlement)
    /// is served.
    pub sandbox_endpoints: bool,
    /// The operator credential (`X-Sandbox-Operator-Key`) the operator
    /// endpoints require; `None` turns them off. Each operator action is
    /// further scoped to the calling app's own users and merchants.
    pub operator_key: Option<String>,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Lifetime of an access token, in seconds.
    pub access_ttl_s: i64,
    /// Lifetime of a refresh token, in seconds.
    pub refresh_ttl_s: i64,
    /// Grace window, in seconds, in which a refresh retried with the same
    /// `Idempotency-Key` and the same (already rotated) refresh token gets
    /// the original rotation's tokens again instead of revoking the session.
    /// 0 disables the replay.
    pub refresh_replay_window_s: i64,
    /// How long idempotency keys are kept, in seconds (at least 24 h).
    pub idempotency_ttl_s: i64,
    /// Webhook delivery schedule.
    pub webhooks: WebhookRules,
    /// How long the time-out-once magic top-up holds its first answer, in
    /// milliseconds (longer than a client's request timeout; see
    /// [`crate::magic`]).
    pub magic_delay_ms: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            fees: Fees::default(),
            risk: RiskLimits::default(),
            codes: CodeRules::default(),
            top_up: TopUpLimits::default(),
            hash_cost: HashCost::PRODUCTION,
            sandbox_endpoints: true,
            operator_key: None,
            body_limit: 64 * 1024,
            access_ttl_s: 900,
            refresh_ttl_s: 30 * 24 * 3600,
            refresh_replay_window_s: 60,
            idempotency_ttl_s: 25 * 3600,
            webhooks: WebhookRules::default(),
            magic_delay_ms: 15_000,
        }
    }
}

/// The operator credential of [`Config::for_tests`] (tests and harnesses
/// send it as `X-Sandbox-Operator-Key`).
pub const TEST_OPERATOR_KEY: &str = "op_sandbox_tests";

impl Config {
    /// Defaults with cheap password hashing and the operator endpoints on
    /// (credential [`TEST_OPERATOR_KEY`]), for tests and benchmarks.
    pub fn for_tests() -> Config {
        Config {
            hash_cost: HashCost::TEST,
            operator_key: Some(TEST_OPERATOR_KEY.to_owned()),
            ..Config::default()
        }
    }

    /// Whether the operator endpoints are served.
    pub fn operator_endpoints(&self) -> bool {
        self.sandbox_endpoints && self.operator_key.is_some()
    }
}
