#!/usr/bin/env bash
# Proof of the FFI path from Python: build the imwallet-ffi cdylib, generate
# the Python bindings with the workspace's own uniffi-bindgen (so they match
# the pinned uniffi), run the stdlib-only parse_qr test, then a short real
# wallet journey against an `imwallet-sandbox` process on a free loopback
# port (typed errors, cancellation, throwing callbacks). Any missing part
# fails loudly. The host artefacts come from one workspace build
# (scripts/lib/host-artefacts.sh), shared with the other suites; tests < 10 s.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v python3 >/dev/null || { echo "20-python-ffi: python3 is required" >&2; exit 1; }

source scripts/lib/host-artefacts.sh
host_artefacts
lib="$HOST_FFI_LIB"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# Library mode reads the uniffi metadata from the (unstripped) debug build.
"$HOST_BINDGEN" generate --library "$lib" --config uniffi.toml --language python --out-dir "$out" --no-format
[ -f "$out/imwallet.py" ] || { echo "20-python-ffi: uniffi-bindgen produced no imwallet.py" >&2; exit 1; }
cp "$lib" "$out/"

for name in test_qr test_wallet; do
  [ -f "bindings/tests/python/$name.py" ] || { echo "20-python-ffi: $name.py is missing" >&2; exit 1; }
done
PYTHONPATH="$out" python3 bindings/tests/python/test_qr.py

# A real sandbox process on a free loopback port, with its own database.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# The operator endpoints (the outbox the test reads codes from) need the
# server's operator credential (sandbox/README.md).
operator_key="op_python_$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
"$HOST_SANDBOX_BIN" --listen "127.0.0.1:$port" --db "$out/sandbox.db" --operator-key "$operator_key" >"$out/sandbox.log" 2>&1 &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 1 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$out/sandbox.log" >&2; echo "20-python-ffi: the sandbox exited" >&2; exit 1; }
  sleep 0.1
done
IMWALLET_SANDBOX_URL="http://127.0.0.1:$port" IMWALLET_SANDBOX_OPERATOR_KEY="$operator_key" PYTHONPATH="$out" python3 bindings/tests/python/test_wallet.py
