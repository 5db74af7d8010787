#!/usr/bin/env bash
# Writes the uniffi-generated Swift sources of the Swift package from a
# compiled imwallet-ffi library (library mode reads its uniffi metadata, so
# use the debug build or an unstripped release build):
#   Sources/IMWalletCoreFFI/{IMWalletCoreFFI.h,module.modulemap}   C module
#   Sources/IMWalletCore/IMWalletCore.swift                         Swift bindings
# Usage: scripts/swift/generate.sh <libimwallet_ffi.so|.dylib> <package dir>
# A file is replaced only when its content changed, so SwiftPM's incremental
# build stays warm. Generated files are never committed (ios/.gitignore).
# The bindgen is the workspace's uniffi-bindgen: IMWALLET_BINDGEN when the
# caller built it already (scripts/lib/host-artefacts.sh exports
# HOST_BINDGEN), else `cargo run` builds it (IMWALLET_FFI_FEATURES: the
# library's cargo features, so that build does not rebuild and overwrite the
# library with others).
set -euo pipefail
lib="$1"
pkg="$2"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
[ -f "$lib" ] || { echo "generate: library $lib not found" >&2; exit 1; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
if [ -n "${IMWALLET_BINDGEN:-}" ]; then
  [ -x "$IMWALLET_BINDGEN" ] || { echo "generate: IMWALLET_BINDGEN=$IMWALLET_BINDGEN is not executable" >&2; exit 1; }
  lib="$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")"
  (cd "$repo" && "$IMWALLET_BINDGEN" generate --library "$lib" --config uniffi.toml --language swift --out-dir "$out" --no-format)
else
  (cd "$repo" && cargo run -q -p imwallet-ffi --bin uniffi-bindgen --locked \
    ${IMWALLET_FFI_FEATURES:+--features "$IMWALLET_FFI_FEATURES"} -- \
    generate --library "$lib" --config uniffi.toml --language swift --out-dir "$out" --no-format)
fi
for f in IMWalletCore.swift IMWalletCoreFFI.h IMWalletCoreFFI.modulemap; do
  [ -f "$out/$f" ] || { echo "generate: uniffi-bindgen produced no $f" >&2; exit 1; }
done

replace_if_changed() { # <new> <dest>
  mkdir -p "$(dirname "$2")"
  cmp -s "$1" "$2" 2>/dev/null || cp "$1" "$2"
}
replace_if_changed "$out/IMWalletCoreFFI.h" "$pkg/Sources/IMWalletCoreFFI/IMWalletCoreFFI.h"
# SwiftPM's system-library target expects the module map under this name.
replace_if_changed "$out/IMWalletCoreFFI.modulemap" "$pkg/Sources/IMWalletCoreFFI/module.modulemap"
replace_if_changed "$out/IMWalletCore.swift" "$pkg/Sources/IMWalletCore/IMWalletCore.swift"
