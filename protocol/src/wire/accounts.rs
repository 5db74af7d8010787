//! Verification codes, registration, login, sessions, profile and account
//! status.

use serde::{Deserialize, Serialize};

use super::SecretText;

/// Why a verification code is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Sign-up.
    Register,
    /// Second factor of a login.
    Login,
    /// Forgotten password.
    ResetPassword,
    /// Confirming a newly bound card.
    BindCard,
    /// Confirming a withdrawal.
    Withdraw,
}

/// How a code is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Text message to a phone.
    Sms,
    /// E-mail.
    Email,
}

/// `POST /v1/verification-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// What the code will be used for.
    pub purpose: Purpose,
    /// E.164 phone or e-mail; omitted for purposes tied to the logged-in user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

/// A code was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    /// Channel used.
    pub channel: Channel,
    /// Masked or full destination as the server reports it.
    pub destination: String,
    /// Purpose of the code.
    pub purpose: Purpose,
    /// When the code stops working (ms).
    pub expires_at: i64,
    /// When another code may be requested (ms).
    pub resend_after: i64,
}

/// `POST /v1/users`: exactly one of `phone` and `email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// E.164 phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The new password (8–256 characters).
    pub password: SecretText,
    /// The `register` code.
    pub code: SecretText,
    /// Optional display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// Account status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Normal.
    Active,
    /// Frozen by the user or by a risk rule.
    Frozen,
}

/// Why an account is frozen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrozenReason {
    /// The user froze it (e.g. stolen phone).
    #[serde(rename = "self")]
    SelfFrozen,
    /// A risk rule froze it.
    Risk,
}

/// `GET /v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Server user id.
    pub user_id: String,
    /// E.164 phone, if registered by phone.
    pub phone: Option<String>,
    /// E-mail, if registered by e-mail.
    pub email: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Active or frozen.
    pub status: AccountStatus,
    /// Why frozen, if frozen.
    pub frozen_reason: Option<FrozenReason>,
    /// Registration time (ms).
    pub created_at: i64,
}

/// `POST /v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    /// Phone or e-mail.
    pub identifier: String,
    /// Password.
    pub password: SecretText,
}

/// The first login step succeeded; a second-factor code was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginChallenge {
    /// Opaque ticket for the second step.
    pub login_ticket: SecretText,
    /// Where the code went.
    pub second_factor: CodeSent,
}

/// `POST /v1/auth/login/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginVerify {
    /// From [`LoginChallenge`].
    pub login_ticket: SecretText,
    /// The `login` code.
    pub code: SecretText,
}

/// A new session (register, login, refresh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// The user.
    pub user_id: String,
    /// Bearer token.
    pub access_token: SecretText,
    /// Single-use refresh token.
    pub refresh_token: SecretText,
    /// Always `Bearer`.
    pub token_type: String,
    /// Access-token lifetime in seconds.
    pub expires_in: i64,
}

/// `POST /v1/auth/refresh`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refresh {
    /// The current refresh token.
    pub refresh_token: SecretText,
}

/// `POST /v1/auth/password-reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    /// Phone or e-mail.
    pub identifier: String,
    /// The `reset_password` code.
    pub code: SecretText,
    /// The new password.
    pub new_password: SecretText,
}

/// `PATCH /v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    /// New display name (`None` clears it).
    pub display_name: Option<String>,
}

/// `POST /v1/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current_password: SecretText,
    /// The new password.
    pub new_password: SecretText,
}

/// `POST /v1/me/unfreeze`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unfreeze {
    /// The account password.
    pub password: SecretText,
}

/// One security-relevant event of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvent {
    /// E.g. `login`, `password_changed`, `frozen` (see the spec's enum).
    pub kind: String,
    /// When (ms).
    pub at: i64,
}

/// `GET /v1/me/security-events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityEvents {
    /// Newest first.
    pub items: Vec<SecurityEvent>,
}

/// `POST /v1/me/paycode-devices`: register a device for offline payment
/// codes, or rotate the secret of one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaycodeProvisionRequest {
    /// Rotate this device's secret; `None` registers a new device.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
}

/// A device's payment-code secret (returned only when provisioned or rotated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaycodeDevice {
    /// The device id that goes into every code.
    pub device_id: String,
    /// The 32-byte secret as 64 hex digits.
    pub secret: SecretText,
    /// 0 when provisioned, +1 per rotation.
    pub generation: u32,
    /// `imwallet-paycode-v1`.
    pub algorithm: String,
    /// How far a code's time may be from the server's, in seconds.
    pub drift_window_s: u32,
    /// When provisioned (ms).
    pub provisioned_at: i64,
}
