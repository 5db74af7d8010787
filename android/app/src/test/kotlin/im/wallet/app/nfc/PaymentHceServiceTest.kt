package im.wallet.app.nfc

import android.nfc.cardemulation.HostApduService
import im.wallet.app.nfc.PaymentApdu.hex
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RobolectricTestRunner

/**
 * The HostApduService as the framework drives it (created by Robolectric,
 * APDUs through processCommandApdu, deactivation callback), answering from
 * the installed code source.
 */
@RunWith(RobolectricTestRunner::class)
class PaymentHceServiceTest {
    private val select = hex("00A404000AF0494D57414C4C455401")
    private val getData = hex("00CA010000")

    @After
    fun removeSource() {
        PaymentCodeSources.install(null)
    }

    private fun service() = Robolectric.buildService(PaymentHceService::class.java).create().get()

    @Test
    fun select_and_get_data_serve_the_installed_code() {
        PaymentCodeSources.install { CodeAnswer.Code("IMWPAY1.dev_a.1796342400.000000000000000000000000") }
        val hce = service()
        assertArrayEquals(hex("9000"), hce.processCommandApdu(select, null))
        val response = hce.processCommandApdu(getData, null)
        assertEquals(
            "IMWPAY1.dev_a.1796342400.000000000000000000000000",
            String(response.copyOf(response.size - 2), Charsets.UTF_8),
        )
        assertArrayEquals(hex("9000"), response.copyOfRange(response.size - 2, response.size))
    }

    @Test
    fun without_an_unlocked_wallet_the_reader_gets_6982() {
        val hce = service()
        hce.processCommandApdu(select, null)
        assertArrayEquals(hex("6982"), hce.processCommandApdu(getData, null))
    }

    @Test
    fun after_deactivation_a_new_select_is_needed() {
        PaymentCodeSources.install { CodeAnswer.Code("IMWPAY1.dev_a.1.000000000000000000000000") }
        val hce = service()
        hce.processCommandApdu(select, null)
        hce.onDeactivated(HostApduService.DEACTIVATION_LINK_LOSS)
        assertArrayEquals(hex("6985"), hce.processCommandApdu(getData, null))
    }

    @Test
    fun a_null_command_is_a_length_error() {
        assertArrayEquals(hex("6700"), service().processCommandApdu(null, null))
    }
}
