#!/usr/bin/env bash
# Contract fuzzing: schemathesis (PyPI, pinned) generates requests from
# api/openapi.yaml against a live sandbox (the real binary on a loopback
# port, in-memory ledger) and runs every check (`--checks all`) with a
# bounded number of examples per operation. The venv is cached outside the
# repo; a failed install or a missing python3 fails the suite loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES="${IMWALLET_SCHEMATHESIS_EXAMPLES:-10}"
venv="${HOME}/.cache/imwallet/schemathesis-venv"

command -v python3 >/dev/null || { echo "25-schemathesis: python3 is required" >&2; exit 1; }
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "25-schemathesis: cannot create a venv at $venv (python3-venv missing?)" >&2; exit 1; }
  "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION" \
    || { echo "25-schemathesis: cannot install schemathesis==$SCHEMATHESIS_VERSION from PyPI" >&2; exit 1; }
fi

source scripts/lib/host-artefacts.sh
host_artefacts
bin="$HOST_SANDBOX_BIN"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
operator_key="op_schemathesis_$$"
log="$(mktemp)"
"$bin" --listen "127.0.0.1:$port" --db :memory: --operator-key "$operator_key" 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT
url="http://127.0.0.1:$port"

# An app, a registered and signed-in user: the credentials every request carries.
read -r api_key token < <(python3 scripts/test.d/schemathesis_setup.py "$url" "$operator_key") \
  || { echo "25-schemathesis: could not set up an app and a user on $url" >&2; cat "$log" >&2; exit 1; }

CI=true "$venv/bin/st" --config-file scripts/test.d/schemathesis.toml run api/openapi.yaml \
  --url "$url" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --seed 1 \
  --no-color \
  --exclude-path /v1/auth/logout \
  -H "X-Api-Key: $api_key" \
  -H "Authorization: Bearer $token" \
  -H "X-Sandbox-Operator-Key: $operator_key" </dev/null
