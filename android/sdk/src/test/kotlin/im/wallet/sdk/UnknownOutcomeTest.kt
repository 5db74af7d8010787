package im.wallet.sdk

import im.wallet.sdk.harness.FaultProxy
import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.yuan
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The unknown outcome from Kotlin: the fault proxy lets the sandbox commit
 * a payment and then cuts the connection before the answer (on every retry
 * too). The SDK returns [PaymentOutcome.Pending], lists the operation as
 * open, and after [ImWallet.reconcilePending] the payment is in the
 * sandbox ledger exactly once.
 */
class UnknownOutcomeTest {
    @Test
    fun `a payment whose answer is lost is pending and after reconcile is in the ledger exactly once`() = World().use { world ->
        FaultProxy(world.sandbox.port).use { proxy ->
            runBlocking {
                val alice = world.funded(10_000, world.open(baseUrl = proxy.baseUrl))
                val funded = world.userCny(alice.userId)
                val (merchantId, payload) = world.merchantWithCode("Noodles")

                proxy.cutAfterResponse("POST /v1/payments")
                val outcome = alice.wallet.pay(payload, yuan(2_500), memo = "lost answer")
                val pending = assertInstanceOf(PaymentOutcome.Pending::class.java, outcome)
                assertTrue(proxy.awaitCut(), "the proxy cut an answer")
                assertCatalog(pending.error, "outcome_unknown", true)
                // The server committed it once; the client does not know yet.
                assertEquals(1L, world.ledger.txnsBy(alice.userId)["payment"] ?: 0L)
                assertEquals(funded - 2_500, world.userCny(alice.userId))
                val open = alice.wallet.pendingOperations()
                assertEquals(listOf(pending.operationId), open.map { it.operationId })
                assertEquals("payment", open.single().kind)
                assertEquals("unknown", open.single().state)

                // Still cut: reconciling leaves it open, and applies nothing twice.
                assertEquals(1u, alice.wallet.reconcilePending().unresolved)
                assertEquals(1L, world.ledger.txnsBy(alice.userId)["payment"] ?: 0L)

                proxy.heal()
                val report = alice.wallet.reconcilePending()
                assertEquals(1u to 0u, report.completed to report.unresolved)
                assertEquals(emptyList<Any>(), alice.wallet.pendingOperations())
                val status = alice.wallet.operation(pending.operationId)
                assertEquals("completed", status.state)
                assertTrue(status.transactionId != null)

                assertEquals(1L, world.ledger.txnsBy(alice.userId)["payment"] ?: 0L, "exactly once")
                assertEquals(funded - 2_500, world.userCny(alice.userId))
                assertEquals(world.userCny(alice.userId), alice.wallet.balance("CNY").minor)
                assertTrue(world.ledger.balance("merchant:$merchantId") > 0)
                assertTrue(world.ledger.balanced())
            }
        }
    }
}
