#!/usr/bin/env bash
# Issue 10, item 8: a benchmark the README names, run on a fresh clone
# without its C baseline or tools, ends with one line saying what to install
# (not a link error, not a SIGPIPE death). Checks:
#   1. kdf/benches/kdf-vs-libargon2-avx2.sh with none of python3/gcc/ar on
#      PATH: exit 1, stdout empty, exactly one stderr line naming the package.
#   2. the kdf bench built as without libargon2 (IMWALLET_KDF_NO_C_REFERENCE=1,
#      dev profile): it builds and links, and running it exits 2 with one
#      stderr line naming libargon2-dev and the AVX2 script.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail() { echo "test_bench_messages: FAIL: $*" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# 1. The AVX2 comparison script without its tools.
bash_bin="$(command -v bash)"
set +e
PATH="$tmp/empty" "$bash_bin" kdf/benches/kdf-vs-libargon2-avx2.sh >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "avx2 script: exit $rc, want 1 ($(cat "$tmp/err"))"
[ ! -s "$tmp/out" ] || fail "avx2 script wrote to stdout: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "avx2 script: not one stderr line: $(cat "$tmp/err")"
grep -q '^kdf-vs-libargon2-avx2: missing python3 (apt-get install ' "$tmp/err" \
  || fail "avx2 script: unexpected message: $(cat "$tmp/err")"
echo "ok: kdf-vs-libargon2-avx2.sh without tools: $(cat "$tmp/err")"

# 2. The kdf bench without libargon2: builds, links, one line.
exe="$(IMWALLET_KDF_NO_C_REFERENCE=1 cargo build --locked -q -p imwallet-kdf --bench kdf \
  --message-format=json-render-diagnostics \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "kdf" and m.get("executable"):
        print(m["executable"])')"
[ -n "$exe" ] && [ -x "$exe" ] || fail "kdf bench did not build without libargon2"
set +e
"$exe" --bench >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "kdf bench: exit $rc, want 2 ($(cat "$tmp/err"))"
[ ! -s "$tmp/out" ] || fail "kdf bench wrote to stdout: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "kdf bench: not one stderr line: $(cat "$tmp/err")"
grep -q 'install libargon2-dev (apt-get install libargon2-dev) or run kdf/benches/kdf-vs-libargon2-avx2.sh' "$tmp/err" \
  || fail "kdf bench: unexpected message: $(cat "$tmp/err")"
echo "ok: kdf bench without libargon2: $(cat "$tmp/err")"
