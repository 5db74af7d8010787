package im.wallet.sdk

import im.wallet.core.InternalException
import im.wallet.core.LogLevel
import im.wallet.core.LogRecord
import im.wallet.core.LogSink
import im.wallet.core.PlatformKeyStore
import im.wallet.core.triggerTestPanic
import im.wallet.sdk.harness.World
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** App callbacks that throw, and a Rust panic: typed exceptions, and the library keeps working. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallbacksTest {
    private val world = World()

    @AfterAll
    fun close() = world.close()

    @Test
    fun `a LogSink that throws is refused with a typed exception`() {
        val throwing = object : LogSink {
            override fun log(record: LogRecord) = throw IllegalStateException("sink broke")
        }
        val e = assertThrows<WalletException.CallbackFailed> { ImWalletSdk.setLogSink(throwing, LogLevel.INFO) }
        assertEquals("callback_failed", e.code)
        assertEquals("LogSink", e.callback)
        assertTrue(e.userMessageEn.isNotBlank() && e.userMessageZhCn.isNotBlank())
        assertTrue(ImWalletSdk.coreVersion().isNotEmpty())
    }

    @Test
    fun `a PlatformKeyStore that throws fails the call with a typed exception`() = runBlocking {
        val wallet = world.open()
        world.signUp(wallet, world.phone())
        val broken = object : PlatformKeyStore {
            override fun wrap(secret: ByteArray): ByteArray = throw IllegalStateException("keystore gone")
            override fun unwrap(wrapped: ByteArray): ByteArray = throw IllegalStateException("keystore gone")
        }
        val e = assertThrows<WalletException.CallbackFailed> { runBlocking { wallet.enablePlatformUnlock(broken) } }
        assertEquals("callback_failed", e.code)
        assertEquals("PlatformKeyStore", e.callback)
        assertTrue(e.userMessageEn.isNotBlank() && e.userMessageZhCn.isNotBlank())
        // The wallet is unharmed.
        assertTrue(wallet.isLoggedIn())
        assertTrue(wallet.profile().userId.isNotEmpty())
    }

    @Test
    fun `a Rust panic is an exception and the library keeps working`() = runBlocking {
        assertThrows<InternalException> { triggerTestPanic("boom from the test") }
        assertTrue(ImWalletSdk.coreVersion().isNotEmpty())
        assertEquals("pix", ImWalletSdk.parseQr(Payloads.PIX).scheme)
        val wallet = world.open()
        world.signUp(wallet, world.phone())
        assertTrue(wallet.profile().userId.isNotEmpty())
    }
}
