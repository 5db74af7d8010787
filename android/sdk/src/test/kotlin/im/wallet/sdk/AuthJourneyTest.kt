package im.wallet.sdk

import im.wallet.core.AccountStatus
import im.wallet.core.QrFormat
import im.wallet.sdk.harness.FaultProxy
import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.PASSWORD
import im.wallet.sdk.harness.World.Companion.yuan
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The part of the journey the FFI exports today, from Kotlin on the JVM
 * against the sandbox process: register, login with the second factor,
 * lock/unlock, receive code, offline payment code, history sync with
 * progress, spending summary, freeze/unfreeze, security events, logout;
 * then the canary over the log, the exception messages and the data
 * directory. (The money steps follow when the FFI exports money and cards.)
 */
class AuthJourneyTest {
    @Test
    fun `register to logout through the SDK leaks no secret`() = World().use { world ->
        runBlocking {
            val dir = world.newDir()
            val recorder = FaultProxy(world.sandbox.port) // records the bearer tokens for the canary
            val alice = world.open(dir, recorder.baseUrl)
            val phone = world.phone()
            val messages = mutableListOf<String>()

            assertFalse(alice.hasAccount())
            val id = world.signUp(alice, phone, "Alice")
            assertTrue(alice.hasAccount() && alice.isLoggedIn())
            assertEquals(id, alice.profile().userId)
            assertEquals(id, alice.cachedProfile()?.userId)

            alice.lock()
            assertFalse(alice.isUnlocked())
            val locked = assertThrows<WalletException.VaultLocked> { runBlocking { alice.profile() } }
            messages += locked.message.orEmpty()
            val wrong = assertThrows<WalletException.WrongPassword> { runBlocking { alice.unlock("$PASSWORD!") } }
            messages += wrong.message.orEmpty()
            alice.unlock(PASSWORD)
            assertTrue(alice.isLoggedIn())

            val receive = ImWalletSdk.parseQr(alice.receiveCode("CNY", yuan(1_234), "books"))
            assertEquals(QrFormat.IMWALLET_RECEIVE, receive.format)
            assertEquals("CNY", receive.currency)

            assertFalse(alice.hasPaymentCodes())
            alice.provisionPaymentCodes()
            assertTrue(alice.hasPaymentCodes())
            val paycode = alice.paymentCode()
            assertEquals(QrFormat.IMWALLET_PAYCODE, ImWalletSdk.parseQr(paycode).format)

            val progress = alice.syncHistory().toList()
            val done = assertInstanceOf(SyncProgress.Done::class.java, progress.last())
            assertEquals(0uL, done.report.fetched)
            assertTrue(alice.history(50, 0).items.isEmpty())
            assertTrue(alice.spendingSummary().isEmpty())

            assertEquals(AccountStatus.FROZEN, alice.freeze().status)
            assertEquals(AccountStatus.ACTIVE, alice.unfreeze(PASSWORD).status)
            val kinds = alice.securityEvents().toList().map { it.kind }
            for (k in listOf("login", "frozen", "unfrozen")) assertTrue(k in kinds, "missing $k in $kinds")

            alice.logout()
            assertFalse(alice.isLoggedIn())
            val out = assertThrows<WalletException.NotLoggedIn> { runBlocking { alice.profile() } }
            messages += out.message.orEmpty() + out.userMessageEn + out.userMessageZhCn

            assertTrue(recorder.bearerTokens.isNotEmpty(), "the recorder saw the session's tokens")
            val secrets = listOf(PASSWORD, paycode) + world.admin.codesRead + recorder.bearerTokens
            Canary.assertClean(secrets, world.logs.toList(), messages, dir)
            recorder.close()
        }
    }
}
