package im.wallet.sdk

import im.wallet.core.CodeFailure
import im.wallet.core.ErrorInfo
import im.wallet.core.QrParseException
import im.wallet.core.WalletFfiException

/**
 * Every failure of the SDK, one subclass per kind of the core's error
 * catalog. Each carries the catalog's stable [code], whether a retry can
 * succeed ([retryable], [retryAfterSeconds]), the user message in the
 * wallet's locale and in both languages, the server's [requestId] when
 * there was an answer, and a developer message ([message]) with a
 * [docUrl] into `docs/errors.md`. The texts come from the core; this
 * class only converts (no rule, no text of its own).
 */
sealed class WalletException(
    /** The catalog entry this failure was built from. */
    val info: ErrorInfo,
    cause: Throwable?,
) : Exception(info.developerMessage, cause) {
    /** Stable, language-neutral code (`wrong_password`, `insufficient_funds`, ...). */
    val code: String get() = info.code

    /** Whether the same call can succeed later. */
    val retryable: Boolean get() = info.retryable

    /** Seconds to wait before a retry, when the server or the vault said. */
    val retryAfterSeconds: Long? get() = info.retryAfterS?.toLong()

    /** The message for the person, in the wallet's locale. */
    val userMessage: String get() = info.userMessage

    /** The message for the person in English. */
    val userMessageEn: String get() = info.userMessageEn

    /** The message for the person in simplified Chinese. */
    val userMessageZhCn: String get() = info.userMessageZhCn

    /** The server's request id, when the server answered. */
    val requestId: String? get() = info.requestId

    /** Link to this code's cause and remedy in `docs/errors.md`. */
    val docUrl: String get() = info.docUrl

    /** A field of the request is invalid. */
    class InvalidInput(info: ErrorInfo, val field: String, val reason: String, cause: Throwable?) : WalletException(info, cause)

    /** A scanned payload was refused: what ([kind]), where ([offset]), which field ([tag]). */
    class InvalidPayload(info: ErrorInfo, val kind: String, val offset: Int, val tag: String?, cause: Throwable?) : WalletException(info, cause)

    /** Wrong password; [attemptsLeft] before the vault locks out. */
    class WrongPassword(info: ErrorInfo, val attemptsLeft: Int, cause: Throwable?) : WalletException(info, cause)

    /** Too many wrong passwords; wait [lockedForSeconds]. */
    class LockedOut(info: ErrorInfo, val lockedForSeconds: Long, cause: Throwable?) : WalletException(info, cause)

    /** The session ended; log in again. */
    class ReloginRequired(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** The vault is locked; unlock first. */
    class VaultLocked(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** No account is logged in on this device. */
    class NotLoggedIn(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** A verification code was refused ([reason]: invalid, expired, used, too many attempts). */
    class VerificationFailed(info: ErrorInfo, val reason: CodeFailure, val attemptsLeft: Int?, cause: Throwable?) : WalletException(info, cause)

    /** The balance does not cover the amount. */
    class InsufficientFunds(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** The card issuer declined. */
    class CardDeclined(info: ErrorInfo, val reason: String, cause: Throwable?) : WalletException(info, cause)

    /** The account is frozen. */
    class AccountFrozen(info: ErrorInfo, val reason: String?, cause: Throwable?) : WalletException(info, cause)

    /** The movement was put on a risk hold ([transactionId]). */
    class RiskHold(info: ErrorInfo, val transactionId: String, cause: Throwable?) : WalletException(info, cause)

    /** A risk limit refused the movement. */
    class RiskLimitExceeded(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** Something does not exist ([what]). */
    class NotFound(info: ErrorInfo, val what: String, cause: Throwable?) : WalletException(info, cause)

    /** The server refused a conflicting request ([conflictCode]). */
    class Conflict(info: ErrorInfo, val conflictCode: String, cause: Throwable?) : WalletException(info, cause)

    /** Too many requests; wait [waitSeconds]. */
    class RateLimited(info: ErrorInfo, val waitSeconds: Long, cause: Throwable?) : WalletException(info, cause)

    /** The server could not be reached. */
    class Network(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** A money call's outcome is unknown; money calls return [PaymentOutcome.Pending] instead. */
    class OutcomeUnknown(info: ErrorInfo, val operationId: String, cause: Throwable?) : WalletException(info, cause)

    /** The server did not answer in time. */
    class Timeout(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** The server answered with an unavailable status ([status]). */
    class ServerUnavailable(info: ErrorInfo, val status: Int, cause: Throwable?) : WalletException(info, cause)

    /** A server code the core has no kind for ([serverCode]), kept rather than lost. */
    class Unknown(info: ErrorInfo, val serverCode: String, cause: Throwable?) : WalletException(info, cause)

    /** The configuration is invalid. */
    class Configuration(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** Local storage failed. */
    class Storage(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** Local cryptography failed (e.g. a changed file was detected). */
    class Crypto(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** The call was cancelled. */
    class Cancelled(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** A bug in the library (a Rust panic included); the library keeps working. */
    class Internal(info: ErrorInfo, cause: Throwable?) : WalletException(info, cause)

    /** An app callback ([callback]: `LogSink`, `PlatformKeyStore`, ...) threw. */
    class CallbackFailed(info: ErrorInfo, val callback: String, cause: Throwable?) : WalletException(info, cause)

    companion object {
        /**
         * Converts `parseQr`'s generated error: [InvalidPayload] with the
         * protocol's kind name (`crc_mismatch`, `missing_field`, ...).
         */
        @JvmStatic
        fun from(e: QrParseException): WalletException = when (e) {
            is QrParseException.Invalid ->
                InvalidPayload(e.info, e.kind.name.lowercase(), e.offset.coerceAtMost(Int.MAX_VALUE.toULong()).toInt(), e.tag, e)
        }

        /** Converts the generated FFI error; nothing is added or dropped. */
        @JvmStatic
        fun from(e: WalletFfiException): WalletException = when (e) {
            is WalletFfiException.InvalidInput -> InvalidInput(e.info, e.field, e.reason, e)
            is WalletFfiException.InvalidPayload -> InvalidPayload(e.info, e.kind, e.offset.toInt(), e.tag, e)
            is WalletFfiException.WrongPassword -> WrongPassword(e.info, e.attemptsLeft.toInt(), e)
            is WalletFfiException.LockedOut -> LockedOut(e.info, e.retryAfterS.toLong(), e)
            is WalletFfiException.ReloginRequired -> ReloginRequired(e.info, e)
            is WalletFfiException.VaultLocked -> VaultLocked(e.info, e)
            is WalletFfiException.NotLoggedIn -> NotLoggedIn(e.info, e)
            is WalletFfiException.VerificationFailed -> VerificationFailed(e.info, e.reason, e.attemptsLeft?.toInt(), e)
            is WalletFfiException.InsufficientFunds -> InsufficientFunds(e.info, e)
            is WalletFfiException.CardDeclined -> CardDeclined(e.info, e.reason, e)
            is WalletFfiException.AccountFrozen -> AccountFrozen(e.info, e.reason, e)
            is WalletFfiException.RiskHold -> RiskHold(e.info, e.transactionId, e)
            is WalletFfiException.RiskLimitExceeded -> RiskLimitExceeded(e.info, e)
            is WalletFfiException.NotFound -> NotFound(e.info, e.what, e)
            is WalletFfiException.Conflict -> Conflict(e.info, e.conflictCode, e)
            is WalletFfiException.RateLimited -> RateLimited(e.info, e.retryAfterS.toLong(), e)
            is WalletFfiException.Network -> Network(e.info, e)
            is WalletFfiException.OutcomeUnknown -> OutcomeUnknown(e.info, e.operationId, e)
            is WalletFfiException.Timeout -> Timeout(e.info, e)
            is WalletFfiException.ServerUnavailable -> ServerUnavailable(e.info, e.status.toInt(), e)
            is WalletFfiException.Unknown -> Unknown(e.info, e.serverCode, e)
            is WalletFfiException.Configuration -> Configuration(e.info, e)
            is WalletFfiException.Storage -> Storage(e.info, e)
            is WalletFfiException.Crypto -> Crypto(e.info, e)
            is WalletFfiException.Cancelled -> Cancelled(e.info, e)
            is WalletFfiException.Internal -> Internal(e.info, e)
            is WalletFfiException.CallbackFailed -> CallbackFailed(e.info, e.callback, e)
        }
    }
}
