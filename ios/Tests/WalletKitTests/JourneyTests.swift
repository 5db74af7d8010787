import Foundation
@testable import WalletKit
import XCTest

/// The wallet journey against the real sandbox process, balances checked
/// after each money step.
final class JourneyTests: XCTestCase {
    func testRegisterLoginCardTopUpPayAndTransfer() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let alice = try world.client()
        let alicePhone = world.freshPhone()
        try await world.signUp(alice, phone: alicePhone)
        XCTAssertTrue(try alice.isLoggedIn())

        // lock / unlock
        try alice.lock()
        XCTAssertFalse(try alice.isUnlocked())
        try await alice.unlock(password: testPassword)
        XCTAssertTrue(try alice.isUnlocked())

        // card, quote, top-up
        let card = try await world.bindCard(alice, phone: alicePhone)
        let quote = try await alice.quote(.topUp, amount: cny(100_00))
        XCTAssertEqual(quote.amount, cny(100_00))
        guard case let .succeeded(topUp) = await alice.topUp(cardId: card, amount: cny(100_00)) else {
            return XCTFail("top-up did not succeed")
        }
        XCTAssertEqual(topUp.status, .completed)
        let afterTopUp = try await alice.balance("CNY")
        XCTAssertEqual(afterTopUp.minor, 100_00 - quote.fee.minor)

        // scan and pay a merchant
        let payload = try await world.merchantCode()
        XCTAssertEqual(try QRCode.parse(payload).currency, "CNY")
        guard case .succeeded = await alice.pay(PayRequest(payload: payload, amount: cny(12_34), couponId: nil,
                                                           points: nil, memo: "coffee"))
        else { return XCTFail("payment did not succeed") }
        let awaited1 = try await alice.balance("CNY").minor
        XCTAssertEqual(awaited1, afterTopUp.minor - 12_34)

        // transfer by phone
        let bob = try world.client()
        let bobPhone = world.freshPhone()
        try await world.signUp(bob, phone: bobPhone)
        guard case .succeeded = await alice.transfer(to: .phone(phone: bobPhone), amount: cny(5_00)) else {
            return XCTFail("transfer did not succeed")
        }
        let awaited2 = try await bob.balance("CNY").minor
        XCTAssertEqual(awaited2, 5_00)
        let awaited3 = try await alice.balance("CNY").minor
        XCTAssertEqual(awaited3, afterTopUp.minor - 12_34 - 5_00)

        // history sync with progress, then the cached page
        let sync = try alice.startHistorySync()
        var progress: [SyncProgress] = []
        for await step in sync.progress { progress.append(step) }
        let report = try await sync.report()
        XCTAssertGreaterThanOrEqual(report.fetched, 3)
        XCTAssertFalse(progress.isEmpty)
        let awaited4 = try await alice.history().items.count
        XCTAssertGreaterThanOrEqual(awaited4, 3)

        // freeze / unfreeze, logout
        let awaited5 = try await alice.freeze().status
        XCTAssertEqual(awaited5, .frozen)
        if case let .failed(error) = await alice.transfer(to: .phone(phone: bobPhone), amount: cny(1_00)) {
            _ = assertWalletError(error, code: "account_frozen")
        } else {
            XCTFail("a frozen account moved money")
        }
        let awaited6 = try await alice.unfreeze(password: testPassword).status
        XCTAssertEqual(awaited6, .active)
        try await alice.logout()
        XCTAssertFalse(try alice.isLoggedIn())
    }
}
