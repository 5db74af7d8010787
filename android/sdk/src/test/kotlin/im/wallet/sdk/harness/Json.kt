package im.wallet.sdk.harness

/**
 * A minimal JSON reader for the test harness (the sandbox's admin answers),
 * so the SDK's test classpath needs no JSON library. Objects become
 * [Map], arrays [List], numbers [Long] or [Double], plus [String],
 * [Boolean] and `null`.
 */
object Json {
    /** Parses one JSON document. */
    fun parse(text: String): Any? = Reader(text).run {
        val v = value()
        skipSpace()
        require(pos == text.length) { "trailing characters at $pos" }
        v
    }

    /** Encodes a flat map of strings/numbers/booleans/nested maps as JSON. */
    fun encode(value: Any?): String = when (value) {
        null -> "null"
        is String -> buildString {
            append('"')
            for (c in value) when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
            append('"')
        }
        is Number, is Boolean -> value.toString()
        is Map<*, *> -> value.entries.joinToString(",", "{", "}") { (k, v) -> encode(k.toString()) + ":" + encode(v) }
        is List<*> -> value.joinToString(",", "[", "]") { encode(it) }
        else -> error("cannot encode ${value::class}")
    }

    private class Reader(val s: String) {
        var pos = 0

        fun skipSpace() {
            while (pos < s.length && s[pos].isWhitespace()) pos++
        }

        fun value(): Any? {
            skipSpace()
            require(pos < s.length) { "unexpected end" }
            return when (s[pos]) {
                '{' -> obj()
                '[' -> arr()
                '"' -> str()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> num()
            }
        }

        fun literal(word: String, v: Any?): Any? {
            require(s.startsWith(word, pos)) { "bad literal at $pos" }
            pos += word.length
            return v
        }

        fun obj(): Map<String, Any?> {
            val m = LinkedHashMap<String, Any?>()
            pos++
            skipSpace()
            if (s[pos] == '}') return m.also { pos++ }
            while (true) {
                skipSpace()
                val k = str()
                skipSpace()
                require(s[pos++] == ':') { "expected : at ${pos - 1}" }
                m[k] = value()
                skipSpace()
                when (s[pos++]) {
                    ',' -> continue
                    '}' -> return m
                    else -> error("expected , or } at ${pos - 1}")
                }
            }
        }

        fun arr(): List<Any?> {
            val l = ArrayList<Any?>()
            pos++
            skipSpace()
            if (s[pos] == ']') return l.also { pos++ }
            while (true) {
                l.add(value())
                skipSpace()
                when (s[pos++]) {
                    ',' -> continue
                    ']' -> return l
                    else -> error("expected , or ] at ${pos - 1}")
                }
            }
        }

        fun str(): String {
            require(s[pos] == '"') { "expected string at $pos" }
            pos++
            val b = StringBuilder()
            while (true) {
                val c = s[pos++]
                when (c) {
                    '"' -> return b.toString()
                    '\\' -> when (val e = s[pos++]) {
                        'n' -> b.append('\n')
                        't' -> b.append('\t')
                        'r' -> b.append('\r')
                        'b' -> b.append('\b')
                        'f' -> b.append('\u000c')
                        'u' -> b.append(s.substring(pos, pos + 4).toInt(16).toChar()).also { pos += 4 }
                        else -> b.append(e)
                    }
                    else -> b.append(c)
                }
            }
        }

        fun num(): Number {
            val start = pos
            while (pos < s.length && (s[pos].isDigit() || s[pos] in "+-.eE")) pos++
            val t = s.substring(start, pos)
            require(t.isNotEmpty()) { "unexpected character at $start" }
            return t.toLongOrNull() ?: t.toDouble()
        }
    }
}
