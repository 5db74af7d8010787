//! Registration, login with a second factor, logout, password reset and
//! change, the local lock, and self-freeze: the account side of the
//! [`Wallet`] facade.
//!
//! The local vault is created by the first successful login on a device,
//! protected by the account password (Argon2id, see `crypto`). Unlocking the
//! vault restores the session tokens, so a shell can show the wallet after a
//! restart without a new server login. When the server accepts a password
//! the vault does not (the password was reset elsewhere), the server login
//! proves the user and the vault is re-keyed with the new password.

use std::sync::Arc;

use imwallet_protocol::wire::{
    CodeRequest, CodeSent, Login, LoginChallenge, LoginVerify, PasswordChange, PasswordReset,
    Profile, Purpose, Registration, SecretText, SecurityEvent, SecurityEvents, Tokens, Unfreeze,
};

use crate::api::ApiRequest;
use crate::crypto::{Password, PlatformKeyStore, SecretString};
use crate::store::owner::Ownership;
use crate::store::repo::profile::Profile as StoredProfile;
use crate::store::repo::tokens::SessionTokens as StoredTokens;
use crate::store::{Vault, VaultError};
use crate::wallet::{Wallet, WalletError, blocking, pair_from_stored};

/// What the wallet keeps between the two login steps.
pub(crate) struct PendingLogin {
    ticket: SecretText,
    password: Password,
}

/// A phone (`+` and digits) or an e-mail address.
fn registration_identity(
    identifier: &str,
) -> Result<(Option<String>, Option<String>), WalletError> {
    let id = identifier.trim();
    if id.starts_with('+') {
        Ok((Some(id.to_owned()), None))
    } else if id.contains('@') {
        Ok((None, Some(id.to_owned())))
    } else {
        Err(WalletError::invalid(
            "identifier",
            "phone_or_email_required",
        ))
    }
}

fn check_password(password: &str) -> Result<(), WalletError> {
    if password.is_empty() {
        return Err(WalletError::invalid("password", "empty"));
    }
    Ok(())
}

impl Wallet {
    /// Asks the server to send a verification code. `destination` (E.164
    /// phone or e-mail) is needed for `register`, `login` and
    /// `reset_password`; `bind_card` and `withdraw` codes go to the
    /// logged-in user's own phone or e-mail.
    pub async fn request_code(
        &self,
        purpose: Purpose,
        destination: Option<String>,
    ) -> Result<CodeSent, WalletError> {
        let authenticated = destination.is_none();
        let body = CodeRequest {
            purpose,
            destination,
        };
        let mut request = ApiRequest::post("/v1/verification-codes", &body)?;
        if authenticated {
            self.require_session()?;
            request = request.authenticated();
        }
        Ok(self.api.send(&request).await?)
    }

    /// Creates an account with a `register` code sent to `identifier` (a
    /// phone in E.164 form or an e-mail). Log in afterwards.
    pub async fn register(
        &self,
        identifier: String,
        password: String,
        code: String,
        display_name: Option<String>,
    ) -> Result<Profile, WalletError> {
        let (phone, email) = registration_identity(&identifier)?;
        check_password(&password)?;
        let body = Registration {
            phone,
            email,
            password: SecretText::new(password),
            code: SecretText::new(code),
            display_name,
        };
        Ok(self
            .api
            .send(&ApiRequest::post("/v1/users", &body)?)
            .await?)
    }

    /// First login step: checks the password with the server, which sends a
    /// second-factor code. Finish with [`Wallet::verify_login`].
    pub async fn login(
        &self,
        identifier: String,
        password: String,
    ) -> Result<CodeSent, WalletError> {
        check_password(&password)?;
        let body = Login {
            identifier,
            password: SecretText::new(password.clone()),
        };
        let password = Password::new(password);
        let challenge: LoginChallenge = self
            .api
            .send(&ApiRequest::post("/v1/auth/login", &body)?)
            .await?;
        *self.lock_pending_login() = Some(PendingLogin {
            ticket: challenge.login_ticket,
            password,
        });
        Ok(challenge.second_factor)
    }

    /// Second login step: the code from [`Wallet::login`]. Opens (or, on a
    /// new device, creates) the local vault with the password and keeps the
    /// session in it.
    pub async fn verify_login(&self, code: String) -> Result<Profile, WalletError> {
        let pending = self
            .lock_pending_login()
            .take()
            .ok_or(WalletError::invalid("code", "no_login_in_progress"))?;
        let body = LoginVerify {
            login_ticket: pending.ticket.clone(),
            code: SecretText::new(code),
        };
        let tokens: Tokens = match self
            .api
            .send(&ApiRequest::post("/v1/auth/login/verify", &body)?)
            .await
        {
            Ok(tokens) => tokens,
            Err(e) => {
                // A wrong code can be retried with the same ticket.
                *self.lock_pending_login() = Some(pending);
                return Err(e.into());
            }
        };
        self.refuse_another_account(&tokens.user_id, &pending.password)
            .await?;
        let vault = self.open_vault_after_login(pending.password).await?;
        let stored = StoredTokens {
            access: SecretString::new(tokens.access_token.expose()),
            refresh: SecretString::new(tokens.refresh_token.expose()),
            access_expires_at_s: self.config.vault.clock.wall_s() + tokens.expires_in,
        };
        let session_pair = pair_from_stored(&stored);
        let user_id = tokens.user_id.clone();
        blocking(move || {
            if let Some(existing) = vault.profile()?.load()?
                && existing.user_id != user_id
            {
                return Err(WalletError::Conflict {
                    code: "different_account_on_device".into(),
                });
            }
            vault.tokens()?.save(&stored)?;
            vault.record_owner(&user_id)?;
            Ok(())
        })
        .await?;
        self.api.session().set(session_pair);
        tracing::info!("logged in");
        self.profile().await
    }

    /// Refuses a login of `user_id` on a device whose vault belongs to
    /// another account, **before** the vault is unlocked, re-keyed or
    /// re-wrapped (which would erase a locked vault's data and unsettled
    /// operations, or re-wrap an unlocked one under the other password).
    /// The owner is known while locked (`vault_owner`); a vault from before
    /// owners were recorded is checked against its encrypted profile, which
    /// needs the vault open: if the password does not open it, the login is
    /// refused too (`vault_owner_unverified`: the owner unlocks once with the
    /// old password, or signs out on purpose).
    async fn refuse_another_account(
        &self,
        user_id: &str,
        password: &Password,
    ) -> Result<(), WalletError> {
        let Some(vault) = self.current_vault() else {
            return Ok(());
        };
        let user_id = user_id.to_owned();
        let password = password.clone();
        blocking(move || {
            let different = || WalletError::Conflict {
                code: "different_account_on_device".into(),
            };
            match vault.ownership(&user_id)? {
                Ownership::Owner => return Ok(()),
                Ownership::Other => return Err(different()),
                Ownership::Unknown => {}
            }
            if !vault.is_unlocked() && vault.unlock(&password).is_err() {
                return Err(WalletError::Conflict {
                    code: "vault_owner_unverified".into(),
                });
            }
            match vault.profile()?.load()? {
                Some(existing) if existing.user_id != user_id => Err(different()),
                _ => Ok(vault.record_owner(&user_id)?),
            }
        })
        .await
    }

    /// Creates the vault with `password`, or unlocks the existing one; when
    /// the existing vault does not take the password the server just
    /// accepted, it is re-keyed (caches are refetched from the server).
    async fn open_vault_after_login(&self, password: Password) -> Result<Arc<Vault>, WalletError> {
        if let Some(vault) = self.current_vault() {
            let v = Arc::clone(&vault);
            blocking(move || {
                match v.unlock(&password) {
                    Ok(()) => Ok(()),
                    Err(
                        VaultError::WrongPassword { .. }
                        | VaultError::LockedOut { .. }
                        | VaultError::ReloginRequired,
                    ) => {
                        tracing::info!("password changed on the server: re-keying the local vault");
                        v.reset_password_after_relogin(&password)?;
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
                .map_err(WalletError::from)
            })
            .await?;
            return Ok(vault);
        }
        let paths = self.paths.clone();
        let options = self.config.vault.clone();
        let vault = blocking(move || {
            Vault::create(&paths, &password, None, options)
                .map(Arc::new)
                .map_err(WalletError::from)
        })
        .await?;
        *self
            .vault
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Arc::clone(&vault));
        Ok(vault)
    }

    /// Unlocks the local vault with the password and restores the session.
    /// Wrong passwords are counted on disk; see [`WalletError::WrongPassword`]
    /// and [`WalletError::LockedOut`].
    pub async fn unlock(&self, password: String) -> Result<(), WalletError> {
        check_password(&password)?;
        let vault = self.current_vault().ok_or(WalletError::NotLoggedIn)?;
        let password = Password::new(password);
        let v = Arc::clone(&vault);
        blocking(move || v.unlock(&password).map_err(WalletError::from)).await?;
        self.restore_session(vault).await
    }

    /// Unlocks with the platform key (biometric unlock), once enabled with
    /// [`Wallet::enable_platform_unlock`].
    pub async fn unlock_with_platform_key(
        &self,
        store: Arc<dyn PlatformKeyStore>,
    ) -> Result<(), WalletError> {
        let vault = self.current_vault().ok_or(WalletError::NotLoggedIn)?;
        let v = Arc::clone(&vault);
        blocking(move || {
            v.unlock_with_platform_key(store.as_ref())
                .map_err(WalletError::from)
        })
        .await?;
        self.restore_session(vault).await
    }

    /// Wraps the vault's key with a platform key too (Android Keystore /
    /// iOS Keychain), for biometric unlock.
    pub async fn enable_platform_unlock(
        &self,
        store: Arc<dyn PlatformKeyStore>,
    ) -> Result<(), WalletError> {
        self.with_vault(move |v| v.enable_platform_unlock(store.as_ref()))
            .await
    }

    async fn restore_session(&self, vault: Arc<Vault>) -> Result<(), WalletError> {
        let stored = blocking(move || Ok(vault.tokens()?.load()?)).await?;
        if let Some(stored) = stored {
            self.api.session().set(pair_from_stored(&stored));
        }
        Ok(())
    }

    /// Locks the vault and forgets the in-memory session (the encrypted
    /// tokens stay on disk for the next unlock).
    pub fn lock(&self) {
        if let Some(vault) = self.current_vault() {
            vault.lock();
        }
        self.api.session().clear();
    }

    /// Signs out on the server (best effort) and wipes the session tokens
    /// on the device. The vault stays; the next login unlocks it.
    pub async fn logout(&self) -> Result<(), WalletError> {
        if self.api.session().current().is_some() {
            let request =
                ApiRequest::post("/v1/auth/logout", &serde_json::json!({}))?.authenticated();
            if let Err(e) = self.api.send::<()>(&request).await {
                tracing::warn!(error = %e, "server logout failed; wiping the local session anyway");
            }
        }
        self.api.session().clear();
        if self.is_unlocked() {
            self.with_vault(|v| v.tokens()?.clear()).await?;
        }
        tracing::info!("logged out");
        Ok(())
    }

    /// Sets a new password with a `reset_password` code. The next login on
    /// this device re-keys the vault with the new password.
    pub async fn reset_password(
        &self,
        identifier: String,
        code: String,
        new_password: String,
    ) -> Result<(), WalletError> {
        check_password(&new_password)?;
        let body = PasswordReset {
            identifier,
            code: SecretText::new(code),
            new_password: SecretText::new(new_password),
        };
        self.api
            .send::<()>(&ApiRequest::post("/v1/auth/password-reset", &body)?)
            .await?;
        Ok(())
    }

    /// Changes the password on the server and re-wraps the vault's key (rows
    /// are not re-encrypted). Other sessions of the account are revoked.
    pub async fn change_password(
        &self,
        current_password: String,
        new_password: String,
    ) -> Result<(), WalletError> {
        check_password(&new_password)?;
        self.require_session()?;
        let body = PasswordChange {
            current_password: SecretText::new(current_password.clone()),
            new_password: SecretText::new(new_password.clone()),
        };
        self.api
            .send::<()>(&ApiRequest::post("/v1/me/password", &body)?.authenticated())
            .await?;
        let old = Password::new(current_password);
        let new = Password::new(new_password);
        self.with_vault(move |v| match v.change_password(&old, &new) {
            Err(VaultError::WrongPassword { .. } | VaultError::LockedOut { .. }) => {
                v.reset_password_after_relogin(&new)
            }
            other => other,
        })
        .await
    }

    /// Freezes the account (stolen phone): no money moves until unfrozen.
    pub async fn freeze(&self) -> Result<Profile, WalletError> {
        self.require_session()?;
        let request = ApiRequest::post("/v1/me/freeze", &serde_json::json!({}))?.authenticated();
        Ok(self.api.send(&request).await?)
    }

    /// Unfreezes a self-frozen account with the password.
    pub async fn unfreeze(&self, password: String) -> Result<Profile, WalletError> {
        self.require_session()?;
        let body = Unfreeze {
            password: SecretText::new(password),
        };
        let request = ApiRequest::post("/v1/me/unfreeze", &body)?.authenticated();
        Ok(self.api.send(&request).await?)
    }

    /// The account's profile and status (refreshes the local copy).
    pub async fn profile(&self) -> Result<Profile, WalletError> {
        self.require_session()?;
        let profile: Profile = self
            .api
            .send(&ApiRequest::get("/v1/me").authenticated())
            .await?;
        let stored = StoredProfile {
            user_id: profile.user_id.clone(),
            display_name: profile.display_name.clone().unwrap_or_default(),
            phone: profile.phone.clone(),
            email: profile.email.clone(),
        };
        self.with_vault(move |v| {
            v.profile()?.save(&stored)?;
            v.record_owner(&stored.user_id)
        })
        .await?;
        Ok(profile)
    }

    /// The profile as last stored on this device (no network); `None`
    /// before the first [`Wallet::profile`] call.
    pub async fn cached_profile(&self) -> Result<Option<StoredProfile>, WalletError> {
        self.with_vault(|v| v.profile()?.load()).await
    }

    /// Logins, password changes, freezes and other security events, newest first.
    pub async fn security_events(&self) -> Result<Vec<SecurityEvent>, WalletError> {
        self.require_session()?;
        let events: SecurityEvents = self
            .api
            .send(&ApiRequest::get("/v1/me/security-events").authenticated())
            .await?;
        Ok(events.items)
    }

    fn lock_pending_login(&self) -> std::sync::MutexGuard<'_, Option<PendingLogin>> {
        self.pending_login
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_a_phone_or_an_email() {
        assert_eq!(
            registration_identity("+8613800138000").ok(),
            Some((Some("+8613800138000".to_owned()), None))
        );
        assert_eq!(
            registration_identity("a@b.example").ok(),
            Some((None, Some("a@b.example".to_owned())))
        );
        assert!(registration_identity("alice").is_err());
    }
}
