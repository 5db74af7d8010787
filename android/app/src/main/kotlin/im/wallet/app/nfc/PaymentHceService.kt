package im.wallet.app.nfc

import android.nfc.cardemulation.HostApduService
import android.os.Bundle

/**
 * Host card emulation for tap-to-pay: the framework routes APDUs for the AID
 * registered in `res/xml/apduservice.xml` here, and [PaymentApduSession]
 * answers them with the core's current offline payment code. No rule of the
 * code lives here: the framing is [PaymentApdu], the code comes from the SDK
 * through [PaymentCodeSources].
 */
class PaymentHceService : HostApduService() {
    private val session = PaymentApduSession { PaymentCodeSources.current() }

    /** Answers one command APDU synchronously (the code is computed locally). */
    override fun processCommandApdu(commandApdu: ByteArray?, extras: Bundle?): ByteArray =
        session.process(commandApdu ?: ByteArray(0))

    /** The reader went away or selected another AID: the next GET DATA needs a SELECT. */
    override fun onDeactivated(reason: Int) {
        session.deselect()
    }
}

/**
 * Where the HCE service gets codes: the app installs a source while a wallet
 * is unlocked and removes it on lock/sign-out; with none installed every
 * GET DATA answers "security status not satisfied".
 */
object PaymentCodeSources {
    @Volatile private var active: PaymentCodeSource? = null

    /** Installs (or, with null, removes) the source of payment codes. */
    fun install(source: PaymentCodeSource?) {
        active = source
    }

    /** The current code, or [CodeAnswer.Locked] when no wallet is unlocked. */
    fun current(): CodeAnswer = active?.currentCode() ?: CodeAnswer.Locked
}
