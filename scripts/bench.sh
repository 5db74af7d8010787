#!/usr/bin/env bash
# Runs the project's criterion benchmarks in a chosen cargo profile.
#
#   scripts/bench.sh [--profile release|bench] [NAME...]
#
# --profile release  the shipping profile (opt-level "z", fat LTO, with the
#                    per-package speed overrides of Cargo.toml): what phones get
# --profile bench    opt-level 3, thin LTO (the default)
#
# NAMEs (default: all): qr, kdf (vs Debian's libargon2), kdf-avx2 (vs
# upstream libargon2 built with AVX2), store, transfers, wallet, demo.
# Each prints its own baselines and ratios, measured in the same run.
# Run on a quiet machine (`nice -n 0`) and note `uptime` beside the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=bench
if [ "${1:-}" = "--profile" ]; then
  profile="${2:?--profile needs release or bench}"
  shift 2
fi
case "$profile" in
  release|bench) ;;
  *) echo "bench.sh: unknown profile '$profile' (release or bench)" >&2; exit 1 ;;
esac
names=("$@")
[ "${#names[@]}" -gt 0 ] || names=(qr kdf kdf-avx2 store transfers wallet demo)

# The Debian C reference for `kdf`: install it when we can, else say what to do.
need_libargon2() {
  if ! ls /usr/lib/*/libargon2.so /usr/lib/libargon2.so /usr/local/lib/libargon2.* >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q libargon2-dev >/dev/null
    else
      echo "bench.sh: kdf needs libargon2-dev: run 'sudo apt-get install libargon2-dev'" >&2
      exit 1
    fi
  fi
}

run() { echo "== $* (profile $profile, $(uptime | sed 's/.*load/load/')) =="; "$@"; }

for name in "${names[@]}"; do
  case "$name" in
    qr) run cargo bench --locked --profile "$profile" -p imwallet-protocol --bench qr ;;
    kdf) need_libargon2; run cargo bench --locked --profile "$profile" -p imwallet-kdf --bench kdf ;;
    kdf-avx2) run bash kdf/benches/kdf-vs-libargon2-avx2.sh --profile "$profile" ;;
    store) run cargo bench --locked --profile "$profile" -p imwallet-core --bench store ;;
    transfers) run cargo bench --locked --profile "$profile" -p imwallet-sandbox --bench transfers ;;
    wallet) run cargo bench --locked --profile "$profile" -p imwallet-tests --bench wallet ;;
    demo) run cargo bench --locked --profile "$profile" -p imwallet-cli --bench demo ;;
    *) echo "bench.sh: unknown benchmark '$name'" >&2; exit 1 ;;
  esac
done
