// The one error type of WalletKit. Every failure of the core arrives as a
// `WalletError` carrying the stable machine `code`, whether retrying can
// help, and the user message from the core's one error catalog (zh-Hans and
// en); `kind` holds the fields a screen needs to react (attempts left, the
// offset of a bad payload, the operation to reconcile, …).
import Foundation
import IMWalletCore

/// An error from the wallet, ready to show and to match on.
public struct WalletError: Error, LocalizedError, Sendable, Equatable {
    /// What went wrong, with the fields specific to that failure.
    public enum Kind: Sendable, Equatable {
        case invalidInput(field: String, reason: String)
        /// A scanned payload was refused: problem kind, byte offset, field tag.
        case invalidPayload(kind: String, offset: UInt64, tag: String?)
        case wrongPassword(attemptsLeft: UInt32)
        case lockedOut(retryAfterSeconds: UInt64)
        case reloginRequired, vaultLocked, notLoggedIn
        case verificationFailed(reason: CodeFailure, attemptsLeft: UInt32?)
        case insufficientFunds
        case cardDeclined(reason: String)
        case accountFrozen(reason: String?)
        case riskHold(transactionId: String)
        case riskLimitExceeded
        case notFound(what: String)
        case conflict(code: String)
        case rateLimited(retryAfterSeconds: UInt64)
        case network, timeout
        /// Sent, answer lost: settled later by `reconcilePending()`.
        case outcomeUnknown(operationId: String)
        case serverUnavailable(status: UInt16)
        /// A server code this core has no kind for (kept, never lost).
        case unknown(serverCode: String)
        case configuration(detail: String)
        case storage, crypto, cancelled
        /// An app callback (`PlatformKeyStore`, progress listener, log sink) threw.
        case callbackFailed(callback: String)
        /// The Rust core failed unexpectedly (e.g. a panic); the library keeps working.
        case `internal`
    }

    /// The stable, language-neutral error code (`invalid_payload`, `wrong_password`, …).
    public let code: String
    /// The failure's own fields.
    public let kind: Kind
    /// Whether the same call may succeed if retried later.
    public let retryable: Bool
    /// Seconds to wait before retrying, when the server or the core says so.
    public let retryAfterSeconds: UInt64?
    /// The message for the person using the app, in the configured locale.
    public let userMessage: String
    /// The same message in English.
    public let userMessageEn: String
    /// The same message in Simplified Chinese (zh-Hans).
    public let userMessageZhHans: String
    /// The server's request id when a response was received, for support.
    public let requestId: String?
    /// A message for developers (never shown to users, never contains secrets).
    public let developerMessage: String
    /// Where `docs/errors.md` explains the code.
    public let docURL: String?

    /// `LocalizedError`: the user message.
    public var errorDescription: String? { userMessage }

    init(info: ErrorInfo, kind: Kind) {
        code = info.code
        self.kind = kind
        retryable = info.retryable
        retryAfterSeconds = info.retryAfterS
        userMessage = info.userMessage
        userMessageEn = info.userMessageEn
        userMessageZhHans = info.userMessageZhCn
        requestId = info.requestId
        developerMessage = info.developerMessage
        docURL = info.docUrl
    }

    /// An error WalletKit raises itself (no core catalog entry applies).
    init(local code: String, kind: Kind, en: String, zhHans: String, developerMessage: String) {
        self.code = code
        self.kind = kind
        retryable = false
        retryAfterSeconds = nil
        userMessage = WalletError.prefersChinese ? zhHans : en
        userMessageEn = en
        userMessageZhHans = zhHans
        requestId = nil
        self.developerMessage = developerMessage
        docURL = nil
    }

    static func configuration(_ detail: String) -> WalletError {
        WalletError(local: "configuration", kind: .configuration(detail: detail),
                    en: "The app is not set up correctly.", zhHans: "应用配置有误。",
                    developerMessage: detail)
    }

    private static var prefersChinese: Bool {
        (try? defaultLocale()) == .zhCn
    }

    /// Any error thrown by the generated bindings, as a `WalletError`.
    init(_ error: any Error) {
        switch error {
        case let error as WalletError: self = error
        case let error as WalletFfiError: self.init(error)
        case let error as QrParseError: self.init(error)
        case is CancellationError:
            self.init(local: "cancelled", kind: .cancelled, en: "Cancelled.", zhHans: "已取消。",
                      developerMessage: "the Swift task was cancelled")
        default:
            // A Rust panic arrives as the generated code's internal error.
            self.init(local: "internal", kind: .internal,
                      en: "Something went wrong. Please try again.", zhHans: "出了点问题，请重试。",
                      developerMessage: String(describing: error))
        }
    }
}
