// Money: balances, quotes and the money movements. Movements return a
// `PaymentOutcome`, so an unknown outcome is a value (`.pending`) a screen
// shows, not an error it may mishandle; the core settles it exactly once.
import IMWalletCore

extension WalletClient {
    /// Every balance, in minor units per currency.
    public func balances() async throws(WalletError) -> [Money] { try await call { try await core.balances() } }

    /// The balance in one currency (ISO 4217 alpha).
    public func balance(_ currency: String) async throws(WalletError) -> Money {
        try await call { try await core.balance(currency: currency) }
    }

    /// What a movement would cost (fee, discount, points) before doing it.
    public func quote(_ operation: WalletOperation, amount: Money, couponId: String? = nil,
                      points: Int64? = nil) async throws(WalletError) -> Quote
    {
        try await call { try await core.quote(operation: operation, amount: amount, couponId: couponId, points: points) }
    }

    /// Tops up from a verified card.
    public func topUp(cardId: String, amount: Money) async -> PaymentOutcome {
        await PaymentOutcome.of { try await core.topUp(cardId: cardId, amount: amount) }
    }

    /// Pays what was scanned (merchant code or a user's receive code).
    public func pay(_ request: PayRequest) async -> PaymentOutcome {
        await PaymentOutcome.of { try await core.pay(request: request) }
    }

    // MARK: pay from another app

    /// The merchant order another app handed over as `token` (its
    /// `order_token`): who is paid and how much, shown before the user
    /// confirms. Moves no money; an unknown token is `.notFound("order")`.
    public func previewOrder(token: String) async throws(WalletError) -> OrderPreview {
        try await call { try await core.previewOrder(orderToken: token) }
    }

    /// Pays the order `token` exactly once, classified like `pay`: an order
    /// already paid, closed or expired is `.failed` with a `.conflict` whose
    /// code is the order's (`order_already_paid`, ...); a lost answer is
    /// `.pending` and settled by `reconcilePending()`.
    public func payOrder(token: String) async -> PaymentOutcome {
        await PaymentOutcome.of { try await core.payOrder(orderToken: token) }
    }

    /// Sends money to a phone, e-mail, user id or receive code.
    public func transfer(to target: TransferTarget, amount: Money, memo: String? = nil) async -> PaymentOutcome {
        await PaymentOutcome.of { try await core.transfer(to: target, amount: amount, memo: memo) }
    }

    /// Withdraws to a card with a `withdraw` code.
    public func withdraw(cardId: String, amount: Money, code: String) async -> PaymentOutcome {
        await PaymentOutcome.of { try await core.withdraw(cardId: cardId, amount: amount, code: code) }
    }

    /// A quote to convert `sell` into `buyCurrency`.
    public func fxQuote(sell: Money, buyCurrency: String) async throws(WalletError) -> FxQuote {
        try await call { try await core.fxQuote(sell: sell, buyCurrency: buyCurrency) }
    }

    /// Converts at a quote.
    public func fxConvert(quoteId: String) async -> PaymentOutcome {
        await PaymentOutcome.of { try await core.fxConvert(quoteId: quoteId) }
    }

    /// The points balance and its events.
    public func points() async throws(WalletError) -> Points { try await call { try await core.points() } }

    /// The user's coupons.
    public func coupons() async throws(WalletError) -> [Coupon] { try await call { try await core.coupons() } }

    /// Settles operations whose outcome was unknown (replayed with their keys).
    public func reconcilePending() async throws(WalletError) -> ReconcileReport {
        try await call { try await core.reconcilePending() }
    }

    // MARK: cards

    /// Binds a card (the number crosses once); verify it with the `bindCard` code.
    public func bindCard(number: String, expiryMonth: UInt8, expiryYear: UInt16,
                         holderName: String) async throws(WalletError) -> Card
    {
        try await call {
            try await core.bindCard(number: number, expiryMonth: expiryMonth, expiryYear: expiryYear, holderName: holderName)
        }
    }

    /// Verifies a bound card with its code.
    public func verifyCard(cardId: String, code: String) async throws(WalletError) -> Card {
        try await call { try await core.verifyCard(cardId: cardId, code: code) }
    }

    /// The bound cards.
    public func cards() async throws(WalletError) -> [Card] { try await call { try await core.cards() } }

    /// Removes a card.
    public func removeCard(cardId: String) async throws(WalletError) {
        try await call { try await core.removeCard(cardId: cardId) }
    }

    // MARK: codes

    /// A receive code (QR payload) others scan to pay this user.
    public func receiveCode(_ request: ReceiveCodeRequest) async throws(WalletError) -> String {
        try await call { try await core.receiveCode(request: request) }
    }

    /// Fetches this device's offline payment-code secret (once).
    public func provisionPaymentCodes() async throws(WalletError) {
        try await call { try await core.provisionPaymentCodes() }
    }

    /// A single-use offline payment code for a merchant to scan.
    public func paymentCode() async throws(WalletError) -> String {
        try await call { try await core.paymentCode() }
    }
}
