import WalletKit
import XCTest

/// Parsing scanned payloads through the real Rust library.
final class QRCodeTests: XCTestCase {
    static let pix =
        "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
            + "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"

    func testTheCoreVersionIsReported() throws {
        XCTAssertFalse(try WalletKitInfo.coreVersion().isEmpty)
    }

    func testThePackageIsCompiledInSwift6LanguageMode() {
        XCTAssertEqual(WalletKitInfo.swiftLanguageMode, "6")
        #if !swift(>=6)
            XCTFail("the test target is not compiled in Swift 6 language mode")
        #endif
    }

    func testAPixPayloadParsesToARecord() throws {
        let scanned = try QRCode.parse(Self.pix)
        XCTAssertEqual(scanned.format, .emvMpm)
        XCTAssertEqual(scanned.scheme, "pix")
        XCTAssertEqual(scanned.payeeName, "Fulano de Tal")
        XCTAssertEqual(scanned.currency, "BRL")
    }

    func testAnAlteredPayloadIsATypedErrorWithItsOffset() {
        let altered = Self.pix.replacingOccurrences(of: "Fulano", with: "Fulana")
        XCTAssertThrowsError(try QRCode.parse(altered)) { error in
            guard let error = error as? WalletError else { return XCTFail("not a WalletError: \(error)") }
            XCTAssertEqual(error.code, "invalid_payload")
            XCTAssertFalse(error.retryable)
            XCTAssertFalse(error.userMessageEn.isEmpty)
            XCTAssertFalse(error.userMessageZhHans.isEmpty)
            guard case let .invalidPayload(kind, offset, _) = error.kind else {
                return XCTFail("wrong kind \(error.kind)")
            }
            XCTAssertEqual(kind, "crc_mismatch")
            XCTAssertGreaterThan(offset, 0)
        }
    }
}
