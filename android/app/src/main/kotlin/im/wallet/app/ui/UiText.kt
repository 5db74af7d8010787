package im.wallet.app.ui

import android.content.Context
import java.util.Locale

/** The languages the shell speaks (every string a person reads exists in both). */
enum class UiLanguage {
    /** English (the default for every locale that is not Chinese). */
    EN,

    /** Simplified Chinese. */
    ZH_CN,
    ;

    companion object {
        /** zh-CN for any Chinese locale, English otherwise. */
        fun of(locale: Locale): UiLanguage = if (locale.language == "zh") ZH_CN else EN

        /** The language of the context's current configuration. */
        fun of(context: Context): UiLanguage = of(context.resources.configuration.locales[0])
    }
}

/**
 * The shell's own labels in English and Simplified Chinese. Kept in code (not
 * `res/values`) so the JVM build needs no resource compiler; the system-facing
 * strings (app name, NFC service) are Android resources.
 */
enum class UiText(private val en: String, private val zhCn: String) {
    SCAN_TITLE("Scan to pay", "扫码付款"),
    SCAN_PAYLOAD_HINT("Paste a scanned payment code", "粘贴扫描到的付款码"),
    SCAN_READ("Read code", "识别"),
    SCAN_FORMAT("Format", "格式"),
    SCAN_PAYEE("Payee", "收款方"),
    SCAN_ACCOUNT("Account", "账户"),
    SCAN_AMOUNT("Amount", "金额"),
    SCAN_REFERENCE("Reference", "附言"),
    SCAN_PAYEE_UNNAMED("(not named in the code)", "（码中未注明）"),
    SCAN_AMOUNT_OPEN("Entered when paying", "付款时输入"),
    QR_EMPTY("Paste or scan a payment code first.", "请先粘贴或扫描付款码。"),
    QR_CRC_MISMATCH("This code is damaged (its checksum does not match). Scan it again.", "付款码已损坏（校验不符），请重新扫描。"),
    QR_MALFORMED("This is not a readable payment code.", "无法识别此付款码。"),
    QR_MISSING_FIELD("This payment code is missing required information.", "付款码缺少必要信息。"),
    QR_INVALID_VALUE("This payment code contains an invalid value.", "付款码包含无效内容。"),
    QR_DUPLICATE_FIELD("This payment code repeats a field and cannot be trusted.", "付款码字段重复，无法使用。"),
    QR_UNSUPPORTED("This kind of code is not supported.", "不支持此类付款码。"),
    ;

    /** The text in [language]. */
    fun text(language: UiLanguage): String = when (language) {
        UiLanguage.EN -> en
        UiLanguage.ZH_CN -> zhCn
    }
}
