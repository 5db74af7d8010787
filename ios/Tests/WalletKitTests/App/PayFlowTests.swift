import Foundation
import WalletApp
import WalletKit
import XCTest

/// Top-up, scan → confirm → paid, and the refusals as the screens show them,
/// driven through the view models against the real sandbox process.
final class PayFlowTests: XCTestCase {
    func testTopUpThenScanAMerchantCodeConfirmPayAndTransfer() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        let phone = world.freshPhone()
        try await world.signUp(client, phone: phone)
        let card = try await world.bindCard(client, phone: phone)

        let topUp = await TopUpViewModel(client: client, language: .en)
        await topUp.loadCards()
        let cards = await topUp.state.cards
        XCTAssertEqual(cards.map(\.cardId), [card])
        await topUp.topUp(cardId: card, amount: cny(100_00))
        guard case .done? = await topUp.state.result else { return XCTFail("top-up did not succeed") }

        let home = await HomeViewModel(client: client, language: .en)
        await home.refresh()
        let funded = await home.balance("CNY").minor
        XCTAssertEqual(funded, 100_00 - 10, "the 0.10 % top-up fee") // as the WalletKit journey

        let scan = await ScanViewModel(language: .en)
        let merchantCode = try await world.merchantCode()
        await scan.scanned(merchantCode)
        guard case let .recognized(payload, scanned) = await scan.state else {
            return XCTFail("the merchant code was not recognised")
        }
        XCTAssertEqual(scanned.currency, "CNY")
        XCTAssertEqual(scanned.payeeName, "Swift Cafe")

        let confirm = await PayConfirmViewModel(client: client, payload: payload, scanned: scanned, language: .en)
        let currency = await confirm.currency(fallback: "EUR")
        XCTAssertEqual(currency, "CNY")
        await confirm.quote(amount: cny(12_34))
        let quoted = await confirm.state
        XCTAssertEqual(quoted.quote?.amount, cny(12_34))
        XCTAssertNil(quoted.error)
        await confirm.confirm(amount: cny(12_34), memo: "coffee")
        let paid = await confirm.state
        guard case let .done(_, amount)? = paid.result else { return XCTFail("\(String(describing: paid.result))") }
        XCTAssertEqual(amount, cny(12_34))
        XCTAssertFalse(paid.busy)

        await home.refresh()
        let after = await home.balance("CNY").minor
        XCTAssertEqual(after, funded - 12_34)

        // Transfer to another user by phone.
        let bob = try world.client()
        let bobPhone = world.freshPhone()
        try await world.signUp(bob, phone: bobPhone)
        let transfer = await TransferViewModel(client: client, language: .en)
        await transfer.send(to: .phone(phone: bobPhone), amount: cny(5_00))
        guard case .done? = await transfer.state.result else { return XCTFail("the transfer did not succeed") }
        let bobHome = await HomeViewModel(client: bob, language: .en)
        await bobHome.refresh()
        let received = await bobHome.balance("CNY").minor
        XCTAssertEqual(received, 5_00)

        // The receive code this wallet shows is a code the scan screen accepts.
        let receive = await ReceiveCodeViewModel(client: client, language: .en)
        await receive.generate(currency: "CNY", amount: cny(1_00))
        guard case let .code(own) = await receive.state else { return XCTFail("no receive code") }
        await scan.scanned(own)
        guard case .recognized = await scan.state else { return XCTFail("the own receive code was refused") }
    }

    func testInsufficientFundsAndABadCodeShowTheTypedErrorsInTheChosenLanguage() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try await world.fundedClient(topUp: 10_00)
        let payload = try await world.merchantCode()
        let scanned = try QRCode.parse(payload)

        let chinese = await PayConfirmViewModel(client: client, payload: payload, scanned: scanned, language: .zhHans)
        await chinese.confirm(amount: cny(1_000_00))
        guard case let .failed(zh)? = await chinese.state.result else { return XCTFail("paid without funds") }
        assertShown(zh, code: "insufficient_funds", in: .zhHans)

        let english = await PayConfirmViewModel(client: client, payload: payload, scanned: scanned, language: .en)
        await english.confirm(amount: cny(1_000_00))
        guard case let .failed(en)? = await english.state.result else { return XCTFail("paid without funds") }
        assertShown(en, code: "insufficient_funds", in: .en)

        let home = await HomeViewModel(client: client, language: .en)
        await home.refresh()
        let balance = await home.balance("CNY").minor
        XCTAssertEqual(balance, 10_00 - 1, "a refused payment moved nothing")

        let scan = await ScanViewModel(language: .zhHans)
        await scan.scanned(payload + "0")
        guard case let .invalid(bad) = await scan.state else { return XCTFail("an altered code was accepted") }
        assertShown(bad, code: "invalid_payload", in: .zhHans)
    }
}
