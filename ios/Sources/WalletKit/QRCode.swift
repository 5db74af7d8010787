// Scanned payment payloads: parsing happens in the Rust core
// (`imwallet-protocol::qr`); this only maps its typed error to `WalletError`.
import IMWalletCore

/// Parses what the camera scanned.
public enum QRCode {
    /// Recognises and validates a payment payload (EMVCo/PIX, UPI, EPC, …,
    /// and this wallet's own codes) without any network call.
    ///
    /// - Throws: `WalletError` with kind `.invalidPayload` (what is wrong and
    ///   the byte offset) when the payload is refused.
    public static func parse(_ payload: String) throws(WalletError) -> ScannedPayload {
        do {
            return try parseQr(payload: payload)
        } catch {
            throw WalletError(error)
        }
    }
}
