package im.wallet.sdk.harness

import java.io.ByteArrayOutputStream
import java.io.InputStream
import java.io.OutputStream
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference

/**
 * A loopback TCP proxy in front of the sandbox that forwards HTTP/1.1
 * byte for byte and, while [cutAfterResponse] is armed for a request line
 * prefix (`"POST /v1/payments"`), forwards each such request, lets the
 * server answer (so it has committed), then closes the client's connection
 * without passing the answer on: the client sees an unknown outcome, also
 * on its retries. [heal] disarms it.
 *
 * Requests on one connection are sequential (the client does not
 * pipeline), so the server bytes that follow an armed request belong to
 * its answer.
 */
class FaultProxy(private val upstreamPort: Int) : AutoCloseable {
    private val server = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    private val sockets = CopyOnWriteArrayList<Socket>()
    private val armed = AtomicReference<String?>(null)
    @Volatile private var cutDone = CountDownLatch(1)

    /** Access and refresh tokens seen in requests (for the canary). */
    val bearerTokens: MutableSet<String> = java.util.concurrent.ConcurrentHashMap.newKeySet()

    /** How many answers were swallowed so far. */
    val cuts = AtomicInteger()

    /** `http://127.0.0.1:PORT` of the proxy. */
    val baseUrl: String get() = "http://127.0.0.1:${server.localPort}"

    init {
        Thread({ acceptLoop() }, "fault-proxy-accept").apply { isDaemon = true }.start()
    }

    /** Arms the cut for every request whose request line starts with [requestLinePrefix]. */
    fun cutAfterResponse(requestLinePrefix: String) {
        cutDone = CountDownLatch(1)
        armed.set(requestLinePrefix)
    }

    /** Disarms the cut: everything is forwarded again. */
    fun heal() = armed.set(null)

    /** Waits until a cut happened. */
    fun awaitCut(seconds: Long = 30): Boolean = cutDone.await(seconds, TimeUnit.SECONDS)

    private fun acceptLoop() {
        while (!server.isClosed) {
            val client = try {
                server.accept()
            } catch (e: java.io.IOException) {
                return
            }
            val upstream = try {
                Socket().apply { connect(InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 2000) }
            } catch (e: java.io.IOException) {
                client.close()
                continue
            }
            sockets += client
            sockets += upstream
            Connection(client, upstream).start()
        }
    }

    private inner class Connection(val client: Socket, val upstream: Socket) {
        @Volatile var swallowNextAnswer = false

        fun start() {
            Thread({ requests() }, "fault-proxy-up").apply { isDaemon = true }.start()
            Thread({ answers() }, "fault-proxy-down").apply { isDaemon = true }.start()
        }

        fun closeBoth() {
            runCatching { client.close() }
            runCatching { upstream.close() }
        }

        /** Client to server, one whole request at a time (headers + Content-Length body). */
        fun requests() {
            val input = client.getInputStream().buffered()
            val out = upstream.getOutputStream()
            try {
                while (true) {
                    val head = readHead(input) ?: break
                    val text = String(head, Charsets.ISO_8859_1)
                    val length = Regex("(?im)^content-length:\\s*(\\d+)").find(text)?.groupValues?.get(1)?.toInt() ?: 0
                    val body = input.readNBytes(length)
                    Regex("(?im)^authorization:\\s*bearer\\s+(\\S+)").find(text)?.let { bearerTokens += it.groupValues[1] }
                    Regex("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"").find(String(body, Charsets.UTF_8))?.let { bearerTokens += it.groupValues[1] }
                    val prefix = armed.get()
                    if (prefix != null && text.startsWith(prefix)) {
                        swallowNextAnswer = true
                    }
                    out.write(head)
                    out.write(body)
                    out.flush()
                }
            } catch (e: java.io.IOException) {
                // the other side closed
            } finally {
                closeBoth()
            }
        }

        /** Server to client, raw; an armed answer is read (the server is done) and dropped. */
        fun answers() {
            val input = upstream.getInputStream()
            val out: OutputStream = client.getOutputStream()
            val buf = ByteArray(16 * 1024)
            try {
                while (true) {
                    val n = input.read(buf)
                    if (n < 0) break
                    if (swallowNextAnswer) {
                        cuts.incrementAndGet()
                        closeBoth()
                        cutDone.countDown()
                        return
                    }
                    out.write(buf, 0, n)
                    out.flush()
                }
            } catch (e: java.io.IOException) {
                // the other side closed
            } finally {
                closeBoth()
            }
        }
    }

    override fun close() {
        server.close()
        sockets.forEach { runCatching { it.close() } }
    }

    private companion object {
        /** Reads up to and including the blank line that ends an HTTP head; `null` at end of stream. */
        fun readHead(input: InputStream): ByteArray? {
            val b = ByteArrayOutputStream()
            var matched = 0
            val end = byteArrayOf('\r'.code.toByte(), '\n'.code.toByte(), '\r'.code.toByte(), '\n'.code.toByte())
            while (matched < 4) {
                val c = input.read()
                if (c < 0) return if (b.size() == 0) null else throw java.io.EOFException("truncated request head")
                b.write(c)
                matched = if (c.toByte() == end[matched]) matched + 1 else if (c == '\r'.code) 1 else 0
            }
            return b.toByteArray()
        }
    }
}
