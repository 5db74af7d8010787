package im.wallet.sdk.harness

import java.nio.file.Path
import org.sqlite.SQLiteConfig
import java.sql.DriverManager

/**
 * Reads the running sandbox's SQLite ledger directly (read-only), so a test
 * checks balances against the server's books rather than the SDK's view.
 */
class Ledger(private val db: Path) {
    private fun <T> query(sql: String, vararg args: String, row: (java.sql.ResultSet) -> T): List<T> =
        DriverManager.getConnection("jdbc:sqlite:$db", SQLiteConfig().apply { setReadOnly(true) }.toProperties()).use { c ->
            c.prepareStatement(sql).use { st ->
                args.forEachIndexed { i, a -> st.setString(i + 1, a) }
                st.executeQuery().use { rs -> buildList { while (rs.next()) add(row(rs)) } }
            }
        }

    /** Balance in minor units of `owner` (`user:<id>`, `merchant:<id>`) in [currency]; 0 if none. */
    fun balance(owner: String, currency: String = "CNY"): Long =
        query(
            "SELECT balance FROM accounts WHERE code >= ?1 AND code < ?2 AND currency = ?3",
            "$owner:", "$owner;", currency,
        ) { it.getLong(1) }.sum()

    /** Ledger transactions [userId] started, counted by kind. */
    fun txnsBy(userId: String): Map<String, Long> =
        query("SELECT kind, count(*) FROM txns WHERE user_id = ?1 GROUP BY kind", userId) { it.getString(1) to it.getLong(2) }.toMap()

    /** Double entry: in every currency the accounts' balances sum to zero. */
    fun balanced(): Boolean {
        val perCurrency = query("SELECT currency, sum(balance) FROM accounts GROUP BY currency") { it.getLong(2) }
        return perCurrency.all { it == 0L }
    }
}
