package im.wallet.sdk

import im.wallet.core.SyncReport

/** What a history sync reports while it runs ([ImWallet.syncHistory]). */
sealed class SyncProgress {
    /** A page was stored; [fetched] transactions so far in this sync. */
    data class Page(val fetched: Long) : SyncProgress()

    /** The sync finished; [report] sums it up. The last item of the flow. */
    data class Done(val report: SyncReport) : SyncProgress()
}
