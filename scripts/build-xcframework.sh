#!/usr/bin/env bash
# Builds ios/build/IMWalletCoreFFI.xcframework(.zip) for a SwiftPM
# `binaryTarget`: the Rust core as static libraries for iOS devices (arm64)
# and the simulator (arm64 + x86_64, one fat library), with the uniffi C
# header and module map, plus the generated Swift for ios/Sources/IMWalletCore.
#
# RUNS ONLY ON macOS WITH XCODE (xcodebuild, lipo, the iOS SDKs); it was
# written on Linux, where no Apple SDK exists, and has not been run there.
# Debug symbols: a static library has no dSYM of its own; the archives keep
# their DWARF (profile `release-bindgen`: symbols kept) and the app's build
# produces the dSYM that covers the core when it links it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -s)" = Darwin ] || { echo "build-xcframework: macOS with Xcode is required" >&2; exit 1; }
command -v xcodebuild >/dev/null || { echo "build-xcframework: xcodebuild not found (install Xcode)" >&2; exit 1; }

profile=release-bindgen
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
export IPHONEOS_DEPLOYMENT_TARGET=15.0
for t in "${targets[@]}"; do
  cargo build -p imwallet-ffi --lib --locked --profile "$profile" --target "$t"
done
target_dir="${CARGO_TARGET_DIR:-target}"
out=ios/build
rm -rf "$out" && mkdir -p "$out/headers" "$out/sim"

# Headers and Swift from the host build of the same sources (library mode).
cargo build -p imwallet-ffi --lib --locked --profile "$profile"
scripts/swift/generate.sh "$target_dir/$profile/libimwallet_ffi.dylib" "$out/gen"
cp "$out/gen/Sources/IMWalletCoreFFI/IMWalletCoreFFI.h" "$out/headers/"
cp "$out/gen/Sources/IMWalletCoreFFI/module.modulemap" "$out/headers/module.modulemap"
mkdir -p ios/Sources/IMWalletCore
cp "$out/gen/Sources/IMWalletCore/IMWalletCore.swift" ios/Sources/IMWalletCore/

lipo -create \
  "$target_dir/aarch64-apple-ios-sim/$profile/libimwallet_ffi.a" \
  "$target_dir/x86_64-apple-ios/$profile/libimwallet_ffi.a" \
  -output "$out/sim/libimwallet_ffi.a"
xcodebuild -create-xcframework \
  -library "$target_dir/aarch64-apple-ios/$profile/libimwallet_ffi.a" -headers "$out/headers" \
  -library "$out/sim/libimwallet_ffi.a" -headers "$out/headers" \
  -output "$out/IMWalletCoreFFI.xcframework"
(cd "$out" && zip -qry IMWalletCoreFFI.xcframework.zip IMWalletCoreFFI.xcframework)
checksum="$(swift package compute-checksum "$out/IMWalletCoreFFI.xcframework.zip")"
cat <<MSG
Built $out/IMWalletCoreFFI.xcframework.zip
In Package.swift, replace the systemLibrary target with:
  .binaryTarget(name: "IMWalletCoreFFI", url: "<where you publish the zip>", checksum: "$checksum")
MSG
