#!/usr/bin/env bash
# Builds libimwallet_ffi for the four Android ABIs with cargo-ndk, aligned for
# 16 KB pages, and the Kotlin bindings the AAR compiles (uniffi, android = true):
#   android/aar/build/jniLibs/<abi>/libimwallet_ffi.so
#   android/aar/build/generated/uniffi/im/wallet/core/imwallet.kt
# Gradle's :imwallet module runs it before every build (see
# android/aar/build.gradle.kts); it can also be run by hand.
#
# Needs: rustup, cargo-ndk, and an Android NDK (r27 or newer) in
# ANDROID_NDK_HOME, or under $ANDROID_HOME/ndk/<version> as Android Studio's
# SDK manager installs it. None of these exist on the project's CI machine,
# so this script is only run on a developer machine (README "Android").
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "build-android: $*" >&2; exit 1; }

PROFILE="${IMWALLET_ANDROID_PROFILE:-release}"
MIN_SDK=24
OUT=android/aar/build/jniLibs
GEN=android/aar/build/generated/uniffi
CARGO_NDK_VERSION=3.5.4

# ABI -> Rust target triple.
declare -A TRIPLE=(
  [arm64-v8a]=aarch64-linux-android
  [armeabi-v7a]=armv7-linux-androideabi
  [x86_64]=x86_64-linux-android
  [x86]=i686-linux-android
)
ABIS=(arm64-v8a armeabi-v7a x86_64 x86)

command -v cargo >/dev/null || fail "cargo is required"
command -v cargo-ndk >/dev/null \
  || fail "cargo-ndk is required: cargo install cargo-ndk --version $CARGO_NDK_VERSION --locked"
if [ -z "${ANDROID_NDK_HOME:-}" ] && [ -z "${ANDROID_NDK_ROOT:-}" ] && [ ! -d "${ANDROID_HOME:-/nonexistent}/ndk" ]; then
  fail "no Android NDK: set ANDROID_NDK_HOME, or install one with Android Studio's SDK manager (ANDROID_HOME/ndk)"
fi
installed="$(rustup target list --installed)"
for abi in "${ABIS[@]}"; do
  grep -qx "${TRIPLE[$abi]}" <<<"$installed" || fail "missing Rust target: rustup target add ${TRIPLE[$abi]}"
done

# 16 KB pages: set here for every Android target (a dependency's
# .cargo/config.toml would not be inherited by the app's build). NDK r27+
# already aligns 64-bit targets; 32-bit ones need the flag.
for abi in "${ABIS[@]}"; do
  var="CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"${TRIPLE[$abi]}")_RUSTFLAGS"
  export "$var=${!var:-} -C link-arg=-Wl,-z,max-page-size=16384"
done

targets=()
for abi in "${ABIS[@]}"; do targets+=(-t "$abi"); done
rm -rf "$OUT"
cargo ndk "${targets[@]}" --platform "$MIN_SDK" -o "$OUT" \
  build -p imwallet-ffi --lib --profile "$PROFILE" --locked

for abi in "${ABIS[@]}"; do
  [ -f "$OUT/$abi/libimwallet_ffi.so" ] || fail "$OUT/$abi/libimwallet_ffi.so was not produced"
done
python3 scripts/check-16k-alignment.py "$OUT"/*/libimwallet_ffi.so

# Bindings: generated from the host build (same sources, so the same
# interface; uniffi reads metadata from symbols, which the shipped release
# libraries no longer have).
cargo build -p imwallet-ffi --lib --locked
target_dir="$(cargo metadata --format-version 1 --no-deps --locked | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
case "$(uname -s)" in
  Darwin) host_lib="$target_dir/debug/libimwallet_ffi.dylib" ;;
  *) host_lib="$target_dir/debug/libimwallet_ffi.so" ;;
esac
rm -rf "$GEN" && mkdir -p "$GEN"
cargo run -q -p imwallet-ffi --bin uniffi-bindgen --locked -- \
  generate --library "$host_lib" --config android/app/uniffi-android.toml --language kotlin --out-dir "$GEN" --no-format
[ -f "$GEN/im/wallet/core/imwallet.kt" ] || fail "uniffi-bindgen produced no bindings"
echo "build-android: $OUT/{$(IFS=,; echo "${ABIS[*]}")}/libimwallet_ffi.so and $GEN are ready"
