package im.wallet.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue

/** The catalog fields every typed exception carries: code, retryable, both user messages, the doc anchor. */
internal fun assertCatalog(e: WalletException, code: String, retryable: Boolean) {
    assertEquals(code, e.code, "code of $e")
    assertEquals(retryable, e.retryable, "retryable of $code")
    assertTrue(e.userMessageEn.isNotBlank(), "en message of $code")
    assertTrue(e.userMessageZhCn.isNotBlank(), "zh-CN message of $code")
    assertNotEquals(e.userMessageEn, e.userMessageZhCn, "two languages for $code")
    assertTrue(e.docUrl.endsWith("#$code"), "doc anchor of $code: ${e.docUrl}")
}

/** The error of a [PaymentOutcome.Failed], as [T]; fails on any other outcome. */
internal inline fun <reified T : WalletException> PaymentOutcome.failure(): T {
    val failed = this as? PaymentOutcome.Failed ?: throw AssertionError("expected Failed(${T::class.simpleName}), got $this")
    return failed.error as? T ?: throw AssertionError("expected ${T::class.simpleName}, got ${failed.error}")
}

/** Minor units of a wire amount such as `"5.33"`. */
internal fun minorOf(amount: String): Long {
    val (units, cents) = (amount.split('.') + "0").let { it[0] to it[1].padEnd(2, '0').take(2) }
    return units.toLong() * 100 + cents.toLong()
}
