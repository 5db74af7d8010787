// WalletKitBench: what a call into the Rust core costs from Swift.
//
// The same two cases as the native-Rust baseline (`ios/bench-native`), with
// the same warm-up and best-of-batches loop: a trivial call (`coreVersion`)
// and parsing the PIX example (`parseQr`, through the generated bindings and
// through WalletKit's `QRCode.parse`). Prints `swift <case> <ns per call>`;
// `scripts/swift/bench.sh` puts it next to the native figures of the same run.
import Foundation
import IMWalletCore
import WalletKit

let pix = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-426655440000"
    + "5204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D"

/// Keeps a result alive so the optimiser cannot drop the call.
@inline(never) func consume<T>(_ value: T) { withExtendedLifetime(value) {} }

/// Best-of-batches nanoseconds per call after one untimed warm-up batch.
func nsPerCall(iterations: Int, batches: Int, _ call: () throws -> Void) rethrows -> Double {
    for _ in 0 ..< iterations { try call() }
    var best = Double.infinity
    for _ in 0 ..< batches {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0 ..< iterations { try call() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start)
        best = min(best, elapsed / Double(iterations))
    }
    return best
}

let trivial = try nsPerCall(iterations: 200_000, batches: 15) { consume(try IMWalletCore.coreVersion()) }
let parse = try nsPerCall(iterations: 50_000, batches: 15) { consume(try parseQr(payload: pix)) }
let parseKit = try nsPerCall(iterations: 50_000, batches: 15) { consume(try QRCode.parse(pix)) }
print(String(format: "swift trivial %.1f", trivial))
print(String(format: "swift parse_pix %.1f", parse))
print(String(format: "swift parse_pix_walletkit %.1f", parseKit))
