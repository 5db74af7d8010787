package im.wallet.sdk

import im.wallet.core.CodePurpose
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
