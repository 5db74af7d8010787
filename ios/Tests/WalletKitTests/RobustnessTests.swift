import Foundation
import IMWalletCore
@testable import WalletKit
import XCTest

/// Concurrency, cancellation, panics and throwing callbacks: errors, never crashes.
final class RobustnessTests: XCTestCase {
    func testARustPanicIsAnErrorAndTheLibraryKeepsWorking() throws {
        XCTAssertThrowsError(try triggerTestPanic(message: "from swift")) { error in
            XCTAssertEqual(WalletError(error).code, "internal")
        }
        XCTAssertFalse(try WalletKitInfo.coreVersion().isEmpty)
    }

    func testAThrowingProgressCallbackIsACallbackFailedError() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try await world.fundedClient(topUp: 10_00)
        struct Refused: Error {}
        do {
            _ = try await client.syncHistory(onProgress: { _ in throw Refused() })
            XCTFail("the sync ignored a throwing callback")
        } catch {
            let error = assertWalletError(error, code: "callback_failed")
            guard case .callbackFailed? = error?.kind else { return XCTFail("\(String(describing: error?.kind))") }
        }
        let balance = try await client.balance("CNY").minor
        XCTAssertEqual(balance, 10_00 - 1, "the refused callback lost nothing") // fee 0.10 %
    }

    func testCancellingAHistorySyncStopsIt() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        try await world.signUp(client, phone: world.freshPhone())
        let sync = try client.startHistorySync()
        sync.cancel()
        do {
            let report = try await sync.report()
            // A one-page sync may end before the cancel arrives (the cancel is
            // checked between pages); then it must have stopped after that page.
            XCTAssertLessThanOrEqual(report.pages, 1, "a cancelled sync went on fetching")
        } catch {
            XCTAssertEqual(error.kind, .cancelled)
        }
        // The wallet is still usable after the cancelled sync.
        _ = try await client.balances()
    }

    func testCancellingTheTaskDuringASyncStopsItAtAPageBoundary() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let first = try world.client()
        let phone = world.freshPhone()
        try await world.signUp(first, phone: phone)
        let card = try await world.bindCard(first, phone: phone)
        for _ in 0 ..< 4 {
            guard case .succeeded = await first.topUp(cardId: card, amount: cny(10_00)) else {
                return XCTFail("top-up did not succeed")
            }
        }
        // A second device (empty cache) syncing one transaction per page; the
        // task is cancelled from the first page's progress callback, so the
        // cancel is in place before the core asks for the second page.
        let device = try world.client(syncPageSize: 1)
        _ = try await device.login(identifier: phone, password: testPassword)
        _ = try await device.verifyLogin(code: world.code(for: phone))
        let canceller = TaskCanceller()
        let task = Task { try await device.syncHistory(onProgress: { _ in canceller.cancel() }) }
        canceller.set(task)
        do {
            _ = try await task.value
            XCTFail("a cancelled sync finished")
        } catch {
            XCTAssertEqual(WalletError(error).kind, .cancelled)
        }
        let cached = try await device.history(limit: 100).items.count
        XCTAssertEqual(cached, 1, "exactly the first page stayed")
    }

    func testAHundredConcurrentTasksFinishAndTheLedgerMatches() async throws {
        let world = try await TestWorld.start()
        defer { world.sandbox.stop() }
        let client = try world.client()
        let phone = world.freshPhone()
        try await world.signUp(client, phone: phone)
        let card = try await world.bindCard(client, phone: phone)
        let topUps = 10
        let succeeded = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0 ..< 100 {
                group.addTask {
                    if i % 10 == 0 {
                        if case .succeeded = await client.topUp(cardId: card, amount: cny(10_00)) { return 1 }
                        return 0
                    }
                    _ = try await client.balances()
                    return 0
                }
            }
            return try await group.reduce(0, +)
        }
        XCTAssertEqual(succeeded, topUps)
        // Each 10.00 top-up credits 10.00 minus the 0.10 % fee (1 fen).
        let awaited1 = try await client.balance("CNY").minor
        XCTAssertEqual(awaited1, Int64(topUps) * (10_00 - 1))
        let report = try await client.syncHistory(onProgress: nil)
        XCTAssertEqual(report.fetched, UInt64(topUps))
    }
}

/// Cancels a task from a callback, also when the callback runs before the
/// task is known (the cancel is then applied by `set`).
final class TaskCanceller: @unchecked Sendable {
    // @unchecked: both fields change only under `lock`.
    private let lock = NSLock()
    private var task: Task<SyncReport, any Error>?
    private var requested = false

    func set(_ task: Task<SyncReport, any Error>) {
        lock.lock()
        self.task = task
        let cancelNow = requested
        lock.unlock()
        if cancelNow { task.cancel() }
    }

    func cancel() {
        lock.lock()
        requested = true
        let task = task
        lock.unlock()
        task?.cancel()
    }
}
