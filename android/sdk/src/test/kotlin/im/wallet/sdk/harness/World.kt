package im.wallet.sdk.harness

import im.wallet.core.CodePurpose
import im.wallet.core.Locale
import im.wallet.core.LogLevel
import im.wallet.core.LogRecord
import im.wallet.core.LogSink
import im.wallet.core.Money
import im.wallet.sdk.ImWallet
import im.wallet.sdk.ImWalletSdk
import im.wallet.sdk.WalletConfig
import java.io.File
import java.nio.file.Files
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger

/**
 * One sandbox process, its developer app, its ledger and the wallets a test
 * opens against it (each in its own temporary data directory), plus every
 * log record the library sent to the [LogSink] (for the canary).
 */
class World(sandboxArgs: List<String> = emptyList()) : AutoCloseable {
    /** The sandbox process (started with [sandboxArgs]). */
    val sandbox: SandboxProcess = SandboxProcess.launch(sandboxArgs)

    /** Admin calls with the app's API key. */
    val admin: SandboxAdmin = SandboxAdmin(sandbox.baseUrl).createApp()

    /** The sandbox's books. */
    val ledger: Ledger = Ledger(sandbox.db)

    /** Every log line the library emitted while this world was open. */
    val logs: ConcurrentLinkedQueue<String> = ConcurrentLinkedQueue()

    private val dirs = mutableListOf<File>()
    private val wallets = mutableListOf<ImWallet>()

    init {
        ImWalletSdk.setLogSink(
            object : LogSink {
                override fun log(record: LogRecord) {
                    logs += "${record.level} ${record.target} ${record.message}"
                }
            },
            LogLevel.TRACE,
        )
    }

    /** A fresh data directory, deleted by [close]. */
    fun newDir(): File = Files.createTempDirectory("imwallet-sdk-").toFile().also { dirs += it }

    /** The sandbox configuration for [dir], reaching the server at [baseUrl]. */
    fun config(dir: File, baseUrl: String = sandbox.baseUrl, locale: Locale = Locale.EN, pageSize: Int? = null): WalletConfig =
        WalletConfig.sandbox(admin.key, dir, baseUrl).withLocale(locale).withRequestTimeoutMs(5_000)
            .let { c -> pageSize?.let { c.withSyncPageSize(it) } ?: c }

    /** Opens a wallet in a new directory (or [dir]); [pageSize] transactions per history-sync request. */
    fun open(dir: File = newDir(), baseUrl: String = sandbox.baseUrl, pageSize: Int? = null): ImWallet =
        ImWallet.openBlocking(config(dir, baseUrl, pageSize = pageSize)).also { wallets += it }

    /** A phone number no other test of this world used. */
    fun phone(): String = "+86139%08d".format(phones.incrementAndGet() + (ProcessHandle.current().pid() % 1000) * 10_000)

    /** Registers [phone] through [wallet] and logs in with the second factor; returns the user id. */
    suspend fun signUp(wallet: ImWallet, phone: String, name: String = "Li Lei", password: String = PASSWORD): String {
        wallet.requestCode(CodePurpose.REGISTER, phone)
        val profile = wallet.register(phone, password, admin.latestCode(phone, "register"), name)
        logIn(wallet, phone, password)
        return profile.userId
    }

    /** Logs in (password, then the code from the outbox). */
    suspend fun logIn(wallet: ImWallet, phone: String, password: String = PASSWORD) {
        wallet.login(phone, password)
        wallet.verifyLogin(admin.latestCode(phone, "login"))
    }

    /** Binds card [number] and verifies it with the code the sandbox sent to [phone]; returns the card id. */
    suspend fun bindCard(wallet: ImWallet, phone: String, number: String = GOOD_CARD): String {
        val card = wallet.bindCard(number, 12, 2099, "Li Lei")
        wallet.verifyCard(card.cardId, admin.latestCode(phone, "bind_card"))
        return card.cardId
    }

    /** A signed-up user with a verified card and [minor] topped up: (wallet, phone, user id, card id). */
    suspend fun funded(minor: Long, wallet: ImWallet = open()): Funded {
        val phone = phone()
        val id = signUp(wallet, phone)
        val card = bindCard(wallet, phone)
        if (minor > 0) wallet.topUp(card, yuan(minor)).getOrThrow()
        return Funded(wallet, phone, id, card)
    }

    /** What [funded] returns. */
    data class Funded(val wallet: ImWallet, val phone: String, val userId: String, val cardId: String)

    /** Creates a CNY merchant; returns its id and static QR payload. */
    fun merchantWithCode(name: String): Pair<String, String> {
        val r = admin.call("POST", "/v1/merchants", mapOf("name" to name, "city" to "Shanghai", "currency" to "CNY"))
        check(r.status == 201) { "POST /v1/merchants: $r" }
        val id = (r.body as Map<*, *>)["merchant_id"] as String
        val qr = admin.call("GET", "/v1/merchants/$id/qr")
        return id to ((qr.body as Map<*, *>)["payload"] as String)
    }

    /** Gives [userId] a fixed coupon; returns its id. */
    fun issueCoupon(userId: String, offMinor: Long, minSpendMinor: Long): String {
        val r = admin.call(
            "POST", "/v1/sandbox/coupons",
            mapOf(
                "user_id" to userId, "kind" to "fixed", "amount_off" to cny(offMinor),
                "min_spend" to cny(minSpendMinor), "expires_at" to 4_102_444_800_000L,
            ),
        )
        check(r.status == 201) { "POST /v1/sandbox/coupons: $r" }
        return (r.body as Map<*, *>)["coupon_id"] as String
    }

    /** The merchant charges an offline payment code; returns the HTTP reply. */
    fun chargePaymentCode(merchantId: String, code: String, minor: Long): SandboxAdmin.Reply =
        admin.call(
            "POST", "/v1/merchants/$merchantId/paycode-charges",
            mapOf("code" to code, "amount" to cny(minor)),
            idempotencyKey = java.util.UUID.randomUUID().toString(),
        )

    /** The operator completes a pending withdrawal. */
    fun completeWithdrawal(transactionId: String) {
        val r = admin.call("POST", "/v1/sandbox/withdrawals/$transactionId/complete", emptyMap<String, Any>(), idempotencyKey = java.util.UUID.randomUUID().toString())
        check(r.status == 200) { "complete withdrawal: $r" }
    }

    /** The ledger balance of user [userId] in CNY minor units. */
    fun userCny(userId: String): Long = ledger.balance("user:$userId")

    override fun close() {
        runCatching { ImWalletSdk.clearLogSink() }
        wallets.forEach { runCatching { it.close() } }
        sandbox.close()
        dirs.forEach { it.deleteRecursively() }
    }

    companion object {
        /** The password every test user starts with. */
        const val PASSWORD: String = "correct horse battery"

        /** A card the sandbox accepts. */
        const val GOOD_CARD: String = "4242424242424242"

        /** A card the sandbox declines. */
        const val DECLINED_CARD: String = "4000000000000002"

        private val phones = AtomicInteger()

        /** CNY in minor units. */
        fun yuan(minor: Long): Money = Money(minor, "CNY")

        /** The wire form of a CNY amount. */
        fun cny(minor: Long): Map<String, String> = mapOf("amount" to "%d.%02d".format(minor / 100, minor % 100), "currency" to "CNY")
    }
}
