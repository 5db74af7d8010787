package im.wallet.app.nfc

import im.wallet.app.nfc.PaymentApdu.hex
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File
import javax.xml.parsers.DocumentBuilderFactory

/** The APDU framing on the plain JVM: every command and every refusal. */
class PaymentApduTest {
    private val code = "IMWPAY1.dev_0123456789abcdef.1796342400.0123456789abcdef01234567"
    private var answer: CodeAnswer = CodeAnswer.Code(code)
    private var asked = 0
    private val session = PaymentApduSession {
        asked++
        answer
    }

    private val select = hex("00A404000A" + "F0494D57414C4C455401")
    private val selectWithLe = hex("00A404000A" + "F0494D57414C4C455401" + "00")
    private val getData = hex("00CA010000")

    private fun sw(response: ByteArray): String =
        "%02X%02X".format(response[response.size - 2].toInt() and 0xFF, response[response.size - 1].toInt() and 0xFF)

    @Test
    fun select_then_get_data_returns_the_code_and_9000() {
        assertArrayEquals(hex("9000"), session.process(select))
        assertTrue(session.selected)
        val response = session.process(getData)
        assertEquals("9000", sw(response))
        assertEquals(code, String(response.copyOf(response.size - 2), Charsets.UTF_8))
        assertEquals(1, asked)
    }

    @Test
    fun select_with_le_is_accepted() {
        assertArrayEquals(hex("9000"), session.process(selectWithLe))
    }

    @Test
    fun every_get_data_asks_the_core_again() {
        session.process(select)
        session.process(getData)
        answer = CodeAnswer.Code("IMWPAY1.dev_0123456789abcdef.1796342430.ffffffffffffffffffffffff")
        val second = session.process(getData)
        assertEquals("IMWPAY1.dev_0123456789abcdef.1796342430.ffffffffffffffffffffffff", String(second.copyOf(second.size - 2)))
        assertEquals(2, asked)
    }

    @Test
    fun get_data_without_select_is_refused_6985_and_asks_nothing() {
        assertEquals("6985", sw(session.process(getData)))
        assertEquals(0, asked)
    }

    @Test
    fun deselect_requires_a_new_select() {
        session.process(select)
        session.deselect()
        assertFalse(session.selected)
        assertEquals("6985", sw(session.process(getData)))
    }

    @Test
    fun select_of_another_aid_is_6a82_and_unselects() {
        session.process(select)
        assertEquals("6A82", sw(session.process(hex("00A4040007A0000000041010"))))
        assertFalse(session.selected)
        assertEquals("6985", sw(session.process(getData)))
    }

    @Test
    fun select_with_wrong_p1_p2_is_6a86() {
        assertEquals("6A86", sw(session.process(hex("00A400000A" + "F0494D57414C4C455401"))))
        assertEquals("6A86", sw(session.process(hex("00A404020A" + "F0494D57414C4C455401"))))
        assertFalse(session.selected)
    }

    @Test
    fun select_without_aid_is_6700() {
        assertEquals("6700", sw(session.process(hex("00A4040000"))))
    }

    @Test
    fun locked_wallet_is_6982() {
        answer = CodeAnswer.Locked
        session.process(select)
        assertArrayEquals(hex("6982"), session.process(getData))
    }

    @Test
    fun no_provisioned_codes_is_6a88() {
        answer = CodeAnswer.NotProvisioned
        session.process(select)
        assertArrayEquals(hex("6A88"), session.process(getData))
    }

    @Test
    fun core_failure_is_6f00() {
        answer = CodeAnswer.Failed
        session.process(select)
        assertArrayEquals(hex("6F00"), session.process(getData))
    }

    @Test
    fun unknown_data_object_is_6a88_and_asks_nothing() {
        session.process(select)
        assertEquals("6A88", sw(session.process(hex("00CA9F3600"))))
        assertEquals(0, asked)
    }

    @Test
    fun get_data_with_a_body_is_6700() {
        session.process(select)
        assertEquals("6700", sw(session.process(hex("00CA01000101"))))
    }

    @Test
    fun short_le_asks_for_the_exact_length_6cxx() {
        session.process(select)
        val response = session.process(hex("00CA010010"))
        assertArrayEquals(byteArrayOf(0x6C, code.length.toByte()), response)
        val exact = session.process(hex("00CA0100" + "%02X".format(code.length)))
        assertEquals("9000", sw(exact))
    }

    @Test
    fun le_absent_is_accepted() {
        session.process(select)
        assertEquals("9000", sw(session.process(hex("00CA0100"))))
    }

    @Test
    fun code_longer_than_a_short_apdu_is_6f00() {
        answer = CodeAnswer.Code("x".repeat(257))
        session.process(select)
        assertEquals("6F00", sw(session.process(getData)))
    }

    @Test
    fun unknown_instruction_is_6d00() {
        session.process(select)
        assertArrayEquals(hex("6D00"), session.process(hex("00B0000000")))
    }

    @Test
    fun other_class_bytes_are_6e00() {
        assertArrayEquals(hex("6E00"), session.process(hex("80CA010000")))
        assertArrayEquals(hex("6E00"), session.process(hex("0CA404000A" + "F0494D57414C4C455401")))
    }

    @Test
    fun malformed_lengths_are_6700() {
        assertArrayEquals(hex("6700"), session.process(ByteArray(0)))
        assertArrayEquals(hex("6700"), session.process(hex("00A404")))
        assertArrayEquals(hex("6700"), session.process(hex("00A404000AF0494D57")))
        assertArrayEquals(hex("6700"), session.process(hex("00A404000AF0494D57414C4C4554010000")))
        assertArrayEquals(hex("6700"), session.process(hex("00CA0100000002")))
    }

    @Test
    fun no_installed_source_answers_locked() {
        PaymentCodeSources.install(null)
        assertEquals(CodeAnswer.Locked, PaymentCodeSources.current())
        PaymentCodeSources.install { CodeAnswer.NotProvisioned }
        assertEquals(CodeAnswer.NotProvisioned, PaymentCodeSources.current())
        PaymentCodeSources.install(null)
    }

    @Test
    fun the_aid_registered_in_res_xml_is_the_one_the_framing_selects() {
        val resDir = System.getProperty("imwallet.res.dir") ?: error("imwallet.res.dir is not set")
        val doc = DocumentBuilderFactory.newInstance().apply { isNamespaceAware = true }
            .newDocumentBuilder().parse(File(resDir, "xml/apduservice.xml"))
        val filters = doc.getElementsByTagName("aid-filter")
        assertEquals(1, filters.length)
        val aid = filters.item(0).attributes.getNamedItemNS("http://schemas.android.com/apk/res/android", "name").nodeValue
        assertArrayEquals(PaymentApdu.AID, hex(aid))
    }
}
