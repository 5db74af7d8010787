#!/usr/bin/env bash
# Runs the KDF benchmark against upstream libargon2 built with AVX2 instead of
# Debian's libargon2 (which is built without AVX2).
#
# The upstream C sources come from the `argon2-cffi-bindings` source
# distribution on PyPI (it vendors phc-winner-argon2 in extras/libargon2);
# the static library is cached under ~/.cache/imwallet/libargon2-avx2 and
# reused. Needs: python3 -m pip, gcc, ar.
#
# Usage: kdf/benches/kdf-vs-libargon2-avx2.sh [--profile release|bench]
#   (default bench; release is the shipping profile)
set -euo pipefail

profile=bench
if [ "${1:-}" = "--profile" ]; then
  profile="${2:?--profile needs release or bench}"
fi
for tool in python3 gcc ar; do
  command -v "$tool" >/dev/null || { echo "kdf-vs-libargon2-avx2: missing $tool (apt-get install python3-pip gcc binutils)" >&2; exit 1; }
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${XDG_CACHE_HOME:-$HOME/.cache}/imwallet/libargon2-avx2"
mkdir -p "$work"
if [ ! -f "$work/lib/libargon2.a" ]; then
  rm -rf "$work/src" "$work/lib" && mkdir -p "$work/src" "$work/lib"
  python3 -m pip download argon2-cffi-bindings --no-binary :all: --no-deps -q -d "$work/src"
  tar xzf "$work"/src/argon2_cffi_bindings-*.tar.gz -C "$work/src"
  lib_dir="$(echo "$work"/src/argon2_cffi_bindings-*/extras/libargon2)"
  objs=()
  for f in argon2.c core.c blake2/blake2b.c thread.c encoding.c opt.c; do
    o="$work/lib/$(basename "$f" .c).o"
    gcc -O3 -mavx2 -pthread -I"$lib_dir/include" -I"$lib_dir/src" -c "$lib_dir/src/$f" -o "$o"
    objs+=("$o")
  done
  ar rcs "$work/lib/libargon2.a" "${objs[@]}"
fi
cd "$root"
# build.rs puts this directory first on the link path (only a static
# library there, so the linker takes it); cargo runs the bench binary
# itself, so no `ls | head` to pick it (that died of SIGPIPE under pipefail).
IMWALLET_LIBARGON2_DIR="$work/lib" cargo bench --locked --profile "$profile" -p imwallet-kdf --bench kdf
