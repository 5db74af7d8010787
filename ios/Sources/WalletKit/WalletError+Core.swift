// The mapping from the generated `QrParseError` cases to
// `WalletError` (conversion only: codes and messages come from the core).
import IMWalletCore

extension WalletError {
    init(_ error: QrParseError) {
        switch error {
        case let .Invalid(kind, offset, tag, message):
            // parse_qr's own error carries no catalog entry (yet): these are
            // the core catalog's `invalid_payload` texts, until it does.
            self.init(local: "invalid_payload",
                      kind: .invalidPayload(kind: kind.code, offset: offset, tag: tag),
                      en: "This payment code cannot be used. Scan it again or ask for a new one.",
                      zhHans: "此付款码无法使用，请重新扫描或索取新的付款码。",
                      developerMessage: message)
        }
    }
}

extension QrErrorKind {
    /// The protocol's stable name of the kind (`crc_mismatch`, …), as in
    /// `WalletError.Kind.invalidPayload` from a payment.
    public var code: String {
        switch self {
        case .crcMismatch: "crc_mismatch"
        case .malformed: "malformed"
        case .missingField: "missing_field"
        case .invalidValue: "invalid_value"
        case .duplicateField: "duplicate_field"
        case .unsupportedFormat: "unsupported_format"
        }
    }
}
