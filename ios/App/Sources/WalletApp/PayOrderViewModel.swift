// Pay from another app: a merchant's app hands over an order token (the link
// that opens this screen carries it); the core previews the order, the person
// confirms, and the outcome is shown. Whether the order can be paid, and that
// it is paid at most once, is the core's and the server's rule; this model
// only shows their answers.
import WalletKit

/// The confirm screen for an order handed over by another app: preview →
/// confirm → outcome.
@MainActor
public final class PayOrderViewModel: ScreenModel<PayOrderViewModel.State> {
    /// What the screen shows.
    public enum State: Sendable, Equatable {
        /// The preview is being fetched.
        case loading
        /// The order can be paid: its merchant, amount and description wait for "Confirm".
        case confirm(OrderPreview)
        /// Confirmed; the payment is running (nothing can be confirmed twice).
        case paying(OrderPreview)
        /// The payment ended: done, refused, cancelled, or pending (settled later by the core).
        case finished(OrderPreview, MovementResult)
        /// The order exists but cannot be paid (already paid, closed or expired).
        case notPayable(OrderPreview, ScreenError)
        /// The order could not be fetched (unknown token, network); `load()` again if retryable.
        case unavailable(ScreenError)
    }

    private let client: WalletClient
    /// The order token the other app handed over.
    public let token: String

    /// A confirm screen for the order `token`; call `load()` to show it.
    public init(client: WalletClient, token: String, language: AppLanguage) {
        self.client = client
        self.token = token
        super.init(state: .loading, language: language)
    }

    /// Fetches the preview (moves no money).
    public func load() async {
        state = .loading
        do {
            let preview = try await client.previewOrder(token: token)
            if let shown = refusal(status: preview.status) {
                state = .notPayable(preview, shown)
            } else {
                state = .confirm(preview)
            }
        } catch {
            state = .unavailable(screenError(error))
        }
    }

    /// Pays the previewed order; only from `.confirm`, so a second tap does nothing.
    public func confirm() async {
        guard case let .confirm(preview) = state else { return }
        state = .paying(preview)
        let outcome = await client.payOrder(token: token)
        if case let .failed(error) = outcome, case let .conflict(code) = error.kind,
           let shown = refusal(conflictCode: code, requestId: error.requestId)
        {
            state = .finished(preview, .failed(shown))
        } else {
            state = .finished(preview, MovementResult(outcome, language: language))
        }
    }

    /// An order's refusal in the shell's words (the core's `conflict` message is generic).
    private func refusal(conflictCode code: String, requestId: String?) -> ScreenError? {
        let text: UIText
        switch code {
        case "order_already_paid": text = .orderAlreadyPaid
        case "order_closed": text = .orderClosed
        case "order_expired": text = .orderExpired
        default: return nil
        }
        return ScreenError(code: code, message: text.text(language), retryable: false, requestId: requestId)
    }

    /// The refusal an order's previewed status means, if it is not payable
    /// (an unknown status is left to the server to decide on confirm).
    private func refusal(status: String) -> ScreenError? {
        switch status {
        case "paid": refusal(conflictCode: "order_already_paid", requestId: nil)
        case "closed": refusal(conflictCode: "order_closed", requestId: nil)
        case "expired": refusal(conflictCode: "order_expired", requestId: nil)
        default: nil
        }
    }
}
