package im.wallet.sdk

import im.wallet.core.CachedProfile
import im.wallet.core.Card
import im.wallet.core.Coupon
import im.wallet.core.FxQuote
import im.wallet.core.Operation
import im.wallet.core.OrderPreview
import im.wallet.core.OperationStatus
import im.wallet.core.PayRequest
import im.wallet.core.Points
import im.wallet.core.Quote
import im.wallet.core.ReconcileReport
import im.wallet.core.TransferTarget
import im.wallet.core.CancelHandle
import im.wallet.core.CodePurpose
import im.wallet.core.CodeSent
import im.wallet.core.HistoryPage
import im.wallet.core.Locale
import im.wallet.core.Money
import im.wallet.core.PlatformKeyStore
import im.wallet.core.Profile
import im.wallet.core.ReceiveCodeRequest
import im.wallet.core.SecurityEvent
import im.wallet.core.SpendingLine
import im.wallet.core.SyncProgressListener
import im.wallet.core.TransactionView
import im.wallet.core.Wallet
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.channels.onFailure
import kotlinx.coroutines.channels.trySendBlocking
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlin.time.Duration

/**
 * The wallet, for Kotlin: `suspend` functions over the core's `Wallet`,
 * failures as [WalletException], history sync and security events as
 * [Flow]s, money movements as a [PaymentOutcome]. Safe to share between
 * coroutines and threads; the core serialises money calls per wallet.
 * Conversion only: every rule (validation, retries, exactly-once) is the
 * core's.
 */
class ImWallet private constructor(private val inner: Wallet) : AutoCloseable {
    // ---- state (sync) ----

    /** Whether this device has an account (a vault). */
    fun hasAccount(): Boolean = ffi { inner.hasAccount() }

    /** Whether the vault is unlocked. */
    fun isUnlocked(): Boolean = ffi { inner.isUnlocked() }

    /** Whether a session is active. */
    fun isLoggedIn(): Boolean = ffi { inner.isLoggedIn() }

    /** Locks the vault (keys leave memory). */
    fun lock() = ffi { inner.lock() }

    /** The locale of user messages. */
    fun locale(): Locale = ffi { inner.locale() }

    // ---- auth ----

    /** Sends a verification code for [purpose] (to [destination] for register, login and reset). */
    suspend fun requestCode(purpose: CodePurpose, destination: String? = null): CodeSent =
        ffi { inner.requestCode(purpose, destination) }

    /** Creates an account with the code sent for [CodePurpose.REGISTER]. */
    suspend fun register(identifier: String, password: String, code: String, displayName: String? = null): Profile =
        ffi { inner.register(identifier, password, code, displayName) }

    /** First login step: the password; the second factor is sent. */
    suspend fun login(identifier: String, password: String): CodeSent = ffi { inner.login(identifier, password) }

    /** Second login step: the code. */
    suspend fun verifyLogin(code: String): Profile = ffi { inner.verifyLogin(code) }

    /** Unlocks the vault with the password. */
    suspend fun unlock(password: String) = ffi { inner.unlock(password) }

    /** Lets [store] (Android Keystore, ...) wrap the vault key for biometric unlock. */
    suspend fun enablePlatformUnlock(store: PlatformKeyStore) = ffi { inner.enablePlatformUnlock(store) }

    /** Unlocks the vault through [store]. */
    suspend fun unlockWithPlatformKey(store: PlatformKeyStore) = ffi { inner.unlockWithPlatformKey(store) }

    /** Ends the session on the server, then wipes the tokens. */
    suspend fun logout() = ffi { inner.logout() }

    /** Sets a new password with a [CodePurpose.RESET_PASSWORD] code. */
    suspend fun resetPassword(identifier: String, code: String, newPassword: String) =
        ffi { inner.resetPassword(identifier, code, newPassword) }

    /** Changes the password. */
    suspend fun changePassword(currentPassword: String, newPassword: String) =
        ffi { inner.changePassword(currentPassword, newPassword) }

    /** Freezes the account. */
    suspend fun freeze(): Profile = ffi { inner.freeze() }

    /** Unfreezes the account (needs the password). */
    suspend fun unfreeze(password: String): Profile = ffi { inner.unfreeze(password) }

    /** The profile from the server. */
    suspend fun profile(): Profile = ffi { inner.profile() }

    /** The profile kept on the device, if any. */
    suspend fun cachedProfile(): CachedProfile? = ffi { inner.cachedProfile() }

    /**
     * The account's security events. Without [pollEvery] the current list,
     * oldest first; with it, keeps polling and emits each new event once.
     */
    fun securityEvents(pollEvery: Duration? = null): Flow<SecurityEvent> = flow {
        val seen = HashSet<SecurityEvent>()
        while (true) {
            for (e in ffi { inner.securityEvents() }) if (seen.add(e)) emit(e)
            delay(pollEvery ?: return@flow)
        }
    }

    // ---- money ----

    /** Balances per currency (minor units). */
    suspend fun balances(): List<Money> = ffi { inner.balances() }

    /** The balance in [currency] (ISO 4217; zero if none is held). */
    suspend fun balance(currency: String): Money = ffi { inner.balance(currency) }

    /** The exact fee, debit, credit and discount of [operation] before doing it. */
    suspend fun quote(operation: Operation, amount: Money, couponId: String? = null, points: Long? = null): Quote =
        ffi { inner.quote(operation, amount, couponId, points) }

    /** Charges the bound, verified card [cardId] into the wallet. */
    suspend fun topUp(cardId: String, amount: Money): PaymentOutcome =
        PaymentOutcome.of { inner.topUp(cardId, amount) }

    /**
     * Pays a scanned [payload] (a merchant's code, or another user's receive
     * code) exactly as read. [amount] is required unless the code carries
     * one; a [couponId] and [points] (1 point = 1 minor unit) lower the debit.
     */
    suspend fun pay(
        payload: String,
        amount: Money? = null,
        couponId: String? = null,
        points: Long? = null,
        memo: String? = null,
    ): PaymentOutcome = PaymentOutcome.of { inner.pay(PayRequest(payload, amount, couponId, points, memo)) }

    /**
     * The merchant name, amount, description, state and expiry of the
     * merchant order another app handed over as [orderToken]: show it before
     * the user confirms [payOrder]. Moves no money.
     */
    suspend fun previewOrder(orderToken: String): OrderPreview = ffi { inner.previewOrder(orderToken) }

    /**
     * Pays the merchant order [orderToken] (its amount, to its merchant),
     * exactly once like [pay]: a lost answer is [PaymentOutcome.Pending]
     * until [reconcilePending]; an order already paid, closed or expired is
     * [PaymentOutcome.Failed] with a `Conflict` of the order's code.
     */
    suspend fun payOrder(orderToken: String): PaymentOutcome = PaymentOutcome.of { inner.payOrder(orderToken) }

    /** Pays the merchant [merchantId] without a scan. */
    suspend fun payMerchant(
        merchantId: String,
        amount: Money,
        couponId: String? = null,
        points: Long? = null,
        memo: String? = null,
    ): PaymentOutcome = PaymentOutcome.of { inner.payMerchant(merchantId, amount, couponId, points, memo) }

    /** Sends [amount] to [to] (phone, e-mail, user id or a scanned receive code). */
    suspend fun transfer(to: TransferTarget, amount: Money, memo: String? = null): PaymentOutcome =
        PaymentOutcome.of { inner.transfer(to, amount, memo) }

    /** Sends [amount] to the user with this E.164 [phone]. */
    suspend fun transferToPhone(phone: String, amount: Money, memo: String? = null): PaymentOutcome =
        transfer(TransferTarget.Phone(phone), amount, memo)

    /** Sends [amount] to the user with this [email]. */
    suspend fun transferToEmail(email: String, amount: Money, memo: String? = null): PaymentOutcome =
        transfer(TransferTarget.Email(email), amount, memo)

    /** Sends [amount] to the user [userId]. */
    suspend fun transferToUser(userId: String, amount: Money, memo: String? = null): PaymentOutcome =
        transfer(TransferTarget.UserId(userId), amount, memo)

    /** Sends [amount] to the owner of a scanned receive code [payload]. */
    suspend fun transferToReceiveCode(payload: String, amount: Money, memo: String? = null): PaymentOutcome =
        transfer(TransferTarget.ReceiveCode(payload), amount, memo)

    /** Withdraws to the bound card [cardId] with a [CodePurpose.WITHDRAW] [code]; pending until the bank settles. */
    suspend fun withdraw(cardId: String, amount: Money, code: String): PaymentOutcome =
        PaymentOutcome.of { inner.withdraw(cardId, amount, code) }

    /** A firm quote to sell [sell] for [buyCurrency]. */
    suspend fun fxQuote(sell: Money, buyCurrency: String): FxQuote = ffi { inner.fxQuote(sell, buyCurrency) }

    /** Converts at the quote [quoteId] from [fxQuote]. */
    suspend fun fxConvert(quoteId: String): PaymentOutcome = PaymentOutcome.of { inner.fxConvert(quoteId) }

    /** The points balance and its recent changes. */
    suspend fun points(): Points = ffi { inner.points() }

    /** The user's coupons. */
    suspend fun coupons(): List<Coupon> = ffi { inner.coupons() }

    /** The money operations whose outcome is still open (each a [PaymentOutcome.Pending] once), oldest first. */
    suspend fun pendingOperations(): List<OperationStatus> = ffi { inner.pendingOperations() }

    /**
     * Settles every open money operation exactly once by replaying it with
     * its original idempotency key. Call it after a [PaymentOutcome.Pending]
     * and after an app restart (every money call also runs it first).
     */
    suspend fun reconcilePending(): ReconcileReport = ffi { inner.reconcilePending() }

    /** Where the money operation [operationId] (from [PaymentOutcome.Pending]) stands. */
    suspend fun operation(operationId: String): OperationStatus = ffi { inner.operation(operationId) }

    // ---- cards ----

    /**
     * Starts binding a card; the server sends a [CodePurpose.BIND_CARD] code
     * for [verifyCard]. The [number] is zeroized by the core after the call
     * (a Kotlin [String] cannot be wiped: drop it right after).
     */
    suspend fun bindCard(number: String, expiryMonth: Int, expiryYear: Int, holderName: String): Card {
        require(expiryMonth in 1..12) { "expiryMonth must be 1..12" }
        require(expiryYear in 2000..65535) { "expiryYear out of range" }
        return ffi { inner.bindCard(number, expiryMonth.toUByte(), expiryYear.toUShort(), holderName) }
    }

    /** Finishes binding [cardId] with the code. */
    suspend fun verifyCard(cardId: String, code: String): Card = ffi { inner.verifyCard(cardId, code) }

    /** The user's cards (token and last four digits only). */
    suspend fun cards(): List<Card> = ffi { inner.cards() }

    /** Removes the card [cardId]. */
    suspend fun removeCard(cardId: String) = ffi { inner.removeCard(cardId) }

    // ---- history ----

    /**
     * Syncs the history into the encrypted cache: a [SyncProgress.Page]
     * after each stored page, then [SyncProgress.Done]. The sync waits for
     * the collector at each page (no buffer). Cancelling the collector
     * cancels the sync at the next page boundary; the collection returns
     * once the sync has stopped, and the pages stored so far stay.
     */
    fun syncHistory(): Flow<SyncProgress> = callbackFlow {
        val handle = CancelHandle()
        val listener = object : SyncProgressListener {
            override fun onProgress(fetched: ULong) {
                // Back-pressure: waits while the collector is behind; a gone collector cancels the sync.
                trySendBlocking(SyncProgress.Page(fetched.toLong())).onFailure { handle.cancel() }
            }
        }
        launch {
            // Not cancellable: a cancelled collector waits until the core has
            // stopped at a page boundary, so what it then reads is final.
            val result = withContext(NonCancellable) { runCatching { ffi { inner.syncHistory(listener, handle) } } }
            result.fold(
                onSuccess = { send(SyncProgress.Done(it)); close() },
                onFailure = { close(it) },
            )
        }
        awaitClose { handle.cancel() }
    }.buffer(Channel.RENDEZVOUS)

    /** A page of the cached history, newest first. */
    suspend fun history(limit: Int, offset: Int = 0): HistoryPage = ffi { inner.history(limit.toUInt(), offset.toUInt()) }

    /** One cached transaction with its memo. */
    suspend fun transaction(transactionId: String): TransactionView = ffi { inner.transaction(transactionId) }

    /** Spending by month and category, from the cache. */
    suspend fun spendingSummary(): List<SpendingLine> = ffi { inner.spendingSummary() }

    // ---- codes ----

    /** A receive code (QR payload) others scan to pay this account. */
    suspend fun receiveCode(currency: String, amount: Money? = null, reference: String? = null): String =
        ffi { inner.receiveCode(ReceiveCodeRequest(currency, amount, reference)) }

    /** Provisions this device for offline payment codes. */
    suspend fun provisionPaymentCodes() = ffi { inner.provisionPaymentCodes() }

    /** Whether this device can show payment codes. */
    suspend fun hasPaymentCodes(): Boolean = ffi { inner.hasPaymentCodes() }

    /** A single-use offline payment code (QR payload) a merchant charges. */
    suspend fun paymentCode(): String = ffi { inner.paymentCode() }

    /** Releases the native wallet. */
    override fun close() = inner.close()

    companion object {
        /** Opens the wallet of [config] (an existing vault opens locked), off the caller's thread. */
        @JvmStatic
        suspend fun open(config: WalletConfig): ImWallet = withContext(Dispatchers.IO) { openBlocking(config) }

        /** Opens the wallet on the calling thread (disk I/O: not on a UI thread). */
        @JvmStatic
        fun openBlocking(config: WalletConfig): ImWallet = ImWallet(ffi { Wallet(config.toFfi()) })
    }
}
