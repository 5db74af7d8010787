package im.wallet.sdk.harness

import java.io.File
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * The real `imwallet-sandbox` binary, run as a separate process on a
 * loopback port over a temporary SQLite file. [stop] kills it (a "network
 * down" for the SDK) and [start] brings it back on the same port and
 * database, so what was committed survives.
 */
class SandboxProcess private constructor(
    private val binary: File,
    /** The loopback port the server listens on. */
    val port: Int,
    /** The SQLite database file of the server. */
    val db: Path,
    /** More `imwallet-sandbox` options (e.g. `--code-ttl-s 1`). */
    private val extraArgs: List<String> = emptyList(),
) : AutoCloseable {
    private var process: Process? = null
    private val log: Path = Files.createTempFile("imwallet-sandbox-", ".log")

    /** `http://127.0.0.1:PORT`, the base URL the SDK is configured with. */
    val baseUrl: String get() = "http://127.0.0.1:$port"

    /** Starts the server and waits until `/healthz` answers. */
    fun start() {
        check(process?.isAlive != true) { "sandbox already running" }
        val p = ProcessBuilder(
            binary.path, "--listen", "127.0.0.1:$port", "--db", db.toString(),
            "--operator-key", OPERATOR_KEY, *extraArgs.toTypedArray(),
        )
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start()
        process = p
        val deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos()
        while (System.nanoTime() < deadline) {
            check(p.isAlive) { "imwallet-sandbox exited with ${p.exitValue()}: ${Files.readString(log)}" }
            if (healthy()) return
            Thread.sleep(25)
        }
        p.destroyForcibly()
        error("imwallet-sandbox did not answer /healthz within 30 s: ${Files.readString(log)}")
    }

    /** Stops the server process and waits for it to exit. */
    fun stop() {
        val p = process ?: return
        p.destroy()
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor()
        process = null
    }

    /** Whether `/healthz` answers 200 right now. */
    fun healthy(): Boolean = try {
        val req = HttpRequest.newBuilder(URI.create("$baseUrl/healthz")).timeout(Duration.ofSeconds(2)).build()
        client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200
    } catch (e: java.io.IOException) {
        false
    }

    override fun close() {
        stop()
        Files.deleteIfExists(db)
        for (suffix in listOf("-wal", "-shm")) Files.deleteIfExists(Path.of("$db$suffix"))
        Files.deleteIfExists(log)
    }

    companion object {
        /**
         * The operator credential this harness starts the server with: the
         * operator endpoints (outbox, settling withdrawals, ...) require it
         * as `X-Sandbox-Operator-Key` (sandbox/README.md).
         */
        const val OPERATOR_KEY: String = "op_kotlin_harness"

        private val client: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()

        /** The directory generate.sh filled (`-Dimwallet.native.dir`). */
        val nativeDir: File
            get() = File(
                System.getProperty("imwallet.native.dir")
                    ?: error("imwallet.native.dir is not set: run android/sdk/generate.sh and mvn test"),
            )

        /** Starts a fresh sandbox on a free port over a new temporary database, with [extraArgs]. */
        @JvmOverloads
        fun launch(extraArgs: List<String> = emptyList()): SandboxProcess {
            val binary = File(nativeDir, "imwallet-sandbox")
            check(binary.canExecute()) { "$binary is missing: run android/sdk/generate.sh" }
            val dir = Files.createTempDirectory("imwallet-sandbox-db-")
            val s = SandboxProcess(binary, freePort(), dir.resolve("sandbox.db"), extraArgs)
            s.start()
            return s
        }

        /** A loopback port that was free a moment ago. */
        fun freePort(): Int = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
    }
}
