// History and security events as Swift concurrency: a history sync reports
// progress through an `AsyncStream` and stops at the next page boundary when
// cancelled (what was stored stays); security events arrive as a stream.
import IMWalletCore

/// How far a history sync has come.
public enum SyncProgress: Sendable, Equatable {
    /// `fetched` transactions stored so far (after each page).
    case fetched(UInt64)
}

/// A running history sync: watch `progress`, await `report()`, or `cancel()`.
public final class HistorySync: Sendable {
    /// Progress after each stored page; finishes when the sync ends.
    public let progress: AsyncStream<SyncProgress>
    private let handle: CancelHandle
    private let task: Task<SyncReport, any Error>

    init(core: IMWalletCore.Wallet) throws(WalletError) {
        let (stream, continuation) = AsyncStream<SyncProgress>.makeStream(bufferingPolicy: .unbounded)
        let handle: CancelHandle
        do { handle = try CancelHandle() } catch { throw WalletError(error) }
        let listener = ProgressForwarder(continuation)
        progress = stream
        self.handle = handle
        task = Task {
            defer { continuation.finish() }
            return try await withTaskCancellationHandler {
                try await core.syncHistory(listener: listener, cancel: handle)
            } onCancel: {
                try? handle.cancel()
            }
        }
    }

    /// Stops the sync at the next page boundary; `report()` then throws `.cancelled`.
    public func cancel() {
        try? handle.cancel()
    }

    /// Waits for the end: what was fetched and cached, or why it stopped.
    public func report() async throws(WalletError) -> SyncReport {
        do { return try await task.value } catch { throw WalletError(error) }
    }
}

/// The core's progress callback, forwarding into the stream.
private final class ProgressForwarder: SyncProgressListener, Sendable {
    private let continuation: AsyncStream<SyncProgress>.Continuation
    init(_ continuation: AsyncStream<SyncProgress>.Continuation) { self.continuation = continuation }
    func onProgress(fetched: UInt64) throws(CallbackError) {
        continuation.yield(.fetched(fetched))
    }
}

extension WalletClient {
    /// Starts an incremental history sync (new and changed transactions).
    public func startHistorySync() throws(WalletError) -> HistorySync { try HistorySync(core: core) }

    /// Syncs and waits, calling `onProgress` after each page; cancelling the
    /// calling task stops the sync at the next page boundary.
    public func syncHistory(onProgress: (@Sendable (UInt64) throws -> Void)? = nil) async throws(WalletError) -> SyncReport {
        let listener = onProgress.map { ClosureListener($0) }
        let handle: CancelHandle
        do { handle = try CancelHandle() } catch { throw WalletError(error) }
        return try await call {
            try await withTaskCancellationHandler {
                try await core.syncHistory(listener: listener, cancel: handle)
            } onCancel: {
                try? handle.cancel()
            }
        }
    }

    /// A page of the cached history, newest first.
    public func history(limit: UInt32 = 50, offset: UInt32 = 0) async throws(WalletError) -> HistoryPage {
        try await call { try await core.history(limit: limit, offset: offset) }
    }

    /// Spending per month and category, from the cached history.
    public func spendingSummary() async throws(WalletError) -> [SpendingLine] {
        try await call { try await core.spendingSummary() }
    }

    /// Security events as they appear: the current ones first, then any new
    /// one found by polling every `interval`, until the consuming task stops.
    public func securityEventStream(every interval: Duration = .seconds(30)) -> AsyncThrowingStream<SecurityEvent, any Error> {
        let core = core
        return AsyncThrowingStream { continuation in
            let task = Task {
                var seen = Set<String>()
                do {
                    while !Task.isCancelled {
                        for event in try await core.securityEvents().reversed()
                            where seen.insert("\(event.at)/\(event.kind)").inserted
                        {
                            continuation.yield(event)
                        }
                        try await Task.sleep(for: interval)
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: WalletError(error))
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

/// A closure as the core's progress callback; a throwing closure stops the
/// sync, which then fails with `.callbackFailed`.
private final class ClosureListener: SyncProgressListener, Sendable {
    private let body: @Sendable (UInt64) throws -> Void
    init(_ body: @escaping @Sendable (UInt64) throws -> Void) { self.body = body }
    func onProgress(fetched: UInt64) throws(CallbackError) {
        do { try body(fetched) } catch let error as CallbackError { throw error } catch {
            throw CallbackError.Failed(detail: String(describing: type(of: error)))
        }
    }
}
