#!/usr/bin/env bash
# Benchmark of the Kotlin SDK's per-call cost (a benchmark, not a test):
#  1. the native Rust baseline, bindings/benches/ffi_calls.rs (bench profile);
#  2. the same library built with the bench profile, loaded by the JVM through
#     the generated Kotlin, and a JNA direct-mapped empty C function (gcc);
# one run, one table with ratios. Run: bash android/sdk/bench.sh
set -euo pipefail
sdk="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$sdk/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
for tool in java mvn gcc; do
  command -v "$tool" >/dev/null || { echo "bench.sh: $tool is required" >&2; exit 1; }
done

bash "$sdk/generate.sh"   # the generated Kotlin (from the debug library; same source)
cd "$root"
# Same features as generate.sh, so the generated Kotlin finds every symbol it registers.
cargo build -p imwallet-ffi --lib --profile bench --features test-panic --locked
native_out="$sdk/target/bench/native.txt"
libdir="$sdk/target/bench/lib"
mkdir -p "$libdir"
cargo test --profile bench -p imwallet-ffi --features test-panic --bench ffi_calls --locked -- --ignored --nocapture --test-threads 1 \
  | tee /dev/stderr | grep '^native ' > "$native_out"
cp "$target/release/libimwallet_ffi.so" "$libdir/"
gcc -O2 -shared -fPIC -o "$libdir/libimwnoop.so" "$sdk/bench/noop.c"

cd "$sdk"
mvn -B -q --no-transfer-progress test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench/classpath.txt
java -Djna.library.path="$libdir" \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  im.wallet.sdk.bench.FfiBench "$native_out"
