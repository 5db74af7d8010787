package im.wallet.sdk

import im.wallet.core.CodeFailure
import im.wallet.core.CodePurpose
import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.PASSWORD
import im.wallet.sdk.harness.World.Companion.yuan
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The money failures a Kotlin app meets, each as its typed exception (in a
 * [PaymentOutcome.Failed], and thrown by [PaymentOutcome.getOrThrow]) with
 * the catalog's code, retryable flag and both user messages, and the
 * sandbox ledger unchanged by the refused movement.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MoneyErrorsTest {
    private val world = World()

    @AfterAll
    fun close() = world.close()

    @Test
    fun `a payment above the balance is insufficient funds and moves nothing`() = runBlocking {
        val alice = world.funded(1_000)
        val before = world.userCny(alice.userId)
        val (_, payload) = world.merchantWithCode("Bakery")
        val e = alice.wallet.pay(payload, yuan(5_000)).failure<WalletException.InsufficientFunds>()
        assertCatalog(e, "insufficient_funds", false)
        assertThrows<WalletException.InsufficientFunds> { runBlocking { alice.wallet.pay(payload, yuan(5_000)).getOrThrow() } }
        assertEquals(before, world.userCny(alice.userId))
        assertEquals(before, alice.wallet.balance("CNY").minor)
        assertNull(world.ledger.txnsBy(alice.userId)["payment"])
        assertEquals(emptyList<Any>(), alice.wallet.pendingOperations())
    }

    @Test
    fun `a declined card is typed and credits nothing`() = runBlocking {
        val wallet = world.open()
        val phone = world.phone()
        val id = world.signUp(wallet, phone)
        val card = world.bindCard(wallet, phone, World.DECLINED_CARD)
        val e = wallet.topUp(card, yuan(5_000)).failure<WalletException.CardDeclined>()
        assertCatalog(e, "card_declined", false)
        assertEquals("card_declined", e.reason)
        assertEquals(0L, world.userCny(id))
        assertEquals(0L, wallet.balance("CNY").minor)
    }

    @Test
    fun `a frozen account refuses money until it is unfrozen`() = runBlocking {
        val alice = world.funded(10_000)
        val before = world.userCny(alice.userId)
        alice.wallet.freeze()
        val e = alice.wallet.topUp(alice.cardId, yuan(100)).failure<WalletException.AccountFrozen>()
        assertCatalog(e, "account_frozen", false)
        assertEquals("self", e.reason)
        assertEquals(before, world.userCny(alice.userId))
        alice.wallet.unfreeze(PASSWORD)
        alice.wallet.topUp(alice.cardId, yuan(100)).getOrThrow()
        assertEquals(alice.wallet.balance("CNY").minor, world.userCny(alice.userId))
    }

    @Test
    fun `an invalid QR payload is typed with kind and offset when parsed and when paid`() = runBlocking {
        val broken = Payloads.PIX.replace("Fulano", "Fulana")
        val parsed = assertThrows<WalletException.InvalidPayload> { ImWalletSdk.parseQr(broken) }
        assertCatalog(parsed, "invalid_payload", false)
        assertEquals("crc_mismatch", parsed.kind)
        assertEquals(129, parsed.offset)
        assertEquals("63", parsed.tag)
        val missing = assertThrows<WalletException.InvalidPayload> { ImWalletSdk.parseQr("upi://pay?pn=x") }
        assertEquals("missing_field" to 14, missing.kind to missing.offset)

        val alice = world.funded(1_000)
        val before = world.userCny(alice.userId)
        val paid = alice.wallet.pay(broken, yuan(100)).failure<WalletException.InvalidPayload>()
        assertCatalog(paid, "invalid_payload", false)
        assertEquals("crc_mismatch" to 129, paid.kind to paid.offset)
        assertEquals(before, world.userCny(alice.userId))
    }

    @Test
    fun `an expired code is typed and creates no account`() = World(listOf("--code-ttl-s", "1")).use { short ->
        runBlocking {
            val wallet = short.open()
            val phone = short.phone()
            wallet.requestCode(CodePurpose.REGISTER, phone)
            val code = short.admin.latestCode(phone, "register")
            Thread.sleep(2_200) // the sandbox was started with codes valid for 1 s
            val e = assertThrows<WalletException.VerificationFailed> { runBlocking { wallet.register(phone, PASSWORD, code, null) } }
            assertCatalog(e, "code_expired", false)
            assertEquals(CodeFailure.EXPIRED, e.reason)
            assertFalse(wallet.hasAccount())
        }
    }
}
