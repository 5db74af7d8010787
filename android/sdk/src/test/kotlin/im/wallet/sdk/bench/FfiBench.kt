package im.wallet.sdk.bench

import im.wallet.core.coreVersion
import im.wallet.core.parseQr
import im.wallet.sdk.Payloads
import java.io.File

/**
 * The SDK's per-call cost on the JVM, read against two baselines from the
 * same run: the same call made natively in Rust (`bindings/benches/ffi_calls.rs`,
 * its `native <case> <ns>` lines passed as the first argument) and a JNA
 * direct-mapped call to an empty C function ([JnaFloor], the floor of JNA).
 * A measured loop with warm-up, median of rounds; not a test. Run by
 * `android/sdk/bench.sh`.
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

    /** Entry point: `FfiBench [native-results-file]`. */
    @JvmStatic
    fun main(args: Array<String>) {
        val native = args.firstOrNull()?.let(::File)?.takeIf { it.exists() }?.readLines()
            ?.mapNotNull { line -> line.split(' ').takeIf { it.size == 3 && it[0] == "native" }?.let { it[1] to it[2].toDouble() } }
            ?.toMap().orEmpty()

        val floorVoid = Case("jna_floor_void", median(15, 500_000) { JnaFloor.imw_noop() })
        val floorI32 = Case("jna_floor_i32", median(15, 500_000) { JnaFloor.imw_identity_i32(7) })
        val trivial = Case("core_version", median(15, 200_000) { coreVersion() })
        val parse = Case("parse_qr_pix", median(15, 20_000) { parseQr(Payloads.PIX) })

        println("| case | Kotlin (ns/call) | native Rust (ns/call) | Kotlin / Rust | Kotlin / JNA floor |")
        println("|---|---:|---:|---:|---:|")
        for (c in listOf(floorVoid, floorI32)) println("| ${c.name} | %.1f | | | |".format(c.ns))
        for (c in listOf(trivial, parse)) {
            val n = native[c.name]
            val vsRust = n?.let { "%.1fx".format(c.ns / it) } ?: "n/a"
            println("| ${c.name} | %.1f | %s | %s | %.1fx |".format(c.ns, n?.let { "%.1f".format(it) } ?: "n/a", vsRust, c.ns / floorVoid.ns))
        }
    }
}
