// How a WalletKit client reaches the wallet API: environment, API key,
// certificate pins, where the encrypted vault lives, the locale of messages.
import Foundation
import IMWalletCore

/// The configuration of a `WalletClient`. Build it with `.sandbox(apiKey:)`
/// or `.live(apiKey:pins:)`; the API key's prefix must match the environment.
public struct WalletConfig: Sendable, Equatable {
    /// Which wallet API the client talks to.
    public enum Environment: Sendable, Equatable {
        /// The sandbox server (any URL; loopback may be plain HTTP).
        case sandbox
        /// Production (HTTPS with SPKI pins).
        case live
    }

    /// The environment.
    public let environment: Environment
    /// The API's base URL.
    public let baseURL: String
    /// The app's API key (`sk_sandbox_…` or `sk_live_…`).
    public let apiKey: String
    /// SPKI SHA-256 pins (`sha256/<base64>`): none, or a primary and a backup.
    public let pins: [String]
    /// The directory of the wallet's files (created if missing).
    public let dataDirectory: URL
    /// The language of user messages; `nil` follows the host.
    public let locale: WalletLocale?
    /// Transactions per page of a history sync; `nil` is the core's default.
    public let syncPageSize: UInt32?

    /// The production API's address.
    public static let liveBaseURL = "https://api.imwallet.example"

    /// The sandbox (by default the local `imwallet-sandbox` on port 8787).
    public static func sandbox(
        apiKey: String,
        baseURL: String = "http://127.0.0.1:8787",
        dataDirectory: URL = WalletConfig.defaultDataDirectory,
        locale: WalletLocale? = nil,
        syncPageSize: UInt32? = nil
    ) throws(WalletError) -> WalletConfig {
        try WalletConfig(environment: .sandbox, baseURL: baseURL, apiKey: apiKey, pins: [],
                         dataDirectory: dataDirectory, locale: locale, syncPageSize: syncPageSize)
    }

    /// Production, with the SPKI pins of the API's certificates.
    public static func live(
        apiKey: String,
        pins: [String],
        baseURL: String = WalletConfig.liveBaseURL,
        dataDirectory: URL = WalletConfig.defaultDataDirectory,
        locale: WalletLocale? = nil,
        syncPageSize: UInt32? = nil
    ) throws(WalletError) -> WalletConfig {
        try WalletConfig(environment: .live, baseURL: baseURL, apiKey: apiKey, pins: pins,
                         dataDirectory: dataDirectory, locale: locale, syncPageSize: syncPageSize)
    }

    /// `Application Support/IMWallet` of the current user.
    public static var defaultDataDirectory: URL {
        let base = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask).first
            ?? FileManager.default.temporaryDirectory
        return base.appendingPathComponent("IMWallet", isDirectory: true)
    }

    private init(environment: Environment, baseURL: String, apiKey: String, pins: [String],
                 dataDirectory: URL, locale: WalletLocale?, syncPageSize: UInt32?) throws(WalletError)
    {
        let prefix = environment == .sandbox ? "sk_sandbox_" : "sk_live_"
        guard apiKey.hasPrefix(prefix) else {
            throw WalletError.configuration("the API key of this environment starts with \(prefix)")
        }
        self.environment = environment
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.pins = pins
        self.dataDirectory = dataDirectory
        self.locale = locale
        self.syncPageSize = syncPageSize
    }

    /// The record the core takes.
    var core: IMWalletCore.WalletConfig {
        IMWalletCore.WalletConfig(
            dataDir: dataDirectory.path, baseUrl: baseURL, apiKey: apiKey, locale: locale,
            requestTimeoutMs: nil, pins: pins, syncPageSize: syncPageSize
        )
    }
}
