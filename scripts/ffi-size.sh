#!/usr/bin/env bash
# Size of the shipping FFI library and what it is made of.
#
#   scripts/ffi-size.sh [TOP]
#
# 1. builds `cargo build -p imwallet-ffi --release --lib` (what ships: fat
#    LTO, opt-level "z", stripped) and prints its size in bytes;
# 2. builds the same with the `release-bindgen` profile (identical code,
#    symbol table kept) and sums `nm --size-sort` per crate: Rust symbols by
#    their first path segment, C symbols by the static archive that defines
#    them (bundled SQLite, ring's C/asm). Prints the TOP (default 20) rows.
# Honours CARGO_TARGET_DIR. Release builds take minutes: run it on a quiet
# machine. `SKIP_RELEASE=1` skips step 1 (only the attribution).
set -euo pipefail
cd "$(dirname "$0")/.."
top="${1:-20}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
for tool in nm python3; do
  command -v "$tool" >/dev/null || { echo "ffi-size.sh: $tool is required" >&2; exit 1; }
done

if [ -z "${SKIP_RELEASE:-}" ]; then
  cargo build --locked -p imwallet-ffi --release --lib
  echo "shipping release cdylib: $(stat -c %s "$target/release/libimwallet_ffi.so") bytes ($target/release/libimwallet_ffi.so)"
fi
cargo build --locked -p imwallet-ffi --profile release-bindgen --lib
lib="$target/release-bindgen/libimwallet_ffi.so"
stripped="$(mktemp)"
strip --strip-all -o "$stripped" "$lib"
echo "release-bindgen cdylib: $(stat -c %s "$lib") bytes with symbols, $(stat -c %s "$stripped") bytes after strip --strip-all"
rm -f "$stripped"

python3 - "$lib" "$target/release-bindgen/build" "$top" <<'PY'
import collections, glob, os, re, subprocess, sys
lib, build, top = sys.argv[1], sys.argv[2], int(sys.argv[3])

def nm(path, *flags):
    return subprocess.run(["nm", *flags, path], capture_output=True, text=True).stdout

# C symbols: which static archive of a build script defines them.
owner = {}
for archive in glob.glob(os.path.join(build, "*", "out", "**", "*.a"), recursive=True):
    crate = re.sub(r"-[0-9a-f]{16}$", "", os.path.basename(archive.split("/out/")[0]))
    for line in nm(archive, "--defined-only").splitlines():
        parts = line.split()
        if len(parts) == 3:
            owner.setdefault(parts[2], f"[C] {crate}")

rows = []
for line in nm(lib, "-S", "--size-sort").splitlines():
    parts = line.split(None, 3)
    if len(parts) == 4:
        rows.append((int(parts[1], 16), parts[3]))
demangled = subprocess.run(["c++filt"], input="\n".join(r for _, r in rows), capture_output=True, text=True).stdout.splitlines()

def crate_of(raw, name):
    if raw in owner:
        return owner[raw]
    if raw.startswith(("UNIFFI_META", "uniffi_", "ffi_")):
        return "[uniffi exports] " + ("metadata" if raw.startswith("UNIFFI_META") else "scaffolding fns")
    n = re.sub(r"^(_<|<|&|\*|\(|dyn |mut |const |\s)+", "", name)
    if "::" in n:
        return re.split(r"::|<|\[| ", n, maxsplit=1)[0] or "?"
    return "[other] " + n[:24]

per = collections.Counter()
total = 0
for (size, raw), name in zip(rows, demangled):
    total += size
    per[crate_of(raw, name)] += size
print(f"sized symbols: {total} bytes; top {top} by crate:")
print("| crate (or C archive) | bytes | share of sized symbols |")
print("|---|---:|---:|")
for crate, size in per.most_common(top):
    print(f"| {crate} | {size:,} | {100 * size / total:.1f} % |")
PY
