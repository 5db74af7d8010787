package im.wallet.sdk.harness

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/** The harness itself against the real sandbox process: app keys, the outbox, the fault proxy, stop/start. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HarnessTest {
    private lateinit var sandbox: SandboxProcess
    private lateinit var admin: SandboxAdmin

    @BeforeAll
    fun start() {
        sandbox = SandboxProcess.launch()
        admin = SandboxAdmin(sandbox.baseUrl).createApp()
    }

    @AfterAll
    fun stop() = sandbox.close()

    @Test
    fun `a developer app gets a sandbox API key`() {
        assertTrue(admin.key.startsWith("sk_sandbox_"), "key prefix")
        assertEquals(200, admin.call("GET", "/v1/apps/current").status)
    }

    @Test
    fun `a sent code is read back from the outbox`() {
        val phone = "+8613800138001"
        val r = admin.call("POST", "/v1/verification-codes", mapOf("purpose" to "register", "destination" to phone))
        assertTrue(r.status in 200..299, "send code: $r")
        val code = admin.latestCode(phone, "register")
        assertTrue(code.matches(Regex("\\d{6}")), "six digits")
    }

    @Test
    fun `the fault proxy forwards and cuts an armed answer after the server handled it`() {
        FaultProxy(sandbox.port).use { proxy ->
            val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
            fun send(phone: String) = http.send(
                HttpRequest.newBuilder(URI.create("${proxy.baseUrl}/v1/verification-codes"))
                    .header("X-Api-Key", admin.key)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""{"purpose":"register","destination":"$phone"}"""))
                    .build(),
                HttpResponse.BodyHandlers.ofString(),
            )
            assertTrue(send("+8613800138002").statusCode() in 200..299)

            proxy.cutAfterResponse("POST /v1/verification-codes")
            val lost = runCatching { send("+8613800138003") }
            assertTrue(lost.exceptionOrNull() is IOException, "the client saw no answer: $lost")
            assertTrue(proxy.awaitCut())
            assertEquals(1, proxy.cuts.get())
            proxy.heal()
            assertTrue(send("+8613800138004").statusCode() in 200..299)
            // The server did the work although the client never heard back.
            assertTrue(admin.latestCode("+8613800138003", "register").isNotEmpty())
        }
    }

    @Test
    fun `the ledger file is readable while the server runs`() {
        val ledger = Ledger(sandbox.db)
        assertTrue(ledger.balanced())
        assertEquals(0L, ledger.balance("user:nobody"))
        assertEquals(emptyMap<String, Long>(), ledger.txnsBy("nobody"))
    }

    @Test
    fun `a stopped sandbox comes back on the same port and database`() {
        val before = SandboxAdmin(sandbox.baseUrl).createApp("survives-restart")
        sandbox.stop()
        assertFalse(sandbox.healthy())
        sandbox.start()
        assertEquals(200, before.call("GET", "/v1/apps/current").status)
    }
}
