// The history screen: the cached transactions, newest first, and a sync that
// fetches new pages from the server. A cancelled sync stops at a page
// boundary (the core's rule), so the list always shows whole pages.
import WalletKit

/// History.
@MainActor
public final class HistoryViewModel: ScreenModel<HistoryViewModel.State> {
    /// How the last sync went.
    public enum Sync: Sendable, Equatable {
        /// None yet.
        case idle
        /// Running: `fetched` transactions stored so far.
        case running(fetched: UInt64)
        /// Done: `fetched` new or changed transactions.
        case done(fetched: UInt64)
        /// Stopped by the person; what was stored stays.
        case cancelled
        /// Failed; the list shows what was cached before.
        case failed(ScreenError)
    }

    /// What the screen shows.
    public struct State: Sendable, Equatable {
        /// The cached transactions, newest first.
        public var items: [TransactionView] = []
        /// Where the next page starts, when there is one.
        public var nextOffset: UInt32?
        /// The sync's state.
        public var sync: Sync = .idle
        /// A failure reading the cache, in the chosen language.
        public var error: ScreenError?
    }

    private let client: WalletClient
    private let pageSize: UInt32
    private var running: HistorySync?

    /// A history screen for `client`, `pageSize` rows per page.
    public init(client: WalletClient, language: AppLanguage, pageSize: UInt32 = 50) {
        self.client = client
        self.pageSize = pageSize
        super.init(state: State(), language: language)
    }

    /// Shows the first page of the cache.
    public func load() async {
        do {
            let page = try await client.history(limit: pageSize, offset: 0)
            state.items = page.items
            state.nextOffset = page.nextOffset
            state.error = nil
        } catch {
            state.error = screenError(error)
        }
    }

    /// Appends the next page of the cache.
    public func loadMore() async {
        guard let offset = state.nextOffset else { return }
        do {
            let page = try await client.history(limit: pageSize, offset: offset)
            state.items += page.items
            state.nextOffset = page.nextOffset
        } catch {
            state.error = screenError(error)
        }
    }

    /// Syncs with the server (progress in `state.sync`), then reloads the list.
    public func refresh() async {
        guard running == nil else { return }
        let sync: HistorySync
        do {
            sync = try client.startHistorySync()
        } catch {
            state.sync = .failed(screenError(error))
            return
        }
        running = sync
        state.sync = .running(fetched: 0)
        for await case let .fetched(count) in sync.progress {
            state.sync = .running(fetched: count)
        }
        do {
            let report = try await sync.report()
            state.sync = .done(fetched: report.fetched)
        } catch {
            state.sync = error.kind == .cancelled ? .cancelled : .failed(screenError(error))
        }
        running = nil
        await load()
    }

    /// Stops a running sync at its next page boundary.
    public func cancelSync() {
        running?.cancel()
    }
}
