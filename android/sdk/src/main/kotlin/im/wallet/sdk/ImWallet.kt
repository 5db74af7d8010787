package im.wallet.sdk

import im.wallet.core.CachedProfile
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
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.channels.onFailure
import kotlinx.coroutines.channels.trySendBlocking
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlin.time.Duration

/**
 * The wallet, for Kotlin: `suspend` functions over the core's `Wallet`,
 * failures as [WalletException], history sync and security events as
 * [Flow]s. (Money movements and cards follow when the FFI exports them.) Safe to share between
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

    // ---- history ----

    /**
     * Syncs the history into the encrypted cache: a [SyncProgress.Page]
     * after each stored page, then [SyncProgress.Done]. Cancelling the
     * collector cancels the sync at the next page boundary; stored pages stay.
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
            try {
                val report = ffi { inner.syncHistory(listener, handle) }
                send(SyncProgress.Done(report))
                close()
            } catch (e: WalletException) {
                close(e)
            }
        }
        awaitClose { handle.cancel() }
    }

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
