package im.wallet.app.ui

import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner
import org.robolectric.annotation.Config

/**
 * The scan screen driven like a user: paste, tap "read", read the result.
 * `parseQr` is the real core (host-built libimwallet_ffi through JNA).
 */
@RunWith(RobolectricTestRunner::class)
class ScanActivityTest {
    private val pix =
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000" +
            "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"

    private fun pasteAndRead(payload: String): String {
        val activity = Robolectric.buildActivity(ScanActivity::class.java).setup().get()
        val root = activity.window.decorView
        root.findViewWithTag<EditText>(ScanActivity.TAG_PAYLOAD).setText(payload)
        assertTrue(root.findViewWithTag<Button>(ScanActivity.TAG_READ).performClick())
        return root.findViewWithTag<TextView>(ScanActivity.TAG_RESULT).text.toString()
    }

    @Test
    fun a_pasted_pix_code_shows_the_payee_the_core_parsed() {
        val shown = pasteAndRead(pix)
        assertEquals(
            listOf(
                "Payee: Fulano de Tal",
                "Account: 123e4567-e12b-12d1-a456-426655440000",
                "Amount: Entered when paying",
                "Reference: ***",
                "Format: emv_mpm / pix",
            ).joinToString("\n"),
            shown,
        )
    }

    @Test
    fun a_damaged_code_shows_the_checksum_message() {
        assertEquals(UiText.QR_CRC_MISMATCH.text(UiLanguage.EN), pasteAndRead(pix.dropLast(4) + "0000"))
    }

    @Test
    @Config(qualifiers = "zh-rCN")
    fun in_zh_cn_the_screen_and_the_error_are_chinese() {
        assertEquals("付款码缺少必要信息。", pasteAndRead("upi://pay?pn=x"))
    }

    @Test
    fun an_empty_field_asks_for_a_code_without_calling_the_core() {
        assertEquals(UiText.QR_EMPTY.text(UiLanguage.EN), pasteAndRead("   "))
    }
}
