import Foundation
import WalletApp
import WalletKit
import XCTest

/// The history screen's model against the real sandbox process: it loads,
/// and a sync cancelled from the screen leaves whole pages in the list.
final class HistoryFlowTests: XCTestCase {
    func testHistoryLoadsAndACancelledSyncLeavesWholePages() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let first = try world.client()
        let phone = world.freshPhone()
        try await world.signUp(first, phone: phone)
        let card = try await world.bindCard(first, phone: phone)
        let topUps = 5
        for _ in 0 ..< topUps {
            guard case .succeeded = await first.topUp(cardId: card, amount: cny(10_00)) else {
                return XCTFail("top-up did not succeed")
            }
        }
        // A second device of the same account starts with an empty cache
        // (the first one cached its own movements) and syncs one per page.
        let client = try world.client(syncPageSize: 1)
        _ = try await client.login(identifier: phone, password: testPassword)
        _ = try await client.verifyLogin(code: world.code(for: phone))

        let history = await HistoryViewModel(client: client, language: .zhHans, pageSize: 2)
        await history.load()
        let empty = await history.state
        XCTAssertTrue(empty.items.isEmpty, "nothing cached before a sync")
        XCTAssertNil(empty.error)

        // Stop the sync as soon as the first page (one transaction) is stored.
        let seen = FetchedCounter()
        await MainActor.run {
            history.onChange = { state in
                if case let .running(fetched) = state.sync, fetched > 0 {
                    seen.record(fetched)
                    history.cancelSync()
                }
            }
        }
        await history.refresh()
        let cancelled = await history.state
        XCTAssertEqual(cancelled.sync, .cancelled)
        let stored = try await client.history(limit: 100).items.count
        XCTAssertEqual(UInt64(stored), seen.last, "the cache holds exactly the pages the sync reported")
        XCTAssertLessThan(stored, topUps, "the cancel stopped the sync early")
        XCTAssertEqual(cancelled.items.count, min(stored, 2), "the screen shows the first page of what was stored")

        // A full sync afterwards brings the rest; the list pages through it.
        await MainActor.run { history.onChange = nil }
        await history.refresh()
        let synced = await history.state
        guard case .done = synced.sync else { return XCTFail("\(synced.sync)") }
        var items = synced.items
        while await history.state.nextOffset != nil {
            await history.loadMore()
            items = await history.state.items
        }
        XCTAssertEqual(items.count, topUps)
        XCTAssertEqual(Set(items.map(\.transactionId)).count, topUps)
    }
}

/// The largest progress count the test saw (written on the main actor).
final class FetchedCounter: @unchecked Sendable {
    // @unchecked: written and read on the main actor only.
    private(set) var last: UInt64 = 0
    func record(_ value: UInt64) { last = max(last, value) }
}
