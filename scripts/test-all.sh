#!/usr/bin/env bash
# Runs every test of the project. This is the README's test command and the
# only thing .ci/run calls. It installs or fetches what it needs and fails
# loudly when a required part is missing; it never skips a step silently.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

# Each step prints the seconds since the start, so a CI log shows
# where its time budget goes.
started_at=$(date +%s)
step() { printf '\n[+%d s]\n==== %s ====\n' "$(( $(date +%s) - started_at ))" "$*"; }

step "toolchain"
for tool in cargo rustc python3; do
  command -v "$tool" >/dev/null || { echo "missing required tool: $tool" >&2; exit 1; }
done
cargo --version
rustup component list --installed 2>/dev/null | grep -E '^(rustfmt|clippy)' || true

step "format"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit, property, doc and end-to-end tests"
cargo test --workspace --locked

# The shipped Argon2id path (AVX2, chosen only when optimised for speed)
# exists only in optimised builds: run the KDF crate's reference tests in
# the shipping profile itself. On a CPU without AVX2 they fail, unless
# IMWALLET_KDF_NO_AVX2=accept says so knowingly (then they print IGNORED).
step "KDF reference tests, shipping (release) profile"
cargo test --locked --profile release -p imwallet-kdf

# Every benchmark must at least build and link on a fresh clone (a bench
# whose C baseline is missing builds anyway and says what to install when
# run).
step "benchmarks build and link (bench profile)"
cargo bench --workspace --locked --no-run

step "fuzz targets build"
if cargo +nightly fuzz --version >/dev/null 2>&1; then
  (cd fuzz && cargo +nightly fuzz build)
elif cargo +nightly --version >/dev/null 2>&1; then
  echo "cargo-fuzz missing (cargo install cargo-fuzz): fuzz targets only type-checked, not built with sanitizers"
  cargo +nightly check --locked --manifest-path fuzz/Cargo.toml --target-dir "${CARGO_TARGET_DIR:-target}/fuzz"
else
  echo "fuzz targets NOT built: needs a nightly toolchain and cargo-fuzz (rustup toolchain install nightly; cargo install cargo-fuzz)"
fi

# Every host artefact the language suites use (the FFI library, uniffi-bindgen,
# the sandbox and CLI binaries), built once in the feature set the workspace
# tests already compiled, so no suite rebuilds the dependency graph
# (scripts/lib/host-artefacts.sh says why).
step "host artefacts for the language suites (one workspace build)"
source scripts/lib/host-artefacts.sh
host_artefacts --tests

# The README's terminal-wallet walk-through, pasted line by line into a
# fresh interactive bash on a pseudo-terminal against a real sandbox on
# 127.0.0.1:8787; any non-zero exit fails (issue 16 acceptance).
step "README terminal-wallet walk-through"
command -v curl >/dev/null || { echo "missing required tool: curl (the walk-through uses it)" >&2; exit 1; }
python3 scripts/tests/readme-walkthrough.py

# Extra suites (bindings from other languages, benchmarks compile, ...):
# each scripts/test.d/NN-name.sh runs in order and must exit 0.
extras=(scripts/test.d/*.sh)
if [ ! -e "${extras[0]}" ]; then
  echo "no suite in scripts/test.d: the language bindings would go untested" >&2
  exit 1
fi
for extra in "${extras[@]}"; do
  step "$extra"
  bash "$extra"
done

step "all tests passed"
