package im.wallet.sdk

import im.wallet.core.Card
import im.wallet.core.CodePurpose
import im.wallet.core.Coupon
import im.wallet.core.FxQuote
import im.wallet.core.Money
import im.wallet.core.Operation
import im.wallet.core.OperationStatus
import im.wallet.core.OrderPreview
import im.wallet.core.Points
import im.wallet.core.Quote
import im.wallet.core.ReconcileReport
import im.wallet.core.SpendingLine
import im.wallet.core.TransferTarget
import im.wallet.core.CodeSent
import im.wallet.core.HistoryPage
import im.wallet.core.Profile
import im.wallet.core.SyncReport
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.last
import kotlinx.coroutines.future.future
import java.util.concurrent.CompletableFuture

/**
 * The wallet for Java: every call returns a [CompletableFuture] that
 * completes with the result or exceptionally with a [WalletException].
 * A thin adapter over
 * [ImWallet]; close it to cancel what is still running.
 */
class WalletFutures private constructor(private val wallet: ImWallet) : AutoCloseable {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** The Kotlin wallet behind this facade. */
    fun kotlin(): ImWallet = wallet

    /** See [ImWallet.requestCode]. */
    fun requestCode(purpose: CodePurpose, destination: String?): CompletableFuture<CodeSent> =
        scope.future { wallet.requestCode(purpose, destination) }

    /** See [ImWallet.register]. */
    fun register(identifier: String, password: String, code: String, displayName: String?): CompletableFuture<Profile> =
        scope.future { wallet.register(identifier, password, code, displayName) }

    /** See [ImWallet.login]. */
    fun login(identifier: String, password: String): CompletableFuture<CodeSent> =
        scope.future { wallet.login(identifier, password) }

    /** See [ImWallet.verifyLogin]. */
    fun verifyLogin(code: String): CompletableFuture<Profile> = scope.future { wallet.verifyLogin(code) }

    /** See [ImWallet.unlock]. */
    fun unlock(password: String): CompletableFuture<Void?> = scope.future { wallet.unlock(password); null }

    /** See [ImWallet.lock]. */
    fun lock() = wallet.lock()

    /** See [ImWallet.logout]. */
    fun logout(): CompletableFuture<Void?> = scope.future { wallet.logout(); null }

    /** See [ImWallet.profile]. */
    fun profile(): CompletableFuture<Profile> = scope.future { wallet.profile() }

    /** See [ImWallet.syncHistory]; completes with the final report. */
    fun syncHistory(): CompletableFuture<SyncReport> =
        scope.future { (wallet.syncHistory().last() as SyncProgress.Done).report }

    /** See [ImWallet.history]. */
    fun history(limit: Int, offset: Int): CompletableFuture<HistoryPage> = scope.future { wallet.history(limit, offset) }

    // ---- money (a money call completes with a [PaymentOutcome], never exceptionally for a refusal) ----

    /** See [ImWallet.balances]. */
    fun balances(): CompletableFuture<List<Money>> = scope.future { wallet.balances() }

    /** See [ImWallet.balance]. */
    fun balance(currency: String): CompletableFuture<Money> = scope.future { wallet.balance(currency) }

    /** See [ImWallet.quote]. */
    fun quote(operation: Operation, amount: Money, couponId: String?, points: Long?): CompletableFuture<Quote> =
        scope.future { wallet.quote(operation, amount, couponId, points) }

    /** See [ImWallet.topUp]. */
    fun topUp(cardId: String, amount: Money): CompletableFuture<PaymentOutcome> = scope.future { wallet.topUp(cardId, amount) }

    /** See [ImWallet.pay]. */
    fun pay(payload: String, amount: Money?, couponId: String?, points: Long?, memo: String?): CompletableFuture<PaymentOutcome> =
        scope.future { wallet.pay(payload, amount, couponId, points, memo) }

    /** See [ImWallet.previewOrder]. */
    fun previewOrder(orderToken: String): CompletableFuture<OrderPreview> = scope.future { wallet.previewOrder(orderToken) }

    /** See [ImWallet.payOrder]. */
    fun payOrder(orderToken: String): CompletableFuture<PaymentOutcome> = scope.future { wallet.payOrder(orderToken) }

    /** See [ImWallet.transfer]. */
    fun transfer(to: TransferTarget, amount: Money, memo: String?): CompletableFuture<PaymentOutcome> =
        scope.future { wallet.transfer(to, amount, memo) }

    /** See [ImWallet.withdraw]. */
    fun withdraw(cardId: String, amount: Money, code: String): CompletableFuture<PaymentOutcome> =
        scope.future { wallet.withdraw(cardId, amount, code) }

    /** See [ImWallet.fxQuote]. */
    fun fxQuote(sell: Money, buyCurrency: String): CompletableFuture<FxQuote> = scope.future { wallet.fxQuote(sell, buyCurrency) }

    /** See [ImWallet.fxConvert]. */
    fun fxConvert(quoteId: String): CompletableFuture<PaymentOutcome> = scope.future { wallet.fxConvert(quoteId) }

    /** See [ImWallet.points]. */
    fun points(): CompletableFuture<Points> = scope.future { wallet.points() }

    /** See [ImWallet.coupons]. */
    fun coupons(): CompletableFuture<List<Coupon>> = scope.future { wallet.coupons() }

    /** See [ImWallet.pendingOperations]. */
    fun pendingOperations(): CompletableFuture<List<OperationStatus>> = scope.future { wallet.pendingOperations() }

    /** See [ImWallet.reconcilePending]. */
    fun reconcilePending(): CompletableFuture<ReconcileReport> = scope.future { wallet.reconcilePending() }

    // ---- cards ----

    /** See [ImWallet.bindCard]. */
    fun bindCard(number: String, expiryMonth: Int, expiryYear: Int, holderName: String): CompletableFuture<Card> =
        scope.future { wallet.bindCard(number, expiryMonth, expiryYear, holderName) }

    /** See [ImWallet.verifyCard]. */
    fun verifyCard(cardId: String, code: String): CompletableFuture<Card> = scope.future { wallet.verifyCard(cardId, code) }

    /** See [ImWallet.cards]. */
    fun cards(): CompletableFuture<List<Card>> = scope.future { wallet.cards() }

    /** See [ImWallet.removeCard]. */
    fun removeCard(cardId: String): CompletableFuture<Void?> = scope.future { wallet.removeCard(cardId); null }

    // ---- history and codes ----

    /** See [ImWallet.spendingSummary]. */
    fun spendingSummary(): CompletableFuture<List<SpendingLine>> = scope.future { wallet.spendingSummary() }

    /** See [ImWallet.receiveCode]. */
    fun receiveCode(currency: String, amount: Money?, reference: String?): CompletableFuture<String> =
        scope.future { wallet.receiveCode(currency, amount, reference) }

    /** See [ImWallet.provisionPaymentCodes]. */
    fun provisionPaymentCodes(): CompletableFuture<Void?> = scope.future { wallet.provisionPaymentCodes(); null }

    /** See [ImWallet.paymentCode]. */
    fun paymentCode(): CompletableFuture<String> = scope.future { wallet.paymentCode() }

    /** Cancels running calls and releases the wallet. */
    override fun close() {
        scope.cancel()
        wallet.close()
    }

    companion object {
        /** Opens the wallet of [config] on the calling thread (disk I/O). */
        @JvmStatic
        fun open(config: WalletConfig): WalletFutures = WalletFutures(ImWallet.openBlocking(config))
    }
}
