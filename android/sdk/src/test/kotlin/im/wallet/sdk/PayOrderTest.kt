package im.wallet.sdk

import im.wallet.sdk.harness.FaultProxy
import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.cny
import im.wallet.sdk.harness.World.Companion.yuan
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Pay from another app through the SDK against the sandbox process: a
 * merchant order is made over the sandbox HTTP API, [ImWallet.previewOrder]
 * shows its merchant and amount, [ImWallet.payOrder] pays it once and a
 * second payment is refused with the order's code, and a second
 * order whose answer is cut after the commit is [PaymentOutcome.Pending]
 * and, after reconcile, in the ledger exactly once.
 */
class PayOrderTest {
    private fun World.orderToken(merchantId: String, outTradeNo: String, minor: Long): String {
        val body = mapOf(
            "out_trade_no" to outTradeNo, "amount" to cny(minor),
            "description" to "两杯咖啡 Two coffees", "expires_in_s" to 600,
        )
        val r = admin.call("POST", "/v1/merchants/$merchantId/orders", body)
        check(r.status == 201) { "POST /v1/merchants/$merchantId/orders: $r" }
        return (r.body as Map<*, *>)["order_token"] as String
    }

    @Test
    fun `an order is previewed, paid once, refused again with its code, and a lost answer is reconciled once`() = World().use { world ->
        FaultProxy(world.sandbox.port).use { proxy ->
            runBlocking {
                val alice = world.funded(10_000, world.open(baseUrl = proxy.baseUrl))
                val funded = world.userCny(alice.userId)
                val (merchantId, _) = world.merchantWithCode("Noodles")

                val token = world.orderToken(merchantId, "kt-1", 1_234)
                val preview = alice.wallet.previewOrder(token)
                assertEquals("Noodles", preview.merchantName)
                assertEquals("Shanghai", preview.merchantCity)
                assertEquals(merchantId, preview.merchantId)
                assertEquals(yuan(1_234), preview.amount)
                assertEquals("created", preview.status)

                val paid = assertInstanceOf(PaymentOutcome.Succeeded::class.java, alice.wallet.payOrder(token))
                assertEquals(yuan(1_234), paid.transaction.amount)
                assertEquals("paid", alice.wallet.previewOrder(token).status)
                val failed = assertInstanceOf(PaymentOutcome.Failed::class.java, alice.wallet.payOrder(token))
                val conflict = assertInstanceOf(WalletException.Conflict::class.java, failed.error)
                assertEquals("order_already_paid", conflict.conflictCode)

                val token2 = world.orderToken(merchantId, "kt-2", 567)
                proxy.cutAfterResponse("POST /v1/payments")
                val pending = assertInstanceOf(PaymentOutcome.Pending::class.java, alice.wallet.payOrder(token2))
                assertTrue(proxy.awaitCut(), "the proxy cut an answer")
                proxy.heal()
                val report = alice.wallet.reconcilePending()
                assertEquals(1u to 0u, report.completed to report.unresolved)
                assertEquals("completed", alice.wallet.operation(pending.operationId).state)
                assertEquals("paid", alice.wallet.previewOrder(token2).status)

                assertEquals(2L, world.ledger.txnsBy(alice.userId)["payment"] ?: 0L, "one payment per order")
                assertEquals(funded - 1_234 - 567, world.userCny(alice.userId))
                assertTrue(world.ledger.balanced())
            }
        }
    }
}
