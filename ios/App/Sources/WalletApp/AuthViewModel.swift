// Register, log in (password, then the second-factor code) and unlock (password
// or biometrics). The core counts wrong passwords and locks out; this model
// only shows where the person is and what the core said.
import WalletKit

/// The login / register / unlock screens.
@MainActor
public final class AuthViewModel: ScreenModel<AuthViewModel.State> {
    /// Where the person is in signing in.
    public enum Step: Sendable, Equatable {
        /// No session: show register / log in.
        case signedOut
        /// A register code was sent to `destination`: ask for it.
        case registerCodeSent(destination: String)
        /// Registered: log in with the same identifier and password.
        case registered
        /// The password was right; the second-factor code went to `destination`.
        case secondFactor(destination: String)
        /// Logged in, vault locked: ask for the password or biometrics.
        case locked
        /// Logged in and unlocked: the wallet's screens.
        case unlocked
    }

    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// The step.
        public var step: Step
        /// A call is running (disable the buttons).
        public var busy = false
        /// The last failure, in the chosen language.
        public var error: ScreenError?
    }

    private let client: WalletClient

    /// Starts at the step the wallet is in (signed out, locked or unlocked).
    public init(client: WalletClient, language: AppLanguage) {
        self.client = client
        // A locked vault holds the session too, so "has an account here" is
        // what tells the unlock screen from the sign-in screens.
        let step: Step
        if (try? client.isUnlocked()) == true, (try? client.isLoggedIn()) == true {
            step = .unlocked
        } else if (try? client.hasAccount()) == true {
            step = .locked
        } else {
            step = .signedOut
        }
        super.init(state: State(step: step), language: language)
    }

    /// Sends the register code.
    public func requestRegisterCode(phone: String) async {
        await run { [client] () async throws(WalletError) -> Step in
            let sent = try await client.requestCode(.register, to: phone)
            return .registerCodeSent(destination: sent.destination)
        }
    }

    /// Creates the account with the code.
    public func register(phone: String, password: String, code: String, displayName: String?) async {
        await run { [client] () async throws(WalletError) -> Step in
            _ = try await client.register(identifier: phone, password: password, code: code, displayName: displayName)
            return .registered
        }
    }

    /// Checks the password; the core sends the second-factor code.
    public func logIn(identifier: String, password: String) async {
        await run { [client] () async throws(WalletError) -> Step in
            let sent = try await client.login(identifier: identifier, password: password)
            return .secondFactor(destination: sent.destination)
        }
    }

    /// Finishes the login with the second-factor code.
    public func verify(code: String) async {
        await run { [client] () async throws(WalletError) -> Step in
            _ = try await client.verifyLogin(code: code)
            return .unlocked
        }
    }

    /// Unlocks with the password.
    public func unlock(password: String) async {
        await run { [client] () async throws(WalletError) -> Step in
            try await client.unlock(password: password)
            return .unlocked
        }
    }

    /// Unlocks with the platform key (Face ID / Touch ID prompt in `store`).
    public func unlockWithBiometrics(_ store: any PlatformKeyStore) async {
        await run { [client] () async throws(WalletError) -> Step in
            try await client.unlockWithPlatformKey(store)
            return .unlocked
        }
    }

    /// Locks the vault (e.g. when the app goes to the background).
    public func lock() {
        do {
            try client.lock()
            state = State(step: .locked)
        } catch {
            state.error = screenError(error)
        }
    }

    private func run(_ call: @Sendable () async throws(WalletError) -> Step) async {
        state.busy = true
        state.error = nil
        do {
            let next = try await call()
            state = State(step: next)
        } catch {
            state.busy = false
            state.error = screenError(error)
        }
    }
}
