// Settings and security: biometric unlock on/off, freeze/unfreeze, change the
// password, the account's security events, log out. The core enforces every
// rule (the password check, what a frozen account may do).
import WalletKit

/// Settings / security.
@MainActor
public final class SettingsViewModel: ScreenModel<SettingsViewModel.State> {
    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// The profile (status: active or frozen).
        public var profile: Profile?
        /// The account's security events, newest first.
        public var events: [SecurityEvent] = []
        /// Whether biometric unlock was turned on in this session.
        public var biometricUnlock = false
        /// Logged out: go back to the sign-in screens.
        public var loggedOut = false
        /// A call is running.
        public var busy = false
        /// The last failure, in the chosen language.
        public var error: ScreenError?
    }

    private let client: WalletClient

    /// A settings screen for `client`.
    public init(client: WalletClient, language: AppLanguage) {
        self.client = client
        super.init(state: State(), language: language)
    }

    /// Loads the profile and the security events.
    public func load() async {
        await run { [client] (state: inout State) async throws(WalletError) in
            state.profile = try await client.profile()
            state.events = try await client.securityEvents()
        }
    }

    /// Lets `store` (Keychain + Face ID / Touch ID) unlock the vault from now on.
    public func enableBiometricUnlock(_ store: any PlatformKeyStore) async {
        await run { [client] (state: inout State) async throws(WalletError) in
            try await client.enablePlatformUnlock(store)
            state.biometricUnlock = true
        }
    }

    /// Freezes the account (lost phone).
    public func freeze() async {
        await run { [client] (state: inout State) async throws(WalletError) in
            state.profile = try await client.freeze()
        }
    }

    /// Unfreezes with the password.
    public func unfreeze(password: String) async {
        await run { [client] (state: inout State) async throws(WalletError) in
            state.profile = try await client.unfreeze(password: password)
        }
    }

    /// Changes the password.
    public func changePassword(current: String, new: String) async {
        await run { [client] (_: inout State) async throws(WalletError) in
            try await client.changePassword(current: current, new: new)
        }
    }

    /// Ends the session.
    public func logOut() async {
        await run { [client] (state: inout State) async throws(WalletError) in
            try await client.logout()
            state.loggedOut = true
        }
    }

    private func run(_ call: @Sendable (inout State) async throws(WalletError) -> Void) async {
        var next = state
        next.busy = true
        next.error = nil
        state = next
        do {
            try await call(&next)
            next.busy = false
            state = next
        } catch {
            state.busy = false
            state.error = screenError(error)
        }
    }
}
