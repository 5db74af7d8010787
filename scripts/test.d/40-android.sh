#!/usr/bin/env bash
# Android: the 16 KB page-alignment check (proved able to fail, then run on
# JNA's AAR and on our own Android libraries wherever they exist), then the
# shell in android/app compiled against android-all (API 34) with its JVM
# tests: the APDU framing and the Activities under Robolectric 4.17 calling
# the host-built libimwallet_ffi through uniffi bindings made with android = true;
# then R8 (full mode, standalone) checks android/aar/consumer-rules.pro.
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
# MAVEN_REPO=<dir> uses another local repository (e.g. to time a cold run).
mvn() { command mvn -Dmaven.repo.local="$M2" "$@"; }

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

part "host libimwallet_ffi and its Android-flavoured Kotlin bindings (android = true)"
source scripts/lib/host-artefacts.sh
host_artefacts || fail "the host artefacts were not built"
lib="$HOST_FFI_LIB"
app=android/app
gen="$app/target/generated-sources/uniffi"
native="$app/target/native"
rm -rf "$gen" && mkdir -p "$gen" "$native"
"$HOST_BINDGEN" generate --library "$lib" --config "$app/uniffi-android.toml" --language kotlin --out-dir "$gen" --no-format
[ -f "$gen/im/wallet/core/imwallet.kt" ] || fail "uniffi-bindgen produced no im/wallet/core/imwallet.kt"
cp "$lib" "$native/"

part "the shell compiled against android-all (API 34); APDU tests and Robolectric 4.17 against the real library"
# Fails on a missing artefact (Maven Central only, cached in ~/.m2), a
# compiler warning (-Werror) or any failed test; Surefire fails on zero tests.
(cd "$app" && mvn -B -q --no-transfer-progress test \
  -Dsurefire.failIfNoSpecifiedTests=true \
  -Duniffi.generated.dir="$PWD/target/generated-sources/uniffi" \
  -Djna.library.path="$PWD/target/native") || fail "the Android app build or its tests failed (reports: $app/target/surefire-reports)"
python3 - "$app/target/surefire-reports" <<'PY' || fail "the expected Android test classes did not all run"
import glob, os, sys, xml.etree.ElementTree as ET
ran = {}
for f in glob.glob(os.path.join(sys.argv[1], "TEST-*.xml")):
    suite = ET.parse(f).getroot()
    ran[suite.get("name")] = int(suite.get("tests"))
need = ["im.wallet.app.nfc.PaymentApduTest", "im.wallet.app.nfc.PaymentHceServiceTest", "im.wallet.app.ui.ScanActivityTest"]
missing = [n for n in need if ran.get(n, 0) == 0]
for name, count in sorted(ran.items()):
    print(f"  {name}: {count} tests")
if missing:
    print("missing or empty: " + ", ".join(missing))
    sys.exit(1)
PY

part "R8 full mode with the AAR's consumer-rules.pro keeps what JNA and uniffi need"
bash scripts/android/check-r8-rules.sh "$M2"
