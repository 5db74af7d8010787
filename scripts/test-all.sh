#!/usr/bin/env bash
# Runs every test of the project. This is the README's test command and the
# only thing .ci/run calls. It installs or fetches what it needs and fails
# loudly when a required part is missing; it never skips a step silently.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==== %s ====\n' "$*"; }

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

# Extra suites (bindings from other languages, benchmarks compile, ...):
# each scripts/test.d/NN-name.sh runs in order and must exit 0.
for extra in scripts/test.d/*.sh; do
  [ -e "$extra" ] || continue
  step "$extra"
  bash "$extra"
done

step "all tests passed"
