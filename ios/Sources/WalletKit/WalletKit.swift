// WalletKit: the idiomatic Swift face of the IM Wallet Rust core.
//
// A thin layer over the uniffi-generated `IMWalletCore` module: it converts
// and forwards, it holds no business rule (those live in the Rust core). The
// generated records and enums are re-exported under their own names
// (Types.swift), so an app imports only `WalletKit`.
import IMWalletCore

/// Facts about the loaded library and this build of the package.
public enum WalletKitInfo {
    /// The version of the Rust core that was loaded, for an app's logs.
    public static func coreVersion() throws(WalletError) -> String {
        do { return try IMWalletCore.coreVersion() } catch { throw WalletError(error) }
    }

    /// The Swift language mode this module was compiled in ("6" in every
    /// supported build; checked by the tests).
    public static let swiftLanguageMode: String = {
        #if swift(>=6)
            return "6"
        #else
            return "5"
        #endif
    }()
}
