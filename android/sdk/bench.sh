#!/usr/bin/env bash
# Benchmark of the Kotlin SDK's per-call cost (a benchmark, not a test), in
# the profile that ships (`release`: fat LTO, opt-level "z" but for the
# tuned crates, stripped), not the bench profile:
#  1. the native Rust baseline, bindings/benches/ffi_calls.rs, built --release;
#  2. the same release library loaded by the JVM through the generated
#     Kotlin, and a JNA direct-mapped empty C function (gcc);
#  3. balances() against a real sandbox process from Kotlin, then natively
#     (FfiBench runs ffi_calls' native_balances on the same account).
# One run, one table with ratios. Run: bash android/sdk/bench.sh
set -euo pipefail
sdk="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$sdk/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
for tool in java mvn gcc; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is required" >&2; exit 1; }
done

bash "$sdk/generate.sh"   # the generated Kotlin (from the debug library; same source)
cd "$root"
# Same features as generate.sh, so the generated Kotlin finds every symbol
# it registers (test-panic adds one exported function, nothing else).
cargo build -p imwallet-ffi --lib --release --features test-panic --locked
native_out="$sdk/target/bench/native.txt"
libdir="$sdk/target/bench/lib"
mkdir -p "$libdir"
native_bench="$(cargo test --release -p imwallet-ffi --features test-panic --bench ffi_calls --locked --no-run --message-format=json \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "ffi_calls" and m.get("executable"):
        print(m["executable"])')"
[ -x "$native_bench" ] || { echo "bench.sh: the native baseline was not built" >&2; exit 1; }
"$native_bench" --ignored --nocapture --test-threads 1 --exact native_call_costs \
  | tee /dev/stderr | grep -oE 'native [a-z_]+ [0-9.]+' > "$native_out"
cp "$target/release/libimwallet_ffi.so" "$libdir/"
gcc -O2 -shared -fPIC -o "$libdir/libimwnoop.so" "$sdk/bench/noop.c"

cd "$sdk"
mvn -B -q --no-transfer-progress test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
java -Djna.library.path="$libdir" -Dimwallet.native.dir="$sdk/target/native" \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  im.wallet.sdk.bench.FfiBench "$native_out" \
  "$native_bench" --ignored --nocapture --test-threads 1 --exact native_balances
