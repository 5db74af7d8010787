package im.wallet.sdk

import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.yuan
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Many coroutines at once, and a cancelled history sync, against the
 * sandbox process.
 */
class ConcurrencyTest {
    @Test
    fun `100 coroutines reading and paying at once finish and the ledger matches exactly`() = World().use { world ->
        runBlocking(Dispatchers.Default) {
            // Four users (the sandbox freezes more than 30 movements a minute per user).
            val users = (1..4).map { world.funded(20_000) }
            val (merchantId, payload) = world.merchantWithCode("Canteen")
            val start = users.associate { it.userId to world.userCny(it.userId) }
            val results = withTimeout(240_000) {
                (0 until 100).map { i ->
                    val u = users[i % users.size]
                    async {
                        if (i % 2 == 0) {
                            u.wallet.pay(payload, yuan(100L + i), memo = "c$i").getOrThrow()
                            100L + i
                        } else {
                            // Reads race the payments on the same wallet.
                            assertTrue(u.wallet.balances().isNotEmpty())
                            u.wallet.coupons()
                            u.wallet.cards()
                            0L
                        }
                    }
                }.awaitAll()
            }
            var merchantIn = 0L
            for ((k, u) in users.withIndex()) {
                val paid = results.filterIndexed { i, _ -> i % users.size == k }.sum()
                val count = results.filterIndexed { i, r -> i % users.size == k && r > 0 }.size.toLong()
                assertEquals(start.getValue(u.userId) - paid, world.userCny(u.userId), "ledger of user $k")
                assertEquals(world.userCny(u.userId), u.wallet.balance("CNY").minor, "SDK agrees with the ledger for user $k")
                assertEquals(count, world.ledger.txnsBy(u.userId)["payment"] ?: 0L, "payments of user $k")
                merchantIn += paid
            }
            assertEquals(50, results.count { it > 0 })
            // The merchant got every payment, less its fee.
            assertTrue(world.ledger.balance("merchant:$merchantId") in (merchantIn * 9 / 10)..merchantIn)
            assertTrue(world.ledger.balanced())
        }
    }

    @Test
    fun `cancelling a history sync stops at a page boundary and keeps the stored pages`() = World().use { world ->
        runBlocking {
            val pageSize = 2
            // Bob's device has none of these in its cache (a sender's wallet
            // caches its own movements as they complete; a recipient's does not).
            val alice = world.funded(50_000)
            val bob = world.open(pageSize = pageSize)
            val bobPhone = world.phone()
            world.signUp(bob, bobPhone, "Bob")
            repeat(10) { alice.wallet.transferToPhone(bobPhone, yuan(100L + it)).getOrThrow() }
            val total = 10

            // Take the first page, then cancel the collector.
            val firstPage = bob.syncHistory().first()
            assertInstanceOf(SyncProgress.Page::class.java, firstPage)
            val kept = bob.history(100, 0).items.size
            assertTrue(kept >= pageSize && kept < total, "stopped early: kept $kept of $total")
            assertEquals(0, kept % pageSize, "whole pages only: kept $kept")

            // A later sync keeps what was stored and fetches the rest.
            val progress = bob.syncHistory().toList()
            assertInstanceOf(SyncProgress.Done::class.java, progress.last())
            assertEquals(total, bob.history(100, 0).items.size)
            assertEquals(world.userCny(alice.userId), alice.wallet.balance("CNY").minor)
        }
    }
}
