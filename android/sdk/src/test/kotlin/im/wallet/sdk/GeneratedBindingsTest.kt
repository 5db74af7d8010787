package im.wallet.sdk

import im.wallet.core.QrErrorKind
import im.wallet.core.QrFormat
import im.wallet.core.QrParseException
import im.wallet.core.coreVersion
import im.wallet.core.parseQr
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The generated uniffi Kotlin loads the real library through JNA and converts both ways. */
class GeneratedBindingsTest {
    @Test
    fun `the core version crosses the FFI`() {
        assertTrue(coreVersion().matches(Regex("\\d+\\.\\d+\\.\\d+.*")))
    }

    @Test
    fun `a PIX payload parses into the owned record`() {
        val p = parseQr(Payloads.PIX)
        assertEquals(QrFormat.EMV_MPM, p.format)
        assertEquals("pix", p.scheme)
        assertEquals("BRL", p.currency)
        assertEquals("Fulano de Tal", p.payeeName)
    }

    @Test
    fun `a refused payload keeps kind offset and field`() {
        val e = assertThrows<QrParseException.Invalid> { parseQr("upi://pay?pn=x") }
        assertEquals(QrErrorKind.MISSING_FIELD, e.kind)
        assertEquals(14uL, e.offset)
        assertEquals("pa", e.tag)
    }
}
