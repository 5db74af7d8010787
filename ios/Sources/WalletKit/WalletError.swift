// The one error type of WalletKit. Every failure of the core arrives as a
// `WalletError` carrying the stable machine `code`, whether retrying can
// help, and the user message from the core's catalog; `kind` holds the
// fields a screen needs to react (attempts left, offset of a bad payload, …).
import Foundation

/// An error from the wallet, ready to show and to match on.
public struct WalletError: Error, LocalizedError, Sendable, Equatable {
    /// What went wrong, with the fields specific to that failure.
    public enum Kind: Sendable, Equatable {
        /// A scanned payload was refused: problem kind, byte offset, field tag.
        case invalidPayload(kind: QrErrorKind, offset: UInt64, tag: String?)
        /// A failure WalletKit does not recognise (a newer core); `code` says what.
        case unknown
        /// The Rust core failed unexpectedly (for example a panic); the library keeps working.
        case `internal`
    }

    /// The stable, language-neutral error code (`invalid_payload`, `wrong_password`, …).
    public let code: String
    /// The failure's own fields.
    public let kind: Kind
    /// Whether the same call may succeed if retried later.
    public let retryable: Bool
    /// The message for the person using the app, in the configured locale.
    public let userMessage: String
    /// The server's request id when a response was received, for support.
    public let requestId: String?
    /// A message for developers (never shown to users, never contains secrets).
    public let developerMessage: String

    /// `LocalizedError`: the user message.
    public var errorDescription: String? { userMessage }

    init(code: String, kind: Kind, retryable: Bool, userMessage: String,
         requestId: String?, developerMessage: String)
    {
        self.code = code
        self.kind = kind
        self.retryable = retryable
        self.userMessage = userMessage
        self.requestId = requestId
        self.developerMessage = developerMessage
    }

    init(_ error: QrParseError) {
        switch error {
        case let .Invalid(kind, offset, tag, message):
            self.init(code: "invalid_payload", kind: .invalidPayload(kind: kind, offset: offset, tag: tag),
                      retryable: false, userMessage: message, requestId: nil, developerMessage: message)
        }
    }

    init(unexpected error: any Error) {
        let detail = String(describing: error)
        self.init(code: "internal", kind: .internal, retryable: false, userMessage: detail,
                  requestId: nil, developerMessage: detail)
    }
}
