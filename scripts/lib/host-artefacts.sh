# Sourced by the test suites: builds, in ONE cargo invocation, every host
# artefact the language suites use, and exports where they are.
#
# Why one build: each suite used to run its own `cargo build -p <crate>`,
# and cargo unifies features per invocation, so `-p imwallet-ffi`,
# `-p imwallet-sandbox` and `-p imwallet-ffi --bin uniffi-bindgen` each
# resolved a different feature set and rebuilt much of the dependency
# graph, overwriting the library the previous suite had built. Building
# `--workspace --lib --bins` once, in the feature set `cargo test
# --workspace` already compiled, reuses that build (a few crates relink).
# `test-panic` is on: it exports `trigger_test_panic`, which the Kotlin and
# Swift suites use to prove a Rust panic is an error, not a crash. It is a
# debug host build for tests, never a shipped one.
#
# `host_artefacts --tests` (what scripts/test-all.sh calls, after
# `cargo test --workspace`) also selects the test targets: cargo then
# resolves features with the dev-dependencies, exactly as the test build
# did, so only imwallet-ffi (the feature) and what links it recompile.
# Without it (a suite run on its own) the test targets are not built.
#
# After `host_artefacts`:
#   HOST_TARGET_DIR   the cargo target directory (honours CARGO_TARGET_DIR)
#   HOST_FFI_LIB      debug libimwallet_ffi (.so / .dylib), unstripped, so
#                     uniffi-bindgen's library mode can read its metadata
#   HOST_BINDGEN      the workspace's uniffi-bindgen (matches the pinned uniffi)
#   HOST_SANDBOX_BIN  the imwallet-sandbox server binary
#   HOST_CLI_BIN      the imwallet CLI binary
# A second call in the same shell is a no-op; a missing artefact fails loudly.

host_artefacts() {
  if [ -n "${HOST_ARTEFACTS_READY:-}" ]; then return 0; fi
  local repo
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  (cd "$repo" && cargo build --workspace --lib --bins "$@" --locked --features imwallet-ffi/test-panic) \
    || { echo "host-artefacts: the workspace build failed" >&2; return 1; }
  HOST_TARGET_DIR="$(cd "$repo" && cargo metadata --format-version 1 --no-deps --locked \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  case "$(uname -s)" in
    Darwin) HOST_FFI_LIB="$HOST_TARGET_DIR/debug/libimwallet_ffi.dylib" ;;
    *) HOST_FFI_LIB="$HOST_TARGET_DIR/debug/libimwallet_ffi.so" ;;
  esac
  HOST_BINDGEN="$HOST_TARGET_DIR/debug/uniffi-bindgen"
  HOST_SANDBOX_BIN="$HOST_TARGET_DIR/debug/imwallet-sandbox"
  HOST_CLI_BIN="$HOST_TARGET_DIR/debug/imwallet"
  local part
  for part in "$HOST_FFI_LIB" "$HOST_BINDGEN" "$HOST_SANDBOX_BIN" "$HOST_CLI_BIN"; do
    [ -f "$part" ] || { echo "host-artefacts: $part was not built" >&2; return 1; }
  done
  HOST_ARTEFACTS_READY=1
  export HOST_TARGET_DIR HOST_FFI_LIB HOST_BINDGEN HOST_SANDBOX_BIN HOST_CLI_BIN HOST_ARTEFACTS_READY
}
