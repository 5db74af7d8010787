#!/usr/bin/env bash
# Builds what the Kotlin/JVM SDK needs from the workspace and generates the
# uniffi Kotlin from the compiled library (never committed, never edited):
#   target/generated-sources/uniffi/  the generated Kotlin (package im.wallet.core)
#   target/native/                    libimwallet_ffi + the imwallet-sandbox binary
# The JVM build uses the workspace's uniffi.toml minus `android = true`
# (that switch needs androidx on the classpath; the Android shell generates
# with the workspace config itself). Honours CARGO_TARGET_DIR.
set -euo pipefail
sdk="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$sdk/../.." && pwd)"
cd "$root"

# The library (with test-panic, which exports trigger_test_panic for the
# panic test; never in a shipped build), the sandbox and uniffi-bindgen come
# from the one workspace build every suite shares.
source scripts/lib/host-artefacts.sh
host_artefacts
lib="$HOST_FFI_LIB"

gen="$sdk/target/generated-sources/uniffi"
native="$sdk/target/native"
rm -rf "$gen"
mkdir -p "$gen" "$native"
sed -E '/^[[:space:]]*android[[:space:]]*=[[:space:]]*true/d' uniffi.toml > "$sdk/target/uniffi-jvm.toml"

# Library mode reads the uniffi metadata from the (unstripped) debug build.
"$HOST_BINDGEN" generate --library "$lib" --config "$sdk/target/uniffi-jvm.toml" \
  --language kotlin --out-dir "$gen" --no-format
find "$gen" -name '*.kt' | grep -q . || { echo "generate.sh: uniffi-bindgen produced no Kotlin" >&2; exit 1; }

cp "$lib" "$native/"
cp "$HOST_SANDBOX_BIN" "$native/"
echo "generate.sh: Kotlin in $gen, native parts in $native"
