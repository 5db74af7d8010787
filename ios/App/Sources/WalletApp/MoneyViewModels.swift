// Top-up from a bound card, transfer to another user, and the receive code
// others scan. The core checks balances, limits and fees.
import WalletKit

/// The top-up screen.
@MainActor
public final class TopUpViewModel: ScreenModel<TopUpViewModel.State> {
    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// The bound cards (only verified ones can pay).
        public var cards: [Card] = []
        /// A call is running.
        public var busy = false
        /// The last top-up's result.
        public var result: MovementResult?
        /// A failure loading the cards, in the chosen language.
        public var error: ScreenError?
    }

    private let client: WalletClient

    /// A top-up screen for `client`.
    public init(client: WalletClient, language: AppLanguage) {
        self.client = client
        super.init(state: State(), language: language)
    }

    /// Loads the bound cards.
    public func loadCards() async {
        state.busy = true
        do {
            state.cards = try await client.cards()
            state.error = nil
        } catch {
            state.error = screenError(error)
        }
        state.busy = false
    }

    /// Tops up `amount` from `cardId`.
    public func topUp(cardId: String, amount: Money) async {
        state.busy = true
        state.result = await MovementResult(client.topUp(cardId: cardId, amount: amount), language: language)
        state.busy = false
    }
}

/// The transfer screen.
@MainActor
public final class TransferViewModel: ScreenModel<TransferViewModel.State> {
    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// A call is running.
        public var busy = false
        /// The last transfer's result.
        public var result: MovementResult?
    }

    private let client: WalletClient

    /// A transfer screen for `client`.
    public init(client: WalletClient, language: AppLanguage) {
        self.client = client
        super.init(state: State(), language: language)
    }

    /// Sends `amount` to `target` (phone, e-mail, user id or receive code).
    public func send(to target: TransferTarget, amount: Money, memo: String? = nil) async {
        state.busy = true
        state.result = await MovementResult(client.transfer(to: target, amount: amount, memo: memo), language: language)
        state.busy = false
    }
}

/// The receive-code screen: a QR payload others scan to pay this user.
@MainActor
public final class ReceiveCodeViewModel: ScreenModel<ReceiveCodeViewModel.State> {
    /// What the screen shows.
    public enum State: Sendable, Equatable {
        /// Nothing generated yet.
        case empty
        /// The payload to draw as a QR code.
        case code(String)
        /// The failure, in the chosen language.
        case failed(ScreenError)
    }

    private let client: WalletClient

    /// A receive screen for `client`.
    public init(client: WalletClient, language: AppLanguage) {
        self.client = client
        super.init(state: .empty, language: language)
    }

    /// Makes a code for `currency`, optionally for a fixed `amount`.
    public func generate(currency: String, amount: Money? = nil, reference: String? = nil) async {
        do {
            state = try await .code(client.receiveCode(ReceiveCodeRequest(currency: currency, amount: amount,
                                                                          reference: reference)))
        } catch {
            state = .failed(screenError(error))
        }
    }
}
