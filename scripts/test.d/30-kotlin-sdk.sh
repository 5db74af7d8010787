#!/usr/bin/env bash
# The Kotlin/JVM SDK (android/sdk): build imwallet-ffi and the sandbox,
# generate the uniffi Kotlin from the library (android/sdk/generate.sh),
# then compile the SDK (Kotlin + Java) and run its JUnit 5 tests on the JVM
# through JNA against the real library and a real sandbox process.
# Maven's local repository is the default ~/.m2 (outside the repo, reused).
# Java 17+ and Maven 3 are required; a missing one fails loudly.
set -euo pipefail
cd "$(dirname "$0")/../.."

command -v java >/dev/null || { echo "30-kotlin-sdk: java (JDK 17+) is required" >&2; exit 1; }
command -v javac >/dev/null || { echo "30-kotlin-sdk: javac (a JDK, not a JRE) is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "30-kotlin-sdk: mvn (Maven 3) is required" >&2; exit 1; }

bash android/sdk/generate.sh
cd android/sdk
mvn -B --no-transfer-progress test
