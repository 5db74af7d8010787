// The home screen: the balances, refreshed on appear and after each movement.
import WalletKit

/// Home / balance.
@MainActor
public final class HomeViewModel: ScreenModel<HomeViewModel.State> {
    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// Every balance, minor units per currency (as the core returns them).
        public var balances: [Money] = []
        /// Loading (show a spinner over the old values).
        public var loading = false
        /// The last failure, in the chosen language.
        public var error: ScreenError?
    }

    /// The wallet this screen reads (the views open the money screens with it).
    public let client: WalletClient

    /// A home screen for `client`.
    public init(client: WalletClient, language: AppLanguage) {
        self.client = client
        super.init(state: State(), language: language)
    }

    /// Reloads the balances.
    public func refresh() async {
        state.loading = true
        do {
            let balances = try await client.balances()
            state = State(balances: balances)
        } catch {
            state.loading = false
            state.error = screenError(error)
        }
    }

    /// The balance in `currency` (zero when the wallet holds none).
    public func balance(_ currency: String) -> Money {
        state.balances.first { $0.currency == currency } ?? Money(minor: 0, currency: currency)
    }
}
