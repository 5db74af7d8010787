// The mapping from the generated `WalletFfiError` / `QrParseError` cases to
// `WalletError` (conversion only: codes and messages come from the core).
import IMWalletCore

extension WalletError {
    init(_ error: WalletFfiError) {
        switch error {
        case let .InvalidInput(info, field, reason): self.init(info: info, kind: .invalidInput(field: field, reason: reason))
        case let .InvalidPayload(info, kind, offset, tag, _):
            self.init(info: info, kind: .invalidPayload(kind: kind, offset: UInt64(offset), tag: tag))
        case let .WrongPassword(info, attemptsLeft): self.init(info: info, kind: .wrongPassword(attemptsLeft: attemptsLeft))
        case let .LockedOut(info, retryAfterS): self.init(info: info, kind: .lockedOut(retryAfterSeconds: retryAfterS))
        case let .ReloginRequired(info): self.init(info: info, kind: .reloginRequired)
        case let .VaultLocked(info): self.init(info: info, kind: .vaultLocked)
        case let .NotLoggedIn(info): self.init(info: info, kind: .notLoggedIn)
        case let .VerificationFailed(info, reason, attemptsLeft):
            self.init(info: info, kind: .verificationFailed(reason: reason, attemptsLeft: attemptsLeft))
        case let .InsufficientFunds(info): self.init(info: info, kind: .insufficientFunds)
        case let .CardDeclined(info, reason): self.init(info: info, kind: .cardDeclined(reason: reason))
        case let .AccountFrozen(info, reason): self.init(info: info, kind: .accountFrozen(reason: reason))
        case let .RiskHold(info, transactionId): self.init(info: info, kind: .riskHold(transactionId: transactionId))
        case let .RiskLimitExceeded(info): self.init(info: info, kind: .riskLimitExceeded)
        case let .NotFound(info, what): self.init(info: info, kind: .notFound(what: what))
        case let .Conflict(info, conflictCode): self.init(info: info, kind: .conflict(code: conflictCode))
        case let .RateLimited(info, retryAfterS): self.init(info: info, kind: .rateLimited(retryAfterSeconds: retryAfterS))
        case let .Network(info): self.init(info: info, kind: .network)
        case let .OutcomeUnknown(info, operationId): self.init(info: info, kind: .outcomeUnknown(operationId: operationId))
        case let .Timeout(info): self.init(info: info, kind: .timeout)
        case let .ServerUnavailable(info, status): self.init(info: info, kind: .serverUnavailable(status: status))
        case let .Unknown(info, serverCode, _): self.init(info: info, kind: .unknown(serverCode: serverCode))
        case let .Configuration(info, detail): self.init(info: info, kind: .configuration(detail: detail))
        case let .Storage(info, _): self.init(info: info, kind: .storage)
        case let .Crypto(info, _): self.init(info: info, kind: .crypto)
        case let .Cancelled(info): self.init(info: info, kind: .cancelled)
        case let .Internal(info, _): self.init(info: info, kind: .internal)
        case let .CallbackFailed(info, callback, _): self.init(info: info, kind: .callbackFailed(callback: callback))
        }
    }

    init(_ error: QrParseError) {
        switch error {
        case let .Invalid(info, kind, offset, tag, _):
            // The core catalog's `invalid_payload` entry comes with the error.
            self.init(info: info, kind: .invalidPayload(kind: kind.code, offset: offset, tag: tag))
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
