package im.wallet.sdk

import im.wallet.core.Locale
import java.io.File
import im.wallet.core.WalletConfig as FfiWalletConfig

/**
 * Where the wallet keeps its data and which wallet API it talks to. Build
 * one with [sandbox] or [live]: each checks that the API key belongs to
 * that environment (`sk_sandbox_…` or `sk_live_…`), so a test key never
 * reaches production and a live key never the sandbox.
 */
class WalletConfig private constructor(
    /** The directory of this account's encrypted databases (created if missing). */
    val dataDir: File,
    /** The wallet API's base URL. */
    val baseUrl: String,
    private val apiKey: String,
    /** SPKI SHA-256 pins (`sha256/<base64>`), primary and backup; empty for the sandbox. */
    val pins: List<String>,
    /** The language of user messages; `null` follows the host. */
    val locale: Locale?,
    /** Timeout of one HTTP exchange, in milliseconds; `null` keeps the core's default. */
    val requestTimeoutMs: Long?,
    /** Transactions fetched per page during history sync; `null` keeps the core's default. */
    val syncPageSize: Int?,
) {
    /** The same configuration in another [locale]. */
    fun withLocale(locale: Locale): WalletConfig = copy(locale = locale)

    /** The same configuration with a request timeout. */
    fun withRequestTimeoutMs(ms: Long): WalletConfig = copy(requestTimeoutMs = ms)

    /** The same configuration with another history page size. */
    fun withSyncPageSize(size: Int): WalletConfig = copy(syncPageSize = size)

    /** The same configuration with another base URL (e.g. a local sandbox's port). */
    fun withBaseUrl(url: String): WalletConfig = copy(baseUrl = url)

    private fun copy(
        baseUrl: String = this.baseUrl,
        locale: Locale? = this.locale,
        requestTimeoutMs: Long? = this.requestTimeoutMs,
        syncPageSize: Int? = this.syncPageSize,
    ) = WalletConfig(dataDir, baseUrl, apiKey, pins, locale, requestTimeoutMs, syncPageSize)

    /** The generated record the FFI takes. */
    internal fun toFfi(): FfiWalletConfig = FfiWalletConfig(
        dataDir = dataDir.path,
        baseUrl = baseUrl,
        apiKey = apiKey,
        locale = locale,
        requestTimeoutMs = requestTimeoutMs?.toULong(),
        pins = pins,
        syncPageSize = syncPageSize?.toUInt(),
    )

    /** Never prints the API key. */
    override fun toString(): String = "WalletConfig(dataDir=$dataDir, baseUrl=$baseUrl, apiKey=<redacted>, pins=${pins.size})"

    companion object {
        /** Prefix of the sandbox's API keys. */
        const val SANDBOX_KEY_PREFIX: String = "sk_sandbox_"

        /** Prefix of production API keys. */
        const val LIVE_KEY_PREFIX: String = "sk_live_"

        /** Where `imwallet-sandbox` listens by default. */
        const val DEFAULT_SANDBOX_URL: String = "http://127.0.0.1:8787"

        /**
         * The sandbox: a `sk_sandbox_` key, no pins, `http://` to loopback allowed.
         * @throws IllegalArgumentException if the key is not a sandbox key.
         */
        @JvmStatic
        @JvmOverloads
        fun sandbox(apiKey: String, dataDir: File, baseUrl: String = DEFAULT_SANDBOX_URL): WalletConfig {
            require(apiKey.startsWith(SANDBOX_KEY_PREFIX)) { "WalletConfig.sandbox needs a $SANDBOX_KEY_PREFIX key" }
            return WalletConfig(dataDir, baseUrl, apiKey, emptyList(), null, null, null)
        }

        /**
         * Production: a `sk_live_` key and the server's SPKI pins (the core
         * requires HTTPS and at least a primary and a backup pin).
         * @throws IllegalArgumentException if the key is not a live key.
         */
        @JvmStatic
        fun live(apiKey: String, pins: List<String>, dataDir: File, baseUrl: String): WalletConfig {
            require(apiKey.startsWith(LIVE_KEY_PREFIX)) { "WalletConfig.live needs a $LIVE_KEY_PREFIX key" }
            return WalletConfig(dataDir, baseUrl, apiKey, pins.toList(), null, null, null)
        }
    }
}
