import Foundation
import WalletApp
import WalletKit
import XCTest

/// The pay-order confirm screen (pay from another app) driven through its
/// view model against the real sandbox process: preview → confirm → paid,
/// then the same order is not payable, a second screen that confirmed late
/// shows the order's refusal in the chosen language, and an unknown token
/// is unavailable.
final class PayOrderFlowTests: XCTestCase {
    func testPreviewConfirmPaidThenTheOrderIsNotPayableAgain() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try await world.fundedClient(topUp: 100_00)
        let merchantId = try await world.merchant(name: "Swift Noodles")
        let token = try await world.orderToken(merchantId: merchantId, outTradeNo: "vm-1", minor: 12_34)
        let home = await HomeViewModel(client: client, language: .en)
        await home.refresh()
        let funded = await home.balance("CNY").minor

        // Two screens on the same order, both showing the preview.
        let screen = await PayOrderViewModel(client: client, token: token, language: .en)
        let late = await PayOrderViewModel(client: client, token: token, language: .zhHans)
        let seen = StateRecorder<PayOrderViewModel.State>()
        await MainActor.run { screen.onChange = { seen.states.append($0) } }
        await screen.load()
        await late.load()
        let screenState1 = await screen.state
        guard case let .confirm(preview) = screenState1 else { return XCTFail("\(screenState1)") }
        XCTAssertEqual(preview.merchantName, "Swift Noodles")
        XCTAssertEqual(preview.amount, cny(12_34))
        XCTAssertEqual(preview.description, "两杯咖啡 Two coffees")
        let lateState1 = await late.state
        guard case .confirm = lateState1 else { return XCTFail("\(lateState1)") }

        // Confirm: paying, then done with the order's amount; the money moved once.
        await screen.confirm()
        let screenState2 = await screen.state
        guard case let .finished(_, .done(_, amount)) = screenState2 else { return XCTFail("\(screenState2)") }
        XCTAssertEqual(amount, cny(12_34))
        let states = await seen.states
        XCTAssertEqual(states.count, 4, "loading, confirm, paying, finished: \(states)")
        if states.count == 4 {
            XCTAssertEqual(states[0], .loading)
            XCTAssertEqual(states[2], .paying(preview))
        }
        // A second tap on the finished screen does nothing.
        await screen.confirm()
        let afterTap = await seen.states.count
        XCTAssertEqual(afterTap, states.count)

        // The screen that confirmed late: refused with the order's code, in Chinese.
        await late.confirm()
        let lateState2 = await late.state
        guard case let .finished(_, .failed(refusal)) = lateState2 else { return XCTFail("\(lateState2)") }
        XCTAssertEqual(refusal.code, "order_already_paid")
        XCTAssertEqual(refusal.message, UIText.orderAlreadyPaid.text(.zhHans))
        XCTAssertFalse(refusal.retryable)

        // Opened again: not payable, nothing to confirm.
        let again = await PayOrderViewModel(client: client, token: token, language: .en)
        await again.load()
        let againState1 = await again.state
        guard case let .notPayable(paid, error) = againState1 else { return XCTFail("\(againState1)") }
        XCTAssertEqual(paid.status, "paid")
        XCTAssertEqual(error.code, "order_already_paid")
        XCTAssertEqual(error.message, UIText.orderAlreadyPaid.text(.en))
        await again.confirm()
        let againState2 = await again.state
        guard case .notPayable = againState2 else { return XCTFail("\(againState2)") }

        await home.refresh()
        let after = await home.balance("CNY").minor
        XCTAssertEqual(after, funded - 12_34, "paid exactly once")
    }

    func testAnUnknownOrderTokenIsUnavailableWithTheCoresMessage() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try await world.fundedClient(topUp: 1_00)
        let screen = await PayOrderViewModel(client: client, token: "otk_nope", language: .zhHans)
        await screen.load()
        let screenState3 = await screen.state
        guard case let .unavailable(error) = screenState3 else { return XCTFail("\(screenState3)") }
        XCTAssertEqual(error.code, "not_found")
        XCTAssertEqual(error.message, "未找到相关信息。")
        await screen.confirm()
        let screenState4 = await screen.state
        guard case .unavailable = screenState4 else { return XCTFail("\(screenState4)") }
    }
}

/// Every state a view model went through, in order (its `onChange`).
@MainActor
final class StateRecorder<State: Sendable> {
    var states: [State] = []
}
