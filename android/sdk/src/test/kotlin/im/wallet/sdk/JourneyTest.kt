package im.wallet.sdk

import im.wallet.core.AccountStatus
import im.wallet.core.CardStatus
import im.wallet.core.CodePurpose
import im.wallet.core.Money
import im.wallet.core.Operation
import im.wallet.core.QrFormat
import im.wallet.core.TransactionStatus
import im.wallet.core.TransactionType
import im.wallet.sdk.harness.FaultProxy
import im.wallet.sdk.harness.World
import im.wallet.sdk.harness.World.Companion.GOOD_CARD
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
 * The complete journey of the acceptance, from Kotlin on the JVM against
 * the sandbox process: register, login with the second factor,
 * lock/unlock, bind and verify a card, quote and top up, scan and pay a
 * merchant code (then with a coupon and points), transfer by phone and by
 * receive code, withdraw, FX, history sync with progress, spending summary,
 * receive code, offline payment code charged by the merchant,
 * freeze/unfreeze, logout. After every money step the balances are checked
 * against the sandbox's own ledger file. Then the canary over the log, the
 * exception messages and the data directory.
 */
class JourneyTest {
    @Test
    fun `the whole journey agrees with the sandbox ledger after every money step and leaks no secret`() = World().use { world ->
        runBlocking {
            val dir = world.newDir()
            val recorder = FaultProxy(world.sandbox.port) // records the bearer tokens for the canary
            val alice = world.open(dir, recorder.baseUrl, pageSize = 3)
            val bob = world.open()
            val alicePhone = world.phone()
            val bobPhone = world.phone()
            val messages = mutableListOf<String>()

            /** The SDK's balance, the ledger's and the expected one agree; the books balance. */
            suspend fun books(wallet: ImWallet, userId: String, expected: Long, step: String) {
                assertEquals(expected, world.userCny(userId), "ledger after $step")
                assertEquals(expected, wallet.balance("CNY").minor, "SDK after $step")
                assertTrue(world.ledger.balanced(), "double entry after $step")
            }

            // Register, then log in with the second factor.
            assertFalse(alice.hasAccount())
            val aliceId = world.signUp(alice, alicePhone, "Alice")
            val bobId = world.signUp(bob, bobPhone, "Bob")
            assertTrue(alice.hasAccount() && alice.isLoggedIn())
            assertEquals(aliceId, alice.profile().userId)
            assertEquals(aliceId, alice.cachedProfile()?.userId)

            // Lock and unlock.
            alice.lock()
            assertFalse(alice.isUnlocked())
            messages += assertThrows<WalletException.VaultLocked> { runBlocking { alice.balances() } }.message.orEmpty()
            messages += assertThrows<WalletException.WrongPassword> { runBlocking { alice.unlock("$PASSWORD!") } }.message.orEmpty()
            alice.unlock(PASSWORD)
            assertTrue(alice.isLoggedIn())

            // Bind and verify cards.
            val card = world.bindCard(alice, alicePhone, GOOD_CARD)
            val bobCard = world.bindCard(bob, bobPhone, BOB_CARD)
            val cards = alice.cards()
            assertEquals(listOf("4242"), cards.map { it.last4 })
            assertEquals(CardStatus.ACTIVE, cards.single().status)

            // Quote and top up.
            val topUpQuote = alice.quote(Operation.TOP_UP, yuan(100_000))
            val topUp = alice.topUp(card, yuan(100_000)).getOrThrow()
            assertEquals(TransactionStatus.COMPLETED, topUp.status)
            assertEquals(topUpQuote.credit, topUp.balanceEffect)
            var aliceCny = topUpQuote.credit.minor
            books(alice, aliceId, aliceCny, "top-up")
            var bobCny = bob.topUp(bobCard, yuan(10_000)).getOrThrow().balanceEffect.minor
            books(bob, bobId, bobCny, "Bob's top-up")

            // Scan the merchant's code and pay; then again with a coupon and points.
            val (merchantId, payload) = world.merchantWithCode("Coffee")
            ImWalletSdk.parseQr(payload) // the scanned code parses on the device
            val first = alice.pay(payload, yuan(10_000), memo = "beans").getOrThrow()
            assertEquals(100L, first.pointsEarned)
            aliceCny -= 10_000
            books(alice, aliceId, aliceCny, "payment")
            val coupon = world.issueCoupon(aliceId, offMinor = 500, minSpendMinor = 2_000)
            assertEquals(listOf(coupon), alice.coupons().map { it.couponId })
            val payQuote = alice.quote(Operation.PAYMENT, yuan(5_000), coupon, 20)
            assertEquals(yuan(500), payQuote.discount)
            assertEquals(yuan(5_000 - 500 - 20), payQuote.debit)
            val second = alice.pay(payload, yuan(5_000), couponId = coupon, points = 20).getOrThrow()
            assertEquals(20L, second.pointsRedeemed)
            assertEquals(payQuote.discount, second.discount)
            aliceCny -= payQuote.debit.minor
            books(alice, aliceId, aliceCny, "payment with coupon and points")

            // Transfer to Bob by phone, then by his receive code.
            alice.transferToPhone(bobPhone, yuan(2_000), "lunch").getOrThrow()
            aliceCny -= 2_000
            bobCny += 2_000
            books(alice, aliceId, aliceCny, "transfer by phone")
            books(bob, bobId, bobCny, "transfer by phone (Bob)")
            val bobCode = bob.receiveCode("CNY", yuan(1_234), "books")
            assertEquals(QrFormat.IMWALLET_RECEIVE, ImWalletSdk.parseQr(bobCode).format)
            alice.transferToReceiveCode(bobCode, yuan(1_234)).getOrThrow()
            aliceCny -= 1_234
            bobCny += 1_234
            books(alice, aliceId, aliceCny, "transfer by receive code")
            books(bob, bobId, bobCny, "transfer by receive code (Bob)")

            // Withdraw: debited at once, pending until the bank settles.
            alice.requestCode(CodePurpose.WITHDRAW)
            val withdrawal = alice.withdraw(card, yuan(3_000), world.admin.latestCode(alicePhone, "withdraw")).getOrThrow()
            assertEquals(TransactionStatus.PENDING, withdrawal.status)
            aliceCny -= 3_000
            books(alice, aliceId, aliceCny, "withdrawal")
            world.completeWithdrawal(withdrawal.id)
            books(alice, aliceId, aliceCny, "settled withdrawal")

            // A firm FX quote, then the conversion.
            val fx = alice.fxQuote(yuan(7_200), "USD")
            assertEquals(Money(1_000, "USD"), fx.buy)
            assertEquals(TransactionType.FX_CONVERSION, alice.fxConvert(fx.quoteId).getOrThrow().kind)
            aliceCny -= 7_200
            books(alice, aliceId, aliceCny, "FX conversion")
            assertEquals(1_000L, world.ledger.balance("user:$aliceId", "USD"))
            assertTrue(Money(1_000, "USD") in alice.balances())

            // History sync with progress (3 per page), then the cached history.
            val progress = alice.syncHistory().toList()
            val done = assertInstanceOf(SyncProgress.Done::class.java, progress.last())
            val pages = progress.filterIsInstance<SyncProgress.Page>().map { it.fetched }
            assertTrue(pages.size >= 2, "several pages: $pages")
            assertEquals(pages.sorted(), pages, "progress only grows")
            assertEquals(done.report.fetched.toLong(), pages.last())
            assertTrue(done.report.fetched >= 7uL, "${done.report}")
            assertEquals("beans", alice.transaction(first.id).memo)
            assertEquals("completed", alice.transaction(withdrawal.id).status)

            // Spending summary from the cache.
            val spent = alice.spendingSummary().sumOf { it.total.minor }
            assertEquals(10_000 + payQuote.debit.minor + 2_000 + 1_234 + 3_000, spent)

            // A receive code of Alice's own.
            assertEquals(QrFormat.IMWALLET_RECEIVE, ImWalletSdk.parseQr(alice.receiveCode("CNY", yuan(500), "rent")).format)

            // Offline payment code, charged by the merchant once.
            assertFalse(alice.hasPaymentCodes())
            alice.provisionPaymentCodes()
            val paycode = alice.paymentCode()
            assertEquals(QrFormat.IMWALLET_PAYCODE, ImWalletSdk.parseQr(paycode).format)
            val charge = world.chargePaymentCode(merchantId, paycode, 888)
            assertEquals(201, charge.status, "$charge")
            aliceCny -= 888
            books(alice, aliceId, aliceCny, "payment code charge")
            assertEquals(409, world.chargePaymentCode(merchantId, paycode, 888).status, "a code pays once")
            books(alice, aliceId, aliceCny, "refused second charge")
            val paycodeFee = minorOf(((charge.body as Map<*, *>)["fee"] as Map<*, *>)["amount"] as String)
            assertEquals(
                (10_000 - first.fee.minor) + (5_000 - second.fee.minor) + (888 - paycodeFee),
                world.ledger.balance("merchant:$merchantId"),
                "merchant settlement",
            )
            val points = alice.points()
            assertEquals(first.pointsEarned + second.pointsEarned - second.pointsRedeemed + 888 / 100, points.balance)

            // Freeze: money stops; unfreeze: it moves again.
            assertEquals(AccountStatus.FROZEN, alice.freeze().status)
            val frozen = alice.transferToUser(bobId, yuan(100)).failure<WalletException.AccountFrozen>()
            messages += frozen.message.orEmpty() + frozen.userMessageEn + frozen.userMessageZhCn
            books(alice, aliceId, aliceCny, "refused while frozen")
            assertEquals(AccountStatus.ACTIVE, alice.unfreeze(PASSWORD).status)
            val kinds = alice.securityEvents().toList().map { it.kind }
            for (k in listOf("login", "frozen", "unfrozen", "card_bound")) assertTrue(k in kinds, "missing $k in $kinds")
            assertEquals(emptyList<Any>(), alice.pendingOperations())

            // Log out.
            alice.logout()
            assertFalse(alice.isLoggedIn())
            val out = assertThrows<WalletException.NotLoggedIn> { runBlocking { alice.balances() } }
            messages += out.message.orEmpty() + out.userMessageEn + out.userMessageZhCn
            assertEquals(aliceCny, world.userCny(aliceId))

            // Canary: no password, card number, code or token anywhere it must not be.
            assertTrue(recorder.bearerTokens.isNotEmpty(), "the recorder saw the session's tokens")
            val secrets = listOf(PASSWORD, GOOD_CARD, BOB_CARD, paycode) + world.admin.codesRead + recorder.bearerTokens
            Canary.assertClean(secrets, world.logs.toList(), messages, dir)
            recorder.close()
        }
    }

    private companion object {
        const val BOB_CARD = "5555555555554444"
    }
}
