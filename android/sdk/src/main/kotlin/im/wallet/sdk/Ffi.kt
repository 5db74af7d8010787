package im.wallet.sdk

import im.wallet.core.WalletFfiException

/** Runs one FFI call and turns its generated exception into a [WalletException]. */
internal inline fun <T> ffi(call: () -> T): T = try {
    call()
} catch (e: WalletFfiException) {
    throw WalletException.from(e)
}
