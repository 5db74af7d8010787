#!/usr/bin/env bash
# Benchmarks without their C baseline or tools say what to install in one
# line (issue 10, item 8).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/tests/test_bench_messages.sh
