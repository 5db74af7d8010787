#!/usr/bin/env bash
# Android: the 16 KB page-alignment check (proved able to fail, then run on
# JNA's AAR and on our own Android libraries wherever they exist).
# Maven downloads are cached in ~/.m2; every missing part fails loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "40-android: $*" >&2; exit 1; }
part() { printf -- '--- 40-android: %s\n' "$*"; }

for tool in python3 gcc mvn java; do
  command -v "$tool" >/dev/null || fail "$tool is required"
done

JNA_VERSION=5.19.1
M2="${MAVEN_REPO:-$HOME/.m2/repository}"

part "16 KB alignment checker can fail (4 KB gcc library) and pass"
python3 scripts/tests/test_check_16k_alignment.py

part "16 KB alignment of JNA ${JNA_VERSION} (the AAR ships libjnidispatch.so)"
jna_aar="$M2/net/java/dev/jna/jna/$JNA_VERSION/jna-$JNA_VERSION.aar"
if [ ! -f "$jna_aar" ]; then
  mvn -B -q dependency:get -Dartifact="net.java.dev.jna:jna:$JNA_VERSION:aar" -Dtransitive=false \
    || fail "could not fetch net.java.dev.jna:jna:$JNA_VERSION@aar from Maven Central"
fi
[ -f "$jna_aar" ] || fail "$jna_aar is missing after the download"
python3 scripts/check-16k-alignment.py "$jna_aar"

part "16 KB alignment of our own Android libraries and packages"
ours=()
while IFS= read -r -d '' f; do ours+=("$f"); done < <(
  find android -path '*/jniLibs/*' -name '*.so' -print0 2>/dev/null
  find android -path '*/build/outputs/*' \( -name '*.aar' -o -name '*.apk' \) -print0 2>/dev/null
)
if [ "${#ours[@]}" -gt 0 ]; then
  python3 scripts/check-16k-alignment.py "${ours[@]}"
else
  echo "no Android build of libimwallet_ffi here (scripts/build-android.sh needs the NDK); checked JNA only"
fi
