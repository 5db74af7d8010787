package im.wallet.app.r8

import im.wallet.core.QrErrorKind
import im.wallet.core.QrParseException
import im.wallet.core.coreVersion
import im.wallet.core.parseQr
import kotlin.system.exitProcess

/**
 * Run by scripts/test.d/40-android.sh on the JVM after R8 (full mode) shrank
 * it together with the uniffi bindings, JNA and kotlin-stdlib using only the
 * AAR's consumer-rules.pro: proves those rules keep what JNA's native code
 * and uniffi reach by name (a record, an enum, a typed error, a string).
 * Prints "r8-probe ok" and exits 0, or names what broke and exits 1.
 */
fun main() {
    val problems = mutableListOf<String>()
    if (coreVersion().isEmpty()) problems += "coreVersion is empty"
    val pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000" +
        "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"
    val parsed = parseQr(pix)
    if (parsed.payeeName != "Fulano de Tal") problems += "payee is ${parsed.payeeName}"
    try {
        parseQr("upi://pay?pn=x")
        problems += "an invalid payload was accepted"
    } catch (e: QrParseException.Invalid) {
        if (e.kind != QrErrorKind.MISSING_FIELD || e.tag != "pa") problems += "error was ${e.kind} ${e.tag}"
    }
    if (problems.isNotEmpty()) {
        println("r8-probe FAILED: " + problems.joinToString("; "))
        exitProcess(1)
    }
    println("r8-probe ok")
}
