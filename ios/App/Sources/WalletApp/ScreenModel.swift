// The common parts of the shell's view models: the observable base class, the
// language the person chose, and an error as a screen shows it. View models
// hold screen state only; every rule (limits, fees, codes, lock-outs) is the
// Rust core's, reached through WalletKit.
#if canImport(Combine)
    import Combine
#endif
import WalletKit

/// The languages the shell speaks; every text a person reads exists in both.
public enum AppLanguage: Sendable, Equatable, CaseIterable {
    /// English.
    case en
    /// Simplified Chinese.
    case zhHans

    /// The core's locale of the same language (for `WalletConfig`).
    public var walletLocale: WalletLocale {
        switch self {
        case .en: .en
        case .zhHans: .zhCn
        }
    }

    /// zh-Hans for any Chinese language code (`zh`, `zh-Hans-CN`, …), English otherwise.
    public static func of(languageCode: String?) -> AppLanguage {
        (languageCode ?? "").lowercased().hasPrefix("zh") ? .zhHans : .en
    }
}

/// A failure as a screen shows it: the core's message in the chosen language.
public struct ScreenError: Sendable, Equatable {
    /// The stable code (`wrong_password`, `insufficient_funds`, …), for logic and tests.
    public let code: String
    /// The user message from the core's catalog, in the chosen language.
    public let message: String
    /// Whether offering "try again" makes sense.
    public let retryable: Bool
    /// The server's request id, shown small for support.
    public let requestId: String?

    /// The error's message in `language` (WalletKit carries both).
    public init(_ error: WalletError, language: AppLanguage) {
        code = error.code
        message = language == .zhHans ? error.userMessageZhHans : error.userMessageEn
        retryable = error.retryable
        requestId = error.requestId
    }

    /// A failure the shell words itself (e.g. an order's refusal code).
    init(code: String, message: String, retryable: Bool, requestId: String?) {
        self.code = code
        self.message = message
        self.retryable = retryable
        self.requestId = requestId
    }
}

/// The base of every view model: one `state` value its view renders.
///
/// On Apple platforms it is an `ObservableObject` (SwiftUI redraws on each
/// change); everywhere `onChange` reports the new state (the Linux tests use it).
@MainActor
public class ScreenModel<State: Sendable> {
    /// What the screen shows now.
    public internal(set) var state: State {
        willSet {
            #if canImport(Combine)
                objectWillChange.send()
            #endif
        }
        didSet { onChange?(state) }
    }

    /// Called after every change of `state`.
    public var onChange: (@MainActor (State) -> Void)?

    /// The language of the messages this model produces.
    public let language: AppLanguage

    init(state: State, language: AppLanguage) {
        self.state = state
        self.language = language
    }

    /// A `WalletError` as this screen shows it.
    func screenError(_ error: WalletError) -> ScreenError { ScreenError(error, language: language) }
}

#if canImport(Combine)
    extension ScreenModel: ObservableObject {}
#endif

/// How a money movement ended, as a result screen shows it.
public enum MovementResult: Sendable, Equatable {
    /// Done: the transaction id and the amount the server recorded.
    case done(transactionId: String, amount: Money)
    /// Refused; nothing moved.
    case failed(ScreenError)
    /// Cancelled before it was sent.
    case canceled
    /// Sent but unanswered: the core settles it later (`reconcilePending`).
    case pending(operationId: String)

    init(_ outcome: PaymentOutcome, language: AppLanguage) {
        switch outcome {
        case let .succeeded(transaction): self = .done(transactionId: transaction.id, amount: transaction.amount)
        case let .failed(error): self = .failed(ScreenError(error, language: language))
        case .canceled: self = .canceled
        case let .pending(operationId): self = .pending(operationId: operationId)
        }
    }
}
