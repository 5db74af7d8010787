package im.wallet.app.nfc

/**
 * The ISO 7816-4 APDU framing of tap-to-pay: a reader SELECTs our
 * application by AID, then asks with GET DATA for the current offline payment
 * code, which it forwards to the merchant endpoint. Pure Kotlin (no Android
 * classes) so it is unit-tested on the JVM; [PaymentHceService] only adapts it.
 *
 * Commands (short APDUs only):
 * - `00 A4 04 00 Lc <AID> [Le]` — SELECT by DF name. Answers `90 00`.
 * - `00 CA 01 00 [Le]` — GET DATA of object `0100`, the offline payment code
 *   as UTF-8 text exactly as the core produced it. Answers `<code> 90 00`.
 *
 * Every refusal has its own status word, see [StatusWord].
 */
object PaymentApdu {
    /**
     * Our application identifier: `F0` (proprietary, not registered with
     * ISO/IEC 7816-5) + ASCII "IMWALLET" + version `01`. The same value is in
     * `res/xml/apduservice.xml`; a test keeps the two equal.
     */
    val AID: ByteArray = hex("F0494D57414C4C455401")

    /** ISO 7816 interindustry class byte (no secure messaging, channel 0). */
    const val CLA_ISO: Int = 0x00

    /** SELECT instruction. */
    const val INS_SELECT: Int = 0xA4

    /** GET DATA instruction. */
    const val INS_GET_DATA: Int = 0xCA

    /** SELECT P1: select by DF name (AID). */
    const val P1_SELECT_BY_NAME: Int = 0x04

    /** SELECT P2: first or only occurrence, return FCI template (or nothing). */
    const val P2_FIRST_OCCURRENCE: Int = 0x00

    /** GET DATA P1-P2 of the offline payment code. */
    const val TAG_PAYMENT_CODE: Int = 0x0100

    /** Largest response body a short APDU can carry (Le = 00 means 256). */
    const val MAX_SHORT_RESPONSE: Int = 256

    /** Parses upper- or lower-case hex without separators. */
    fun hex(text: String): ByteArray {
        require(text.length % 2 == 0) { "odd number of hex digits" }
        return ByteArray(text.length / 2) { i -> text.substring(2 * i, 2 * i + 2).toInt(16).toByte() }
    }
}

/** The ISO 7816-4 status words this application answers with. */
enum class StatusWord(val sw1: Int, val sw2: Int) {
    /** Normal processing. */
    OK(0x90, 0x00),

    /** Lc/Le or body length inconsistent with the command. */
    WRONG_LENGTH(0x67, 0x00),

    /** The wallet is locked (or signed out): no code may be given. */
    SECURITY_STATUS_NOT_SATISFIED(0x69, 0x82),

    /** GET DATA before our application was selected. */
    CONDITIONS_NOT_SATISFIED(0x69, 0x85),

    /** SELECT of another application (this service only knows its own AID). */
    FILE_NOT_FOUND(0x6A, 0x82),

    /** SELECT with P1/P2 other than "by name, first occurrence". */
    INCORRECT_P1_P2(0x6A, 0x86),

    /** GET DATA of an unknown object, or no payment code is provisioned. */
    REFERENCED_DATA_NOT_FOUND(0x6A, 0x88),

    /** Instruction not supported. */
    INS_NOT_SUPPORTED(0x6D, 0x00),

    /** Class byte not supported (secure messaging, logical channels, proprietary). */
    CLA_NOT_SUPPORTED(0x6E, 0x00),

    /** The core failed to produce a code (network, storage, ...): try again. */
    UNKNOWN_ERROR(0x6F, 0x00),
    ;

    /** The two trailer bytes. */
    fun bytes(): ByteArray = byteArrayOf(sw1.toByte(), sw2.toByte())
}

/** What the wallet answered when asked for the current offline payment code. */
sealed interface CodeAnswer {
    /** The current code, exactly as the core produced it. */
    data class Code(val text: String) : CodeAnswer

    /** The wallet is locked or signed out. */
    data object Locked : CodeAnswer

    /** This device has no payment codes provisioned. */
    data object NotProvisioned : CodeAnswer

    /** The core failed; the reader may try again. */
    data object Failed : CodeAnswer
}

/** Asks the core for the current offline payment code (called per GET DATA). */
fun interface PaymentCodeSource {
    /** Returns the code or why there is none; never throws. */
    fun currentCode(): CodeAnswer
}

/**
 * One reader session: remembers whether our AID is selected and answers each
 * command APDU. A new session (or [deselect]) starts unselected.
 */
class PaymentApduSession(private val codes: PaymentCodeSource) {
    /** Whether the last SELECT chose our application. */
    var selected: Boolean = false
        private set

    /** The reader left the field or selected another application. */
    fun deselect() {
        selected = false
    }

    /** Answers one command APDU with a response APDU (body + status word). */
    fun process(command: ByteArray): ByteArray {
        val apdu = CommandApdu.parse(command) ?: return StatusWord.WRONG_LENGTH.bytes()
        if (apdu.cla != PaymentApdu.CLA_ISO) return StatusWord.CLA_NOT_SUPPORTED.bytes()
        return when (apdu.ins) {
            PaymentApdu.INS_SELECT -> select(apdu)
            PaymentApdu.INS_GET_DATA -> getData(apdu)
            else -> StatusWord.INS_NOT_SUPPORTED.bytes()
        }
    }

    private fun select(apdu: CommandApdu): ByteArray {
        if (apdu.p1 != PaymentApdu.P1_SELECT_BY_NAME || apdu.p2 != PaymentApdu.P2_FIRST_OCCURRENCE) {
            return StatusWord.INCORRECT_P1_P2.bytes()
        }
        if (apdu.data.isEmpty()) return StatusWord.WRONG_LENGTH.bytes()
        if (!apdu.data.contentEquals(PaymentApdu.AID)) {
            selected = false
            return StatusWord.FILE_NOT_FOUND.bytes()
        }
        selected = true
        return StatusWord.OK.bytes()
    }

    private fun getData(apdu: CommandApdu): ByteArray {
        if (!selected) return StatusWord.CONDITIONS_NOT_SATISFIED.bytes()
        if ((apdu.p1 shl 8 or apdu.p2) != PaymentApdu.TAG_PAYMENT_CODE) {
            return StatusWord.REFERENCED_DATA_NOT_FOUND.bytes()
        }
        if (apdu.data.isNotEmpty()) return StatusWord.WRONG_LENGTH.bytes()
        return when (val answer = codes.currentCode()) {
            is CodeAnswer.Code -> codeResponse(answer.text, apdu.le)
            CodeAnswer.Locked -> StatusWord.SECURITY_STATUS_NOT_SATISFIED.bytes()
            CodeAnswer.NotProvisioned -> StatusWord.REFERENCED_DATA_NOT_FOUND.bytes()
            CodeAnswer.Failed -> StatusWord.UNKNOWN_ERROR.bytes()
        }
    }

    private fun codeResponse(code: String, le: Int?): ByteArray {
        val body = code.toByteArray(Charsets.UTF_8)
        if (body.isEmpty() || body.size > PaymentApdu.MAX_SHORT_RESPONSE) return StatusWord.UNKNOWN_ERROR.bytes()
        // Le absent or 00 means "up to 256"; a smaller Le the reader must repeat
        // with the exact length (ISO 7816-4 SW 6C XX).
        if (le != null && le < body.size) return byteArrayOf(0x6C, body.size.toByte())
        return body + StatusWord.OK.bytes()
    }
}

/**
 * A parsed short command APDU (ISO 7816-4 cases 1 to 4). [le] is null when
 * absent and 256 when encoded as 00.
 */
internal class CommandApdu(
    val cla: Int,
    val ins: Int,
    val p1: Int,
    val p2: Int,
    val data: ByteArray,
    val le: Int?,
) {
    companion object {
        /** Returns null when the lengths do not add up (or extended APDUs). */
        fun parse(bytes: ByteArray): CommandApdu? {
            if (bytes.size < 4) return null
            val cla = bytes[0].toInt() and 0xFF
            val ins = bytes[1].toInt() and 0xFF
            val p1 = bytes[2].toInt() and 0xFF
            val p2 = bytes[3].toInt() and 0xFF
            if (bytes.size == 4) return CommandApdu(cla, ins, p1, p2, ByteArray(0), null)
            val first = bytes[4].toInt() and 0xFF
            if (bytes.size == 5) return CommandApdu(cla, ins, p1, p2, ByteArray(0), if (first == 0) 256 else first)
            if (first == 0) return null // extended length: not used by this application
            val end = 5 + first
            val le = when (bytes.size) {
                end -> null
                end + 1 -> (bytes[end].toInt() and 0xFF).let { if (it == 0) 256 else it }
                else -> return null
            }
            return CommandApdu(cla, ins, p1, p2, bytes.copyOfRange(5, end), le)
        }
    }
}
