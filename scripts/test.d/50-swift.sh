#!/usr/bin/env bash
# The Swift package (ios/) built and tested by a real Swift 6 toolchain on
# Linux, against the library and the sandbox binary built on this host.
#
# Debian trixie's `swiftlang` runs in a minbase chroot cached outside the
# repository (scripts/swift/chroot.sh; IMWALLET_SWIFT_CHROOT). The package is
# staged, with its generated sources, the library and the sandbox binary, in
# IMWALLET_SWIFT_WORK (default /var/cache/imwallet/swift-work, kept so
# SwiftPM's .build stays warm), bind-mounted at /build inside the chroot.
# Everything mounted is unmounted on exit, also on failure. A missing part
# fails loudly; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
source scripts/swift/chroot.sh

work="${IMWALLET_SWIFT_WORK:-/var/cache/imwallet/swift-work}"
case "$(uname -s)" in
  Linux) ;;
  *) swift_die "this suite runs Swift in a Debian chroot and needs Linux (on macOS use ios/ with Xcode)" ;;
esac

echo "swift: building the host library and sandbox"
# One workspace build shared by every suite; its library exports
# trigger_test_panic, so a test can prove a Rust panic is an error, not a crash.
source scripts/lib/host-artefacts.sh
host_artefacts || swift_die "the host artefacts were not built"
lib="$HOST_FFI_LIB"
sandbox_bin="$HOST_SANDBOX_BIN"

swift_chroot_ensure

echo "swift: staging the package in $work"
mkdir -p "$work/pkg" "$work/gen" "$work/lib" "$work/bin"
IMWALLET_BINDGEN="$HOST_BINDGEN" scripts/swift/generate.sh "$lib" "$work/gen"
# Replace the package's sources (a deleted file must not linger) but keep .build.
rm -rf "$work/pkg/Sources" "$work/pkg/Tests" "$work/pkg/App" "$work/pkg/Package.swift"
cp -a ios/Package.swift ios/Sources ios/Tests ios/App "$work/pkg/"
cp -a "$work/gen/Sources/." "$work/pkg/Sources/"
cmp -s "$lib" "$work/lib/libimwallet_ffi.so" || cp "$lib" "$work/lib/libimwallet_ffi.so"
cmp -s "$sandbox_bin" "$work/bin/imwallet-sandbox" || cp "$sandbox_bin" "$work/bin/imwallet-sandbox"

trap swift_chroot_umount EXIT
swift_chroot_mount "$work"

swift_chroot_run '
  set -euo pipefail
  cd /build/pkg
  export IMWALLET_FFI_LIB_DIR=/build/lib IMWALLET_SANDBOX_BIN=/build/bin/imwallet-sandbox
  swift --version 2>&1 | head -1
  printf "swift: package language mode: "
  swift package dump-package | tr -d " \n" | grep -o "\"swiftLanguageVersions\":\[\"6\"\]" ||
    { echo "swift: the manifest does not declare Swift 6 language mode" >&2; exit 1; }
  echo
  swift build --build-tests 2>&1 | tee /build/build.log
  if grep -q "error:" /build/build.log; then echo "swift: the build reported errors" >&2; exit 1; fi
  echo "swift: build finished in language mode 6 with $(grep -c "warning:" /build/build.log || true) warning(s), 0 errors"
  swift test --skip-build 2>&1 | tee /build/test.log
'
# XCTest prints an "Executed N tests, with M failures" line per test class
# and the run's total last: only the last one says the whole run passed.
grep -E "Executed [0-9]+ tests?, with [0-9]+ failures?" "$work/test.log" | tail -1 |
  grep -Eq "Executed [1-9][0-9]* tests?, with 0 failures" ||
  swift_die "the XCTest summary (its last line) does not show tests run with 0 failures"
echo "swift: all Swift tests passed"
