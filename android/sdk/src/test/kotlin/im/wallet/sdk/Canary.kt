package im.wallet.sdk

import org.junit.jupiter.api.Assertions.assertTrue
import java.io.File

/** Looks for secrets where they must never be: log lines, exception messages, the data directory's files. */
object Canary {
    /** Fails if any of [secrets] occurs in [logs], [messages] or any file under [dataDir] (as UTF-8 or UTF-16LE). */
    fun assertClean(secrets: List<String>, logs: List<String>, messages: List<String>, dataDir: File) {
        assertTrue(logs.isNotEmpty(), "the LogSink received nothing, so the canary would prove nothing")
        for (s in secrets.filter { it.length >= 6 }) {
            logs.forEach { assertTrue(s !in it, "secret in a log line: ${it.take(120)}") }
            messages.forEach { assertTrue(s !in it, "secret in an exception message") }
            dataDir.walkTopDown().filter { it.isFile }.forEach { f ->
                val bytes = f.readBytes()
                for (needle in listOf(s.toByteArray(Charsets.UTF_8), s.toByteArray(Charsets.UTF_16LE))) {
                    assertTrue(indexOf(bytes, needle) < 0, "secret in ${f.name}")
                }
            }
        }
    }

    private fun indexOf(hay: ByteArray, needle: ByteArray): Int {
        outer@ for (i in 0..hay.size - needle.size) {
            for (j in needle.indices) if (hay[i + j] != needle[j]) continue@outer
            return i
        }
        return -1
    }
}
