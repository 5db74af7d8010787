import Foundation
@testable import WalletKit
import XCTest

/// Typed errors with their codes and zh-Hans/en messages, from the real core
/// against the real sandbox; nothing is applied by a refused call.
final class ErrorTests: XCTestCase {
    func testWrongPasswordCarriesAttemptsLeftAndLockedOutFollows() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        try await world.signUp(client, phone: world.freshPhone())
        try client.lock()
        var sawLockout = false
        for _ in 0 ..< 12 {
            do {
                try await client.unlock(password: "not the password")
                return XCTFail("a wrong password unlocked the vault")
            } catch {
                if error.code == "locked_out" {
                    _ = assertWalletError(error, code: "locked_out")
                    XCTAssertTrue(error.retryable)
                    sawLockout = true
                    break
                }
                guard let checked = assertWalletError(error, code: "wrong_password"),
                      case .wrongPassword = checked.kind else { return XCTFail("\(error.kind)") }
            }
        }
        XCTAssertTrue(sawLockout, "no lock-out after repeated wrong passwords")
    }

    func testAWrongVerificationCodeIsTyped() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        let phone = world.freshPhone()
        _ = try await client.requestCode(.register, to: phone)
        do {
            _ = try await client.register(identifier: phone, password: testPassword, code: "000000", displayName: nil)
            XCTFail("a wrong code registered")
        } catch {
            let error = assertWalletError(error, code: "code_invalid")
            guard case .verificationFailed(.invalid, _)? = error?.kind else { return XCTFail("\(String(describing: error?.kind))") }
        }
    }

    func testInsufficientFundsAndAnInvalidQrAreFailedOutcomesAndMoveNothing() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try await world.fundedClient(topUp: 10_00)
        let before = try await client.balance("CNY")
        let payload = try await world.merchantCode()

        guard case let .failed(poor) = await client.pay(PayRequest(payload: payload, amount: cny(1_000_00),
                                                                  couponId: nil, points: nil, memo: nil))
        else { return XCTFail("paid without funds") }
        _ = assertWalletError(poor, code: "insufficient_funds")

        guard case let .failed(bad) = await client.pay(PayRequest(payload: payload + "0", amount: cny(1_00),
                                                                 couponId: nil, points: nil, memo: nil))
        else { return XCTFail("paid an altered code") }
        guard let invalid = assertWalletError(bad, code: "invalid_payload"),
              case .invalidPayload = invalid.kind else { return XCTFail("\(bad.kind)") }
        XCTAssertFalse(invalid.retryable)
        let awaited1 = try await client.balance("CNY")
        XCTAssertEqual(awaited1, before)
    }

    func testNetworkDownIsARetryableNetworkError() async throws {
        let world = try await TestWorld.start()
        let port = try freeLoopbackPort()
        world.sandbox.stop()
        let client = try world.client(baseURL: "http://127.0.0.1:\(port)", locale: .zhCn)
        do {
            _ = try await client.requestCode(.register, to: "+8613800009999")
            XCTFail("a request reached a stopped server")
        } catch {
            let error = assertWalletError(error, code: "network")
            XCTAssertEqual(error?.retryable, true)
            XCTAssertEqual(error?.userMessage, error?.userMessageZhHans, "the configured locale picks the message")
        }
    }

    func testTheApiKeyMustMatchTheEnvironment() {
        XCTAssertThrowsError(try WalletConfig.live(apiKey: "sk_sandbox_x", pins: [])) { error in
            XCTAssertEqual((error as? WalletError)?.code, "configuration")
        }
    }
}
