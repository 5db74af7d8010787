package im.wallet.sdk.harness

import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/**
 * What a test needs from the sandbox that the SDK does not do: register a
 * developer app (the API key), read verification codes from the outbox,
 * create merchants and coupons. Plain HTTP against the running process,
 * as the Rust e2e tests' `support` helpers do in-process.
 */
class SandboxAdmin(private val baseUrl: String, private val apiKey: String? = null) {
    /** An HTTP answer: status and parsed JSON body (or `null`). */
    data class Reply(val status: Int, val body: Any?)

    /** Sends one request with the API key (and a bearer token if given). */
    fun call(method: String, path: String, body: Any? = null, token: String? = null, idempotencyKey: String? = null): Reply {
        val b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10))
        apiKey?.let { b.header("X-Api-Key", it) }
        b.header("X-Sandbox-Operator-Key", SandboxProcess.OPERATOR_KEY)
        token?.let { b.header("Authorization", "Bearer $it") }
        idempotencyKey?.let { b.header("Idempotency-Key", it) }
        if (body != null) b.header("Content-Type", "application/json")
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(Json.encode(body))
        val res = client.send(b.method(method, publisher).build(), HttpResponse.BodyHandlers.ofString())
        return Reply(res.statusCode(), res.body().takeIf { it.isNotBlank() }?.let(Json::parse))
    }

    /** Registers a developer app and returns an admin bound to its API key. */
    fun createApp(name: String = "kotlin-sdk-tests"): SandboxAdmin {
        val r = call("POST", "/v1/apps", mapOf("name" to name))
        check(r.status == 201) { "POST /v1/apps: $r" }
        return SandboxAdmin(baseUrl, (r.body as Map<*, *>)["api_key"] as String)
    }

    /** Every code this admin read from the outbox (for the canary). */
    val codesRead: MutableList<String> = java.util.Collections.synchronizedList(mutableListOf())

    /** The API key this admin sends. */
    val key: String get() = apiKey ?: error("no API key: call createApp() first")

    /** The newest verification code the sandbox "sent" to [destination]. */
    fun latestCode(destination: String, purpose: String? = null): String {
        val q = java.net.URLEncoder.encode(destination, Charsets.UTF_8)
        val r = call("GET", "/v1/sandbox/outbox?destination=$q")
        check(r.status == 200) { "GET /v1/sandbox/outbox: $r" }
        val messages = (r.body as Map<*, *>)["messages"] as List<*>
        val m = messages.map { it as Map<*, *> }.firstOrNull { purpose == null || it["purpose"] == purpose }
            ?: error("no code in the outbox for $destination")
        return (m["code"] as String).also { codesRead += it }
    }

    private companion object {
        val client: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
    }
}
