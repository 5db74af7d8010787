// swift-tools-version:6.0
// The IM Wallet Swift package: the uniffi-generated bindings of the Rust core
// (`IMWalletCoreFFI` C module + `IMWalletCore` Swift) and the thin, idiomatic
// `WalletKit` layer apps use. Everything is compiled in Swift 6 language mode.
//
// The generated sources are not committed: `scripts/swift/generate.sh` writes
// them from the compiled library (uniffi-bindgen, library mode). The Rust
// library is found through `IMWALLET_FFI_LIB_DIR` (a directory holding
// `libimwallet_ffi.so` / `.dylib`); on Apple platforms an XCFramework built by
// `scripts/build-xcframework.sh` replaces it.
import Foundation
import PackageDescription

let libDir = ProcessInfo.processInfo.environment["IMWALLET_FFI_LIB_DIR"]
let linkFlags: [LinkerSetting] = libDir.map {
    [.unsafeFlags(["-L", $0, "-Xlinker", "-rpath", "-Xlinker", $0])]
} ?? []

let package = Package(
    name: "IMWallet",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "WalletKit", targets: ["WalletKit"]),
        .library(name: "WalletApp", targets: ["WalletApp"]),
    ],
    targets: [
        // The C header and module map uniffi generates (FFI declarations only).
        .systemLibrary(name: "IMWalletCoreFFI", path: "Sources/IMWalletCoreFFI"),
        // The generated Swift bindings, unchanged.
        .target(
            name: "IMWalletCore",
            dependencies: ["IMWalletCoreFFI"],
            path: "Sources/IMWalletCore",
            linkerSettings: [.linkedLibrary("imwallet_ffi")] + linkFlags
        ),
        // The idiomatic layer: configuration, async API, typed errors, outcomes.
        .target(
            name: "WalletKit",
            dependencies: ["IMWalletCore"],
            path: "Sources/WalletKit",
            resources: [.copy("PrivacyInfo.xcprivacy")]
        ),
        // The SwiftUI shell's view models (plain Swift, tested on Linux) and its
        // views (`#if canImport(SwiftUI)`, compiled on Apple platforms only).
        // An Xcode app target links it and adds App/Info.plist and
        // App/PrivacyInfo.xcprivacy (README.md, "Swift / iOS").
        .target(
            name: "WalletApp",
            dependencies: ["WalletKit"],
            path: "App/Sources/WalletApp"
        ),
        // The benchmark against the native-Rust baseline (scripts/swift/bench.sh).
        .executableTarget(
            name: "WalletKitBench",
            dependencies: ["WalletKit", "IMWalletCore"],
            path: "Sources/WalletKitBench",
            linkerSettings: linkFlags
        ),
        .testTarget(
            name: "WalletKitTests",
            dependencies: ["WalletKit", "WalletApp"],
            path: "Tests/WalletKitTests",
            linkerSettings: linkFlags
        ),
    ],
    swiftLanguageModes: [.v6]
)
