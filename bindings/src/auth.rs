//! Registration, two-step login, the local lock, platform-key unlock,
//! logout, password reset and change, freeze, profile and security events.

use std::sync::Arc;

use imwallet_core::protocol::wire;
use imwallet_core::store::repo::profile::Profile as CoreCachedProfile;

use crate::callbacks::{HostKeyStore, PlatformKeyStore};
use crate::errors::WalletFfiError;
use crate::types::{list, mirror_enum};
use crate::wallet::Wallet;

mirror_enum! {
    /// What a verification code is for.
    CodePurpose <=> wire::Purpose {
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
}

mirror_enum! {
    /// How a code is delivered.
    Channel <=> wire::Channel {
        /// Text message.
        Sms,
        /// E-mail.
        Email,
    }
}

mirror_enum! {
    /// Account status.
    AccountStatus <=> wire::AccountStatus {
        /// Normal.
        Active,
        /// Frozen by the user or a risk rule.
        Frozen,
    }
}

mirror_enum! {
    /// Why an account is frozen.
    FrozenReason <=> wire::FrozenReason {
        /// The user froze it.
        SelfFrozen,
        /// A risk rule froze it.
        Risk,
    }
}

/// A verification code was sent.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CodeSent {
    /// Channel used.
    pub channel: Channel,
    /// Masked or full destination.
    pub destination: String,
    /// Purpose.
    pub purpose: CodePurpose,
    /// When the code stops working (ms).
    pub expires_at: i64,
    /// When another code may be requested (ms).
    pub resend_after: i64,
}

impl From<wire::CodeSent> for CodeSent {
    fn from(c: wire::CodeSent) -> Self {
        Self {
            channel: c.channel.into(),
            destination: c.destination,
            purpose: c.purpose.into(),
            expires_at: c.expires_at,
            resend_after: c.resend_after,
        }
    }
}

/// The account as the server reports it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Profile {
    /// Server user id.
    pub user_id: String,
    /// E.164 phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Active or frozen.
    pub status: AccountStatus,
    /// Why frozen.
    pub frozen_reason: Option<FrozenReason>,
    /// Registration time (ms).
    pub created_at: i64,
}

impl From<wire::Profile> for Profile {
    fn from(p: wire::Profile) -> Self {
        Self {
            user_id: p.user_id,
            phone: p.phone,
            email: p.email,
            display_name: p.display_name,
            status: p.status.into(),
            frozen_reason: p.frozen_reason.map(Into::into),
            created_at: p.created_at,
        }
    }
}

/// The profile as last stored on this device.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CachedProfile {
    /// Server user id.
    pub user_id: String,
    /// Display name.
    pub display_name: String,
    /// Phone.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
}

impl From<CoreCachedProfile> for CachedProfile {
    fn from(p: CoreCachedProfile) -> Self {
        Self {
            user_id: p.user_id,
            display_name: p.display_name,
            phone: p.phone,
            email: p.email,
        }
    }
}

/// One security-relevant event.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SecurityEvent {
    /// `login`, `password_changed`, `frozen`, ...
    pub kind: String,
    /// When (ms).
    pub at: i64,
}

impl From<wire::SecurityEvent> for SecurityEvent {
    fn from(e: wire::SecurityEvent) -> Self {
        Self {
            kind: e.kind,
            at: e.at,
        }
    }
}

impl Wallet {
    /// Runs a core call that uses the host's key store. When the host's
    /// store threw, its failure is the error the caller sees (the core only
    /// saw a refused key).
    async fn with_host_key_store<Fut>(
        &self,
        store: Arc<dyn PlatformKeyStore>,
        f: impl FnOnce(Arc<imwallet_core::wallet::Wallet>, Arc<HostKeyStore>) -> Fut,
    ) -> Result<(), WalletFfiError>
    where
        Fut: std::future::Future<Output = Result<(), imwallet_core::wallet::WalletError>>
            + Send
            + 'static,
    {
        let adapter = HostKeyStore::new(store);
        let key_store = Arc::clone(&adapter);
        let result = self.call(|w| f(w, key_store)).await;
        match adapter.failure.take("PlatformKeyStore", self.locale) {
            Some(failed) => Err(failed),
            None => result,
        }
    }
}

#[uniffi::export]
impl Wallet {
    /// Sends a verification code (`destination` for register, login and
    /// reset; `None` for codes to the logged-in user).
    pub async fn request_code(
        &self,
        purpose: CodePurpose,
        destination: Option<String>,
    ) -> Result<CodeSent, WalletFfiError> {
        self.call(|w| async move {
            w.request_code(purpose.into(), destination)
                .await
                .map(Into::into)
        })
        .await
    }

    /// Creates an account (`identifier`: E.164 phone or e-mail).
    pub async fn register(
        &self,
        identifier: String,
        password: String,
        code: String,
        display_name: Option<String>,
    ) -> Result<Profile, WalletFfiError> {
        self.call(|w| async move {
            w.register(identifier, password, code, display_name)
                .await
                .map(Into::into)
        })
        .await
    }

    /// First login step: the server checks the password and sends a code.
    pub async fn login(
        &self,
        identifier: String,
        password: String,
    ) -> Result<CodeSent, WalletFfiError> {
        self.call(|w| async move { w.login(identifier, password).await.map(Into::into) })
            .await
    }

    /// Second login step: opens (or creates) the vault.
    pub async fn verify_login(&self, code: String) -> Result<Profile, WalletFfiError> {
        self.call(|w| async move { w.verify_login(code).await.map(Into::into) })
            .await
    }

    /// Unlocks the vault with the password and restores the session.
    pub async fn unlock(&self, password: String) -> Result<(), WalletFfiError> {
        self.call(|w| async move { w.unlock(password).await }).await
    }

    /// Also wraps the vault's key with the platform key (biometric unlock).
    pub async fn enable_platform_unlock(
        &self,
        store: Arc<dyn PlatformKeyStore>,
    ) -> Result<(), WalletFfiError> {
        self.with_host_key_store(store, |w, key_store| async move {
            w.enable_platform_unlock(key_store).await
        })
        .await
    }

    /// Unlocks with the platform key.
    pub async fn unlock_with_platform_key(
        &self,
        store: Arc<dyn PlatformKeyStore>,
    ) -> Result<(), WalletFfiError> {
        self.with_host_key_store(store, |w, key_store| async move {
            w.unlock_with_platform_key(key_store).await
        })
        .await
    }

    /// Signs out on the server and wipes the session on the device.
    pub async fn logout(&self) -> Result<(), WalletFfiError> {
        self.call(|w| async move { w.logout().await }).await
    }

    /// Sets a new password with a `reset_password` code.
    pub async fn reset_password(
        &self,
        identifier: String,
        code: String,
        new_password: String,
    ) -> Result<(), WalletFfiError> {
        self.call(|w| async move { w.reset_password(identifier, code, new_password).await })
            .await
    }

    /// Changes the password (server and vault).
    pub async fn change_password(
        &self,
        current_password: String,
        new_password: String,
    ) -> Result<(), WalletFfiError> {
        self.call(|w| async move { w.change_password(current_password, new_password).await })
            .await
    }

    /// Freezes the account.
    pub async fn freeze(&self) -> Result<Profile, WalletFfiError> {
        self.call(|w| async move { w.freeze().await.map(Into::into) })
            .await
    }

    /// Unfreezes a self-frozen account.
    pub async fn unfreeze(&self, password: String) -> Result<Profile, WalletFfiError> {
        self.call(|w| async move { w.unfreeze(password).await.map(Into::into) })
            .await
    }

    /// The profile (refreshes the local copy).
    pub async fn profile(&self) -> Result<Profile, WalletFfiError> {
        self.call(|w| async move { w.profile().await.map(Into::into) })
            .await
    }

    /// The profile stored on this device (no network).
    pub async fn cached_profile(&self) -> Result<Option<CachedProfile>, WalletFfiError> {
        self.call(|w| async move { w.cached_profile().await.map(|p| p.map(Into::into)) })
            .await
    }

    /// Security events, newest first.
    pub async fn security_events(&self) -> Result<Vec<SecurityEvent>, WalletFfiError> {
        self.call(|w| async move { w.security_events().await.map(list) })
            .await
    }
}
