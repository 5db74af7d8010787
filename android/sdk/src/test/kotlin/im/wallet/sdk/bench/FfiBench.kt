package im.wallet.sdk.bench

import im.wallet.core.coreVersion
import im.wallet.core.parseQr
import im.wallet.sdk.ImWalletSdk
import im.wallet.sdk.Payloads
import im.wallet.sdk.harness.World.Companion.PASSWORD
import im.wallet.sdk.harness.World
import kotlinx.coroutines.runBlocking
import java.io.File
import java.util.concurrent.TimeUnit

/**
 * The SDK's per-call cost on the JVM, read against two baselines from the
 * same run: the same call made natively in Rust (`bindings/benches/ffi_calls.rs`,
 * its `native <case> <ns>` lines passed as the first argument) and a JNA
 * direct-mapped call to an empty C function ([JnaFloor], the floor of JNA).
 * `balances()` goes to a real sandbox process: the benchmark signs a user
 * up, measures the call from Kotlin, closes that wallet and runs the native
 * baseline (`native_balances`, the command in the second argument) on the
 * same data directory against the same server, so both sides make the same
 * request. A measured loop with warm-up, median of rounds; not a test. Run
 * by `android/sdk/bench.sh`.
 */
object FfiBench {
    /** One measured case: name, median ns per call. */
    private data class Case(val name: String, val ns: Double)

    @Volatile private var sink: Any? = null

    private fun median(rounds: Int, iters: Int, f: () -> Any?): Double {
        repeat(iters * 3) { sink = f() } // warm-up: let the JIT compile the path
        val perCall = DoubleArray(rounds) {
            val start = System.nanoTime()
            for (i in 0 until iters) sink = f()
            (System.nanoTime() - start).toDouble() / iters
        }
        perCall.sort()
        return perCall[rounds / 2]
    }

    /** A `native <case> <ns>` figure (libtest may print it after its own `test name ... `). */
    private val nativeFigure = Regex("""native ([a-z_]+) ([0-9.]+)""")

    /** The `native <case> <ns>` figures in [lines] as a map. */
    private fun nativeFigures(lines: List<String>): Map<String, Double> =
        lines.flatMap { line -> nativeFigure.findAll(line).map { it.groupValues[1] to it.groupValues[2].toDouble() }.toList() }
            .toMap()

    /**
     * Kotlin's `balances()` against a fresh sandbox, then the native
     * baseline [nativeCommand] on the same wallet directory; returns the
     * Kotlin case and the native figures the command printed.
     */
    private fun balancesAgainstSandbox(nativeCommand: List<String>): Pair<Case, Map<String, Double>> = World().use { world ->
        val dir = world.newDir()
        val wallet = world.open(dir)
        runBlocking { world.signUp(wallet, world.phone()) }
        ImWalletSdk.clearLogSink() // the World records every log line; the native side logs nothing
        val kotlin = Case("balances", median(15, 200) { runBlocking { wallet.balances() } })
        wallet.close()
        val process = ProcessBuilder(nativeCommand).redirectErrorStream(true).apply {
            environment()["IMWALLET_BENCH_URL"] = world.sandbox.baseUrl
            environment()["IMWALLET_BENCH_API_KEY"] = world.admin.key
            environment()["IMWALLET_BENCH_DIR"] = dir.path
            environment()["IMWALLET_BENCH_PASSWORD"] = PASSWORD
        }.start()
        val output = process.inputStream.bufferedReader().readLines()
        check(process.waitFor(120, TimeUnit.SECONDS) && process.exitValue() == 0) {
            "the native balances baseline failed:\n" + output.joinToString("\n")
        }
        kotlin to nativeFigures(output)
    }

    /** Entry point: `FfiBench <native-results-file> <native balances command...>`. */
    @JvmStatic
    fun main(args: Array<String>) {
        val native = args.firstOrNull()?.let(::File)?.takeIf { it.exists() }?.readLines()
            ?.let(::nativeFigures).orEmpty().toMutableMap()

        val floorVoid = Case("jna_floor_void", median(15, 500_000) { JnaFloor.imw_noop() })
        val floorI32 = Case("jna_floor_i32", median(15, 500_000) { JnaFloor.imw_identity_i32(7) })
        val trivial = Case("core_version", median(15, 200_000) { coreVersion() })
        val parse = Case("parse_qr_pix", median(15, 20_000) { parseQr(Payloads.PIX) })
        val cases = mutableListOf(trivial, parse)
        if (args.size > 1) {
            val (balances, figures) = balancesAgainstSandbox(args.drop(1))
            native += figures
            cases += balances
        }

        println("| case | Kotlin (ns/call) | native Rust (ns/call) | Kotlin / Rust | Kotlin / JNA floor |")
        println("|---|---:|---:|---:|---:|")
        for (c in listOf(floorVoid, floorI32)) println("| ${c.name} | %.1f | | | |".format(c.ns))
        for (c in cases) {
            val n = native[c.name]
            val vsRust = n?.let { "%.1fx".format(c.ns / it) } ?: "n/a"
            println("| ${c.name} | %.1f | %s | %s | %.1fx |".format(c.ns, n?.let { "%.1f".format(it) } ?: "n/a", vsRust, c.ns / floorVoid.ns))
        }
    }
}
