import Foundation
@testable import WalletKit
import XCTest

/// Pay from another app (issues 13/14) against the real sandbox process: a
/// merchant order is made over the sandbox HTTP API with the app key, the
/// wallet previews it by its `order_token` (merchant name and amount before
/// confirmation), pays it once, and paying it again is `.failed` with the
/// order's own conflict code; the money moved once. A second order whose
/// answer is cut after the commit is `.pending` and, after the reconcile,
/// paid exactly once.
final class PayOrderTests: XCTestCase {
    func testAnOrderIsPreviewedPaidOnceAndRefusedAgainWithItsCode() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let proxy = try CutProxy(upstream: world.sandbox.port)
        defer { proxy.stop() }
        let alice = try await world.fundedClient(topUp: 100_00, baseURL: proxy.baseURL)
        let merchantId = try await world.merchant(name: "Swift Noodles")
        let token = try await world.orderToken(merchantId: merchantId, outTradeNo: "swift-1", minor: 12_34)

        // The preview says who is paid and how much; nothing moves.
        let before = try await alice.balance("CNY").minor
        let preview = try await alice.previewOrder(token: token)
        XCTAssertEqual(preview.merchantName, "Swift Noodles")
        XCTAssertEqual(preview.merchantId, merchantId)
        XCTAssertEqual(preview.amount, cny(12_34))
        XCTAssertEqual(preview.description, "两杯咖啡 Two coffees")
        XCTAssertEqual(preview.status, "created")
        XCTAssertGreaterThan(preview.expiresAt, 0)
        let afterPreview = try await alice.balance("CNY").minor
        XCTAssertEqual(afterPreview, before)

        // An unknown token is not found, in both languages.
        do {
            _ = try await alice.previewOrder(token: "otk_nope")
            XCTFail("an unknown order token was previewed")
        } catch {
            if let error = assertWalletError(error, code: "not_found") {
                guard case let .notFound(what) = error.kind else { return XCTFail("\(error.kind)") }
                XCTAssertEqual(what, "order")
            }
        }

        // Paid once.
        guard case let .succeeded(paid) = await alice.payOrder(token: token) else {
            return XCTFail("the order was not paid")
        }
        XCTAssertEqual(paid.amount, cny(12_34))
        let afterPay = try await alice.balance("CNY").minor
        XCTAssertEqual(afterPay, before - 12_34)
        let paidStatus = try await alice.previewOrder(token: token).status
        XCTAssertEqual(paidStatus, "paid")

        // Paying again is refused definitively with the order's code; no money moves.
        guard case let .failed(error) = await alice.payOrder(token: token) else {
            return XCTFail("a paid order was paid again (or its outcome was not a failure)")
        }
        _ = assertWalletError(error, code: "conflict")
        guard case let .conflict(code) = error.kind else { return XCTFail("\(error.kind)") }
        XCTAssertEqual(code, "order_already_paid")
        XCTAssertFalse(error.retryable)
        let afterSecond = try await alice.balance("CNY").minor
        XCTAssertEqual(afterSecond, before - 12_34)
        let settled = try await alice.reconcilePending()
        XCTAssertEqual(settled.unresolved, 0)

        // The answer is lost after the server committed: `.pending`, like `pay`;
        // the reconcile settles it to the one payment the server made.
        let token2 = try await world.orderToken(merchantId: merchantId, outTradeNo: "swift-2", minor: 5_67)
        proxy.cutAfterResponse("POST /v1/payments")
        guard case .pending = await alice.payOrder(token: token2) else {
            return XCTFail("a lost answer was not pending")
        }
        XCTAssertGreaterThan(proxy.cutCount, 0)
        proxy.heal()
        let report = try await alice.reconcilePending()
        XCTAssertEqual(report.completed, 1)
        XCTAssertEqual(report.unresolved, 0)
        let secondStatus = try await alice.previewOrder(token: token2).status
        XCTAssertEqual(secondStatus, "paid")
        guard case let .failed(again) = await alice.payOrder(token: token2),
              case let .conflict(againCode) = again.kind
        else { return XCTFail("the reconciled order was paid again") }
        XCTAssertEqual(againCode, "order_already_paid")
        let afterBoth = try await alice.balance("CNY").minor
        XCTAssertEqual(afterBoth, before - 12_34 - 5_67, "one payment per order")
    }
}
