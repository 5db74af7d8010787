package im.wallet.sdk

import im.wallet.core.Transaction

/**
 * How a money movement (top-up, payment, transfer, withdrawal, FX
 * conversion) ended. A definitive answer is [Succeeded] or [Failed]; an
 * answer that never arrived is [Pending]: the core keeps the operation in
 * its outbox and [ImWallet.reconcilePending] settles it exactly once (the
 * same idempotency key is replayed, so it can never apply twice).
 *
 * Errors that are not about the movement (vault locked, not logged in, a
 * storage failure) are thrown as [WalletException], not returned.
 */
sealed class PaymentOutcome {
    /**
     * The server applied the movement. A withdrawal's [transaction] is
     * `PENDING` until the bank settles it; that is still a success here.
     */
    data class Succeeded(val transaction: Transaction) : PaymentOutcome()

    /**
     * The server refused the movement and never will apply it (insufficient
     * funds, card declined, account frozen, invalid payload, risk hold, ...):
     * [error] is the typed exception with its catalog code and messages.
     */
    data class Failed(val error: WalletException) : PaymentOutcome()

    /** The core cancelled the movement before it was sent. */
    data class Canceled(val error: WalletException.Cancelled) : PaymentOutcome()

    /**
     * The outcome is unknown (the connection broke after the request left):
     * the operation [operationId] stays open until
     * [ImWallet.reconcilePending] settles it; [ImWallet.pendingOperations]
     * lists it meanwhile.
     */
    data class Pending(val operationId: String, val error: WalletException.OutcomeUnknown) : PaymentOutcome()

    /** The transaction of a [Succeeded] outcome; otherwise throws its exception. */
    fun getOrThrow(): Transaction = when (this) {
        is Succeeded -> transaction
        is Failed -> throw error
        is Canceled -> throw error
        is Pending -> throw error
    }

    /** The transaction of a [Succeeded] outcome, or `null`. */
    fun transactionOrNull(): Transaction? = (this as? Succeeded)?.transaction

    internal companion object {
        /** Kinds that are about the caller's state or device, not the movement: thrown, not returned. */
        internal fun isAboutTheCaller(e: WalletException): Boolean = when (e) {
            is WalletException.VaultLocked, is WalletException.NotLoggedIn, is WalletException.ReloginRequired,
            is WalletException.Storage, is WalletException.Crypto, is WalletException.Internal,
            is WalletException.Configuration, is WalletException.CallbackFailed,
            -> true
            else -> false
        }

        /** Runs one money call and classifies its result (conversion only). */
        internal inline fun of(call: () -> Transaction): PaymentOutcome = try {
            Succeeded(ffi(call))
        } catch (e: WalletException.OutcomeUnknown) {
            Pending(e.operationId, e)
        } catch (e: WalletException.Cancelled) {
            Canceled(e)
        } catch (e: WalletException) {
            if (isAboutTheCaller(e)) throw e
            Failed(e)
        }
    }
}
