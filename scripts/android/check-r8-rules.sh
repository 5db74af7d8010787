#!/usr/bin/env bash
# Checks android/aar/consumer-rules.pro with the real R8 (full mode, the one
# AGP 8.13 uses), run standalone since there is no Gradle here: R8 shrinks and
# obfuscates the uniffi bindings + JNA + kotlin-stdlib + a probe, keeping
# only what the consumer rules keep, emitting class files; the shrunk jar
# then calls the real libimwallet_ffi on the JVM. A control run without the
# consumer rules must break, so the check is known to be able to fail.
#
# The library is the JDK: the program reaches no Android class, and R8
# fails on android-all's copies of JDK packages.
#
# Usage: check-r8-rules.sh <maven repository>   (after `mvn test` in android/app)
# KEEP_R8_WORK=1 keeps the work directory (R8 logs, jars) for a look.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "check-r8-rules: $*" >&2; exit 1; }
M2="$1"
app=android/app
rules=android/aar/consumer-rules.pro
r8="$app/target/r8/r8.jar"
jna="$M2/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar"
stdlib="$M2/org/jetbrains/kotlin/kotlin-stdlib/2.4.21/kotlin-stdlib-2.4.21.jar"
coroutines="$M2/org/jetbrains/kotlinx/kotlinx-coroutines-core-jvm/1.11.0/kotlinx-coroutines-core-jvm-1.11.0.jar"
annotation="$M2/androidx/annotation/annotation-jvm/1.9.1/annotation-jvm-1.9.1.jar"
jb_annotations="$M2/org/jetbrains/annotations/13.0/annotations-13.0.jar"
for f in "$rules" "$r8" "$jna" "$stdlib" "$coroutines" "$annotation" "$jb_annotations" \
         "$app/target/classes/im/wallet/core" "$app/target/test-classes/im/wallet/app/r8/R8ProbeKt.class"; do
  [ -e "$f" ] || fail "missing $f"
done

java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
[ -f "$java_home/lib/modules" ] || fail "no JDK found from $(command -v java)"

work="$(mktemp -d)"
trap '[ -n "${KEEP_R8_WORK:-}" ] || rm -rf "$work"' EXIT
# Program: the generated bindings and the probe, as an app would ship them.
mkdir -p "$work/program/im/wallet/app"
cp -r "$app/target/classes/im/wallet/core" "$work/program/im/wallet/"
cp -r "$app/target/test-classes/im/wallet/app/r8" "$work/program/im/wallet/app/"
(cd "$work/program" && jar cf ../program.jar .)
printf -- '-keep class im.wallet.app.r8.R8ProbeKt { public static void main(java.lang.String[]); }\n' >"$work/probe.pro"
# The Android bindings' cleaner uses android.os.Build and android.system,
# part of the phone's framework; this JVM check has no framework (android-all as a
# library crashes R8 8.13), so only the probe's own config waves it through.
printf -- '-dontwarn android.os.**\n-dontwarn android.system.**\n' >>"$work/probe.pro"
# JNA loads its host dispatch library from the jar's resources, which R8's
# class-file output drops; give it the same file from outside.
mkdir -p "$work/dispatch"
(cd "$work/dispatch" && unzip -q -j "$jna" 'com/sun/jna/linux-x86-64/libjnidispatch.so')

shrink() { # <output jar> <pg-conf>...
  local out="$1"; shift
  local confs=()
  for c in "$@"; do confs+=(--pg-conf "$c"); done
  java -cp "$r8" com.android.tools.r8.R8 --release --classfile \
    --lib "$java_home" --classpath "$annotation" --classpath "$jb_annotations" \
    "${confs[@]}" --output "$out" "$work/program.jar" "$jna" "$stdlib" "$coroutines" 2>"$out.log" \
    || { cat "$out.log" >&2; fail "R8 failed"; }
}
probe() { # <jar>
  java -Djna.nosys=true -Djna.nounpack=true -Djna.boot.library.path="$work/dispatch" \
    -Djna.library.path="$app/target/native" -cp "$1" im.wallet.app.r8.R8ProbeKt
}

shrink "$work/with-rules.jar" "$rules" "$work/probe.pro"
echo "R8 full mode with consumer-rules.pro: $(stat -c %s "$work/with-rules.jar") bytes of classes"
probe "$work/with-rules.jar" || fail "the R8-shrunk bindings broke with consumer-rules.pro"

shrink "$work/without-rules.jar" "$work/probe.pro"
if probe "$work/without-rules.jar" >"$work/control.log" 2>&1; then
  fail "control: the probe still works without consumer-rules.pro, so this check proves nothing"
fi
echo "control without consumer-rules.pro fails as it must: $(grep -m1 -E 'Exception|Error|FAILED' "$work/control.log" || head -1 "$work/control.log")"
