package im.wallet.sdk

import im.wallet.core.CodeFailure
import im.wallet.core.CodePurpose
import im.wallet.core.Locale
import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.PASSWORD
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * Each failure a user can meet, as the typed exception a Kotlin app gets:
 * its stable code, whether a retry helps, both user messages, and that
 * nothing was lost. (The money failures follow when the FFI exports money.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private val world = World()

    @AfterAll
    fun close() = world.close()

    private fun assertCatalog(e: WalletException, code: String, retryable: Boolean) {
        assertEquals(code, e.code, "code of $e")
        assertEquals(retryable, e.retryable, "retryable of $code")
        assertTrue(e.userMessageEn.isNotBlank(), "en message of $code")
        assertTrue(e.userMessageZhCn.isNotBlank(), "zh-CN message of $code")
        assertNotEquals(e.userMessageEn, e.userMessageZhCn, "two languages for $code")
        assertTrue(e.docUrl.contains(code.replace('_', '-')) || e.docUrl.contains(code), "doc anchor of $code: ${e.docUrl}")
    }

    private suspend fun member(): Triple<ImWallet, String, String> {
        val wallet = world.open()
        val phone = world.phone()
        val id = world.signUp(wallet, phone)
        return Triple(wallet, phone, id)
    }

    @Test
    fun `wrong password tells the attempts left, then the vault locks out`() = runBlocking {
        val (wallet, _, _) = member()
        wallet.lock()
        val wrong = assertThrows<WalletException.WrongPassword> { runBlocking { wallet.unlock("not the password") } }
        assertCatalog(wrong, "wrong_password", false)
        assertTrue(wrong.attemptsLeft > 0)
        assertTrue(wrong.userMessageEn.contains(wrong.attemptsLeft.toString()), wrong.userMessageEn)
        var lockedOut: WalletException.LockedOut? = null
        repeat(12) {
            if (lockedOut == null) {
                try {
                    wallet.unlock("not the password")
                } catch (e: WalletException.LockedOut) {
                    lockedOut = e
                } catch (e: WalletException.WrongPassword) {
                    // still counting down
                }
            }
        }
        val locked = lockedOut ?: error("never locked out")
        assertCatalog(locked, "locked_out", true)
        assertTrue(locked.lockedForSeconds > 0)
        assertFalse(wallet.isUnlocked())
    }

    @Test
    fun `a wrong code is refused with the attempts left and the code still works after`() = runBlocking {
        val wallet = world.open()
        val phone = world.phone()
        wallet.requestCode(CodePurpose.REGISTER, phone)
        val good = world.admin.latestCode(phone, "register")
        val bad = if (good == "000000") "111111" else "000000"
        val e = assertThrows<WalletException.VerificationFailed> { runBlocking { wallet.register(phone, PASSWORD, bad, null) } }
        assertCatalog(e, "code_invalid", false)
        assertEquals(CodeFailure.INVALID, e.reason)
        assertFalse(wallet.hasAccount())
        assertEquals(phone, wallet.register(phone, PASSWORD, good, null).phone)
    }

    @Test
    fun `a second code within the resend interval is rate limited`() = runBlocking {
        val wallet = world.open()
        val phone = world.phone()
        wallet.requestCode(CodePurpose.REGISTER, phone)
        val e = assertThrows<WalletException.RateLimited> { runBlocking { wallet.requestCode(CodePurpose.REGISTER, phone) } }
        assertCatalog(e, "rate_limited", true)
        assertTrue(e.waitSeconds in 1..60, "wait ${e.waitSeconds}")
        // requestId: the sandbox sends no X-Request-Id header yet, so it is null here.
    }

    @Test
    fun `a stopped sandbox is a retryable network error and the session survives`() = runBlocking {
        val (wallet, _, id) = member()
        world.sandbox.stop()
        try {
            val e = assertThrows<WalletException.Network> { runBlocking { wallet.profile() } }
            assertCatalog(e, "network", true)
            assertEquals(null, e.requestId)
        } finally {
            world.sandbox.start()
        }
        assertTrue(wallet.isLoggedIn())
        assertEquals(id, wallet.profile().userId)
    }

    @Test
    fun `user messages follow the configured locale`() = runBlocking {
        val wallet = ImWallet.openBlocking(world.config(world.newDir(), locale = Locale.ZH_CN))
        val e = assertThrows<WalletException.NotLoggedIn> { runBlocking { wallet.profile() } }
        assertEquals(e.userMessageZhCn, e.userMessage)
        wallet.close()
    }
}
