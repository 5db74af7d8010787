#!/usr/bin/env bash
# First proof of the FFI path: build the imwallet-ffi cdylib, generate the
# Python bindings with the workspace's own uniffi-bindgen (so they match the
# pinned uniffi), and run the stdlib-only Python test that calls parse_qr on
# a valid and an invalid payload. Any missing part fails loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v python3 >/dev/null || { echo "20-python-ffi: python3 is required" >&2; exit 1; }

cargo build -p imwallet-ffi --lib --locked

target_dir="${CARGO_TARGET_DIR:-target}"
case "$(uname -s)" in
  Darwin) lib="$target_dir/debug/libimwallet_ffi.dylib" ;;
  *) lib="$target_dir/debug/libimwallet_ffi.so" ;;
esac
[ -f "$lib" ] || { echo "20-python-ffi: $lib was not built" >&2; exit 1; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Library mode reads the uniffi metadata from the (unstripped) debug build.
cargo run -q -p imwallet-ffi --bin uniffi-bindgen --locked -- \
  generate --library "$lib" --config uniffi.toml --language python --out-dir "$out" --no-format
[ -f "$out/imwallet.py" ] || { echo "20-python-ffi: uniffi-bindgen produced no imwallet.py" >&2; exit 1; }
cp "$lib" "$out/"

test_file=bindings/tests/python/test_qr.py
[ -f "$test_file" ] || { echo "20-python-ffi: $test_file is missing" >&2; exit 1; }
PYTHONPATH="$out" python3 "$test_file"
