// Scan a payment code, then confirm and pay it. The core parses and validates
// the code (CRC, fields) and decides the payment; these models show the
// parsed fields, the quote and the outcome.
import WalletKit

/// The scan screen: the camera (or a pasted text) delivers a payload.
@MainActor
public final class ScanViewModel: ScreenModel<ScanViewModel.State> {
    /// What the screen shows.
    public enum State: Sendable, Equatable {
        /// Waiting for a code.
        case scanning
        /// A valid payment code: go to the confirm screen.
        case recognized(payload: String, scanned: ScannedPayload)
        /// Not a usable code; the message says why.
        case invalid(ScreenError)
    }

    /// A scan screen.
    public init(language: AppLanguage) {
        super.init(state: .scanning, language: language)
    }

    /// Parses what the camera read (no network call).
    public func scanned(_ payload: String) {
        do {
            state = try .recognized(payload: payload, scanned: QRCode.parse(payload))
        } catch {
            state = .invalid(screenError(error))
        }
    }

    /// Back to the camera.
    public func reset() { state = .scanning }
}

/// The pay-confirm screen for one scanned code.
@MainActor
public final class PayConfirmViewModel: ScreenModel<PayConfirmViewModel.State> {
    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// The parsed code (payee, fixed amount if any, currency).
        public let scanned: ScannedPayload
        /// The fee and discount of the amount last quoted.
        public var quote: Quote?
        /// A call is running.
        public var busy = false
        /// The payment's result once confirmed.
        public var result: MovementResult?
        /// A failure before paying (e.g. of the quote), in the chosen language.
        public var error: ScreenError?
    }

    private let client: WalletClient
    private let payload: String

    /// Confirms the code `payload` that `ScanViewModel` recognised as `scanned`.
    public init(client: WalletClient, payload: String, scanned: ScannedPayload, language: AppLanguage) {
        self.client = client
        self.payload = payload
        super.init(state: State(scanned: scanned), language: language)
    }

    /// The currency to pay in: the code's, else `fallback` (the wallet's main one).
    public func currency(fallback: String) -> String { state.scanned.currency ?? fallback }

    /// Asks the core what paying `amount` costs.
    public func quote(amount: Money) async {
        state.busy = true
        do {
            let quote = try await client.quote(.payment, amount: amount)
            state.quote = quote
            state.error = nil
        } catch {
            state.error = screenError(error)
        }
        state.busy = false
    }

    /// Pays; the result is in `state.result`.
    public func confirm(amount: Money, memo: String? = nil) async {
        state.busy = true
        state.error = nil
        let outcome = await client.pay(PayRequest(payload: payload, amount: amount, couponId: nil, points: nil, memo: memo))
        state.result = MovementResult(outcome, language: language)
        state.busy = false
    }
}
