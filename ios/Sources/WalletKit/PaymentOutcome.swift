// What became of a money movement, as one value a payment screen can switch
// on instead of catching errors.

/// The result of a payment, transfer, top-up or withdrawal.
public enum PaymentOutcome: Sendable {
    /// Done; the transaction as the server recorded it.
    case succeeded(Transaction)
    /// Refused or failed before any money moved; the error says why.
    case failed(WalletError)
    /// Cancelled by the user or the task before it was sent.
    case canceled
    /// Sent, but the answer was lost: the operation is kept and settled
    /// exactly once by `WalletClient.reconcilePending()`.
    case pending(operationId: String)

    /// Runs a money call and classifies how it ended.
    static func of(_ call: () async throws -> Transaction) async -> PaymentOutcome {
        if Task.isCancelled { return .canceled }
        do {
            return try await .succeeded(call())
        } catch {
            let walletError = WalletError(error)
            switch walletError.kind {
            case let .outcomeUnknown(operationId): return .pending(operationId: operationId)
            case .cancelled: return .canceled
            default: return .failed(walletError)
            }
        }
    }
}
