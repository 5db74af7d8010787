package im.wallet.app.ui

import android.app.Activity
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import im.wallet.core.QrErrorKind
import im.wallet.core.QrParseException
import im.wallet.core.ScannedPayload
import im.wallet.core.parseQr

/**
 * "Scan to pay": a pasted (or camera-scanned) payload is parsed by the core
 * (`parseQr`) and the payee, account and amount it names are shown exactly as
 * the core returned them. Framework views only.
 */
class ScanActivity : Activity() {
    private lateinit var language: UiLanguage
    private lateinit var payloadField: EditText
    private lateinit var resultView: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        language = UiLanguage.of(this)
        title = UiText.SCAN_TITLE.text(language)
        payloadField = EditText(this).apply {
            tag = TAG_PAYLOAD
            hint = UiText.SCAN_PAYLOAD_HINT.text(language)
        }
        val readButton = Button(this).apply {
            tag = TAG_READ
            text = UiText.SCAN_READ.text(language)
            setOnClickListener { showParsed(payloadField.text.toString()) }
        }
        resultView = TextView(this).apply { tag = TAG_RESULT }
        setContentView(
            LinearLayout(this).apply {
                orientation = LinearLayout.VERTICAL
                addView(payloadField)
                addView(readButton)
                addView(resultView)
            },
        )
    }

    private fun showParsed(payload: String) {
        val trimmed = payload.trim()
        if (trimmed.isEmpty()) {
            showError(UiText.QR_EMPTY)
            return
        }
        try {
            show(parseQr(trimmed))
        } catch (e: QrParseException.Invalid) {
            showError(messageFor(e.kind))
        }
    }

    private fun show(p: ScannedPayload) {
        resultView.visibility = View.VISIBLE
        val lines = buildList {
            add(line(UiText.SCAN_PAYEE, p.payeeName ?: UiText.SCAN_PAYEE_UNNAMED.text(language)))
            p.account?.let { add(line(UiText.SCAN_ACCOUNT, it)) }
            val amount = p.amount
            add(line(UiText.SCAN_AMOUNT, if (amount == null) UiText.SCAN_AMOUNT_OPEN.text(language) else listOfNotNull(amount, p.currency).joinToString(" ")))
            p.reference?.let { add(line(UiText.SCAN_REFERENCE, it)) }
            add(line(UiText.SCAN_FORMAT, listOfNotNull(p.formatName, p.scheme).joinToString(" / ")))
        }
        resultView.text = lines.joinToString("\n")
    }

    private fun showError(text: UiText) {
        resultView.visibility = View.VISIBLE
        resultView.text = text.text(language)
    }

    private fun line(label: UiText, value: String) = "${label.text(language)}: $value"

    /** View tags, so tests (and accessibility tooling) find the views. */
    companion object {
        /** The payload field. */
        const val TAG_PAYLOAD = "scan.payload"

        /** The "read code" button. */
        const val TAG_READ = "scan.read"

        /** The parsed result or the error. */
        const val TAG_RESULT = "scan.result"

        /** The message shown for each kind of refused payload. */
        fun messageFor(kind: QrErrorKind): UiText = when (kind) {
            QrErrorKind.CRC_MISMATCH -> UiText.QR_CRC_MISMATCH
            QrErrorKind.MALFORMED -> UiText.QR_MALFORMED
            QrErrorKind.MISSING_FIELD -> UiText.QR_MISSING_FIELD
            QrErrorKind.INVALID_VALUE -> UiText.QR_INVALID_VALUE
            QrErrorKind.DUPLICATE_FIELD -> UiText.QR_DUPLICATE_FIELD
            QrErrorKind.UNSUPPORTED_FORMAT -> UiText.QR_UNSUPPORTED
        }
    }
}
