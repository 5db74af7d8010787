#!/usr/bin/env bash
# Runs the KDF benchmark against upstream libargon2 built with AVX2 instead of
# Debian's libargon2 (which is built without AVX2).
#
# The upstream C sources come from the `argon2-cffi-bindings` source
# distribution on PyPI (it vendors phc-winner-argon2 in extras/libargon2).
# Needs: pip, gcc, ar. Usage: core/benches/kdf-vs-libargon2-avx2.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$root/target/libargon2-avx2"
mkdir -p "$work"
cd "$work"
if [ ! -f lib/libargon2.a ]; then
  rm -rf src && mkdir -p src lib
  python3 -m pip download argon2-cffi-bindings --no-binary :all: --no-deps -q -d src
  tar xzf src/argon2_cffi_bindings-*.tar.gz -C src
  lib_dir="$(echo src/argon2_cffi_bindings-*/extras/libargon2)"
  objs=()
  for f in argon2.c core.c blake2/blake2b.c thread.c encoding.c opt.c; do
    o="lib/$(basename "$f" .c).o"
    gcc -O3 -mavx2 -pthread -I"$lib_dir/include" -I"$lib_dir/src" -c "$lib_dir/src/$f" -o "$o"
    objs+=("$o")
  done
  ar rcs lib/libargon2.a "${objs[@]}"
fi
cd "$root"
# Link the bench against the static AVX2 build (searched before the system's).
cargo rustc --profile bench -p imwallet-core --bench kdf -- -L "native=$work/lib"
bin="$(ls -t target/release/deps/kdf-* | grep -v '\.d$' | head -1)"
"$bin" --bench
