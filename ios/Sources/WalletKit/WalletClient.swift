// The wallet for a Swift app: one `WalletClient` per data directory. Every
// method forwards to the Rust core (`IMWalletCore.Wallet`), which runs the
// work on its own runtime, and turns failures into `WalletError`. No
// business rule lives here.
import Foundation
import IMWalletCore

/// The wallet: account, money, cards, history and codes, all `async throws`.
public final class WalletClient: Sendable {
    let core: IMWalletCore.Wallet
    /// The configuration it was opened with.
    public let config: WalletConfig

    /// Opens the wallet in `config.dataDirectory` (an existing vault opens locked).
    public init(config: WalletConfig) throws(WalletError) {
        self.config = config
        do {
            try FileManager.default.createDirectory(at: config.dataDirectory, withIntermediateDirectories: true)
            core = try IMWalletCore.Wallet(config: config.core)
        } catch {
            throw WalletError(error)
        }
    }

    /// Runs one core call and maps its error.
    func call<T>(_ body: () async throws -> T) async throws(WalletError) -> T {
        do {
            return try await body()
        } catch {
            throw WalletError(error)
        }
    }

    /// Runs one synchronous core call and maps its error.
    func callSync<T>(_ body: () throws -> T) throws(WalletError) -> T {
        do {
            return try body()
        } catch {
            throw WalletError(error)
        }
    }

    // MARK: state

    /// Whether this device has a vault (someone logged in here before).
    public func hasAccount() throws(WalletError) -> Bool { try callSync { try core.hasAccount() } }
    /// Whether the vault is unlocked.
    public func isUnlocked() throws(WalletError) -> Bool { try callSync { try core.isUnlocked() } }
    /// Whether a session is active.
    public func isLoggedIn() throws(WalletError) -> Bool { try callSync { try core.isLoggedIn() } }
    /// Locks the vault (keys leave memory).
    public func lock() throws(WalletError) { try callSync { try core.lock() } }

    // MARK: account

    /// Sends a verification code (SMS or e-mail).
    public func requestCode(_ purpose: CodePurpose, to destination: String?) async throws(WalletError) -> CodeSent {
        try await call { try await core.requestCode(purpose: purpose, destination: destination) }
    }

    /// Creates an account with the `register` code.
    public func register(identifier: String, password: String, code: String,
                         displayName: String? = nil) async throws(WalletError) -> Profile
    {
        try await call {
            try await core.register(identifier: identifier, password: password, code: code, displayName: displayName)
        }
    }

    /// First login step: checks the password and sends the second-factor code.
    public func login(identifier: String, password: String) async throws(WalletError) -> CodeSent {
        try await call { try await core.login(identifier: identifier, password: password) }
    }

    /// Second login step: the code; the vault is opened (created on a new device).
    public func verifyLogin(code: String) async throws(WalletError) -> Profile {
        try await call { try await core.verifyLogin(code: code) }
    }

    /// Unlocks the vault with the password (wrong passwords are counted and back off).
    public func unlock(password: String) async throws(WalletError) {
        try await call { try await core.unlock(password: password) }
    }

    /// Lets `store` (Keychain + biometrics) unlock the vault from now on.
    public func enablePlatformUnlock(_ store: any PlatformKeyStore) async throws(WalletError) {
        try await call { try await core.enablePlatformUnlock(store: store) }
    }

    /// Unlocks with the platform key (biometric prompt in `store`).
    public func unlockWithPlatformKey(_ store: any PlatformKeyStore) async throws(WalletError) {
        try await call { try await core.unlockWithPlatformKey(store: store) }
    }

    /// Ends the session on the server, then forgets the tokens.
    public func logout() async throws(WalletError) { try await call { try await core.logout() } }

    /// Sets a new password with a `resetPassword` code.
    public func resetPassword(identifier: String, code: String, newPassword: String) async throws(WalletError) {
        try await call { try await core.resetPassword(identifier: identifier, code: code, newPassword: newPassword) }
    }

    /// Changes the password (re-wraps the vault key).
    public func changePassword(current: String, new: String) async throws(WalletError) {
        try await call { try await core.changePassword(currentPassword: current, newPassword: new) }
    }

    /// Freezes the account (no money moves until unfrozen).
    public func freeze() async throws(WalletError) -> Profile { try await call { try await core.freeze() } }

    /// Unfreezes the account with the password.
    public func unfreeze(password: String) async throws(WalletError) -> Profile {
        try await call { try await core.unfreeze(password: password) }
    }

    /// The profile from the server.
    public func profile() async throws(WalletError) -> Profile { try await call { try await core.profile() } }

    /// The account's security events, newest first.
    public func securityEvents() async throws(WalletError) -> [SecurityEvent] {
        try await call { try await core.securityEvents() }
    }
}
