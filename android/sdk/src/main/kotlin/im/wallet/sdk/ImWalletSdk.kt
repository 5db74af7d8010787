package im.wallet.sdk

import im.wallet.core.LogLevel
import im.wallet.core.LogSink
import im.wallet.core.QrParseException
import im.wallet.core.ScannedPayload

/** Library-wide calls: version, QR parsing, logging. */
object ImWalletSdk {
    /** The version of the loaded core library. */
    @JvmStatic
    fun coreVersion(): String = ffi { im.wallet.core.coreVersion() }

    /**
     * Parses a scanned payment payload on the device.
     * @throws WalletException.InvalidPayload with the kind, byte offset and
     *   field of the problem and the catalog's `invalid_payload` messages
     *   (the same failure a payment with this payload gives).
     */
    @JvmStatic
    fun parseQr(payload: String): ScannedPayload = try {
        im.wallet.core.parseQr(payload)
    } catch (e: QrParseException) {
        throw WalletException.from(e)
    }

    /**
     * Sends the library's log records at or above [level] to [sink]
     * (redacted by the core; nothing is logged by default).
     * @throws WalletException.CallbackFailed if the sink throws on its first record.
     */
    @JvmStatic
    fun setLogSink(sink: LogSink, level: LogLevel): Unit = ffi { im.wallet.core.setLogSink(sink, level) }

    /** Stops logging (the default). */
    @JvmStatic
    fun clearLogSink(): Unit = ffi { im.wallet.core.clearLogSink() }
}
