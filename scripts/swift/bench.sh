#!/usr/bin/env bash
# Benchmark, in one run: a trivial call and parsing the PIX example from
# Swift (ios/Sources/WalletKitBench, `swift build -c release`) against the
# same imwallet-ffi functions called natively in Rust (ios/bench-native).
# Both sides use one build of the Rust code: cargo's `bench` profile
# (opt-level 3, thin LTO, symbols kept so uniffi-bindgen can read them).
# Prints each figure in ns per call and the Swift/native ratio.
# Runs the Swift side in the chroot of scripts/swift/chroot.sh (root, Linux).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
source scripts/swift/chroot.sh
work="${IMWALLET_SWIFT_WORK:-/var/cache/imwallet/swift-work}"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"

cargo build --profile bench -p imwallet-ffi --lib --locked
cargo build --profile bench -p imwallet-swift-bench --bin ffi-native-bench --locked
lib="$target_dir/release/libimwallet_ffi.so"
[ -f "$lib" ] || swift_die "$lib was not built"
swift_chroot_ensure

mkdir -p "$work/bench" "$work/gen" "$work/bench-lib"
scripts/swift/generate.sh "$lib" "$work/gen"
rm -rf "$work/bench/Sources" "$work/bench/Tests" "$work/bench/Package.swift"
cp -a ios/Package.swift ios/Sources ios/Tests "$work/bench/"
cp -a "$work/gen/Sources/." "$work/bench/Sources/"
cp "$lib" "$work/bench-lib/libimwallet_ffi.so"

trap swift_chroot_umount EXIT
swift_chroot_mount "$work"
swift_chroot_run 'cd /build/bench && IMWALLET_FFI_LIB_DIR=/build/bench-lib \
  swift build -c release --product WalletKitBench 2>&1 | tail -1'

results="$(mktemp)"
"$target_dir/release/ffi-native-bench" | tee "$results"
swift_chroot_run '/build/bench/.build/release/WalletKitBench' | tee -a "$results"
swift_chroot_umount

awk '
  { ns[$1 " " $2] = $3 }
  END {
    printf "\n| case | native Rust ns/call | Swift ns/call | Swift / native |\n|---|---|---|---|\n"
    n = split("trivial parse_pix parse_pix_walletkit", cases, " ")
    for (i = 1; i <= n; i++) {
      base = (cases[i] == "parse_pix_walletkit") ? "parse_pix" : cases[i]
      printf "| %s | %.1f | %.1f | %.2fx |\n", cases[i], ns["native " base], ns["swift " cases[i]], ns["swift " cases[i]] / ns["native " base]
    }
  }' "$results"
rm -f "$results"
