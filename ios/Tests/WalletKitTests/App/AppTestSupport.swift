// Helpers of the view-model tests: a software key store standing in for the
// Keychain (Linux has none) and language checks on the shown messages.
import Foundation
import WalletApp
import WalletKit
import XCTest

/// A `PlatformKeyStore` without biometrics: a fixed XOR mask, enough to prove
/// the unlock path through the core; the real one is `KeychainPlatformKeyStore`.
final class SoftwareKeyStore: PlatformKeyStore, Sendable {
    func wrap(secret: Data) throws -> Data { Data(secret.map { $0 ^ 0x5A }) }
    func unwrap(wrapped: Data) throws -> Data { Data(wrapped.map { $0 ^ 0x5A }) }
}

/// Whether `text` contains Han characters (a zh-Hans message).
func isChinese(_ text: String) -> Bool {
    text.unicodeScalars.contains { (0x4E00 ... 0x9FFF).contains($0.value) }
}

/// Asserts a screen error has `code` and a message in `language`.
func assertShown(_ error: ScreenError?, code: String, in language: AppLanguage,
                 file: StaticString = #filePath, line: UInt = #line)
{
    guard let error else { return XCTFail("no error shown (expected \(code))", file: file, line: line) }
    XCTAssertEqual(error.code, code, file: file, line: line)
    XCTAssertFalse(error.message.isEmpty, file: file, line: line)
    XCTAssertEqual(isChinese(error.message), language == .zhHans,
                   "\(error.message) is not in \(language)", file: file, line: line)
}
