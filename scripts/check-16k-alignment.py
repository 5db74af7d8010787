#!/usr/bin/env python3
"""Checks that native libraries are aligned for 16 KB memory pages.

Google Play requires (since November 2025) that every shared library in an
app targeting Android 15+ loads on devices with 16 KB pages: each ELF
`PT_LOAD` segment must have `p_align` >= 16384. This script reads the ELF
program headers itself (stdlib only, no readelf/NDK needed).

Usage:
    check-16k-alignment.py PATH [PATH ...]

Each PATH is a `.so` file, or a zip archive (`.aar`, `.apk`, `.aab`, `.jar`)
whose `.so` members are all checked. An archive with no `.so` inside, or a
path that does not exist, is an error: a check that finds nothing to check
must not pass. Exit status 0 when every library is aligned, 1 otherwise,
2 on a usage error.
"""

import struct
import sys
import zipfile

MIN_ALIGN = 16 * 1024
PT_LOAD = 1
ELF_MAGIC = b"\x7fELF"


class NotElf(Exception):
    """The bytes are not a well-formed ELF file."""


def load_alignments(data):
    """Returns the `p_align` of every PT_LOAD segment of an ELF image."""
    if len(data) < 0x34 or data[:4] != ELF_MAGIC:
        raise NotElf("no ELF header")
    ei_class, ei_data = data[4], data[5]
    if ei_data == 1:
        endian = "<"
    elif ei_data == 2:
        endian = ">"
    else:
        raise NotElf(f"unknown byte order {ei_data}")
    if ei_class == 1:  # ELF32
        e_phoff, = struct.unpack_from(endian + "I", data, 0x1C)
        e_phentsize, e_phnum = struct.unpack_from(endian + "HH", data, 0x2A)
        entry = endian + "IIIIIIII"  # type offset vaddr paddr filesz memsz flags align
        align_index = 7
    elif ei_class == 2:  # ELF64
        if len(data) < 0x40:
            raise NotElf("truncated ELF64 header")
        e_phoff, = struct.unpack_from(endian + "Q", data, 0x20)
        e_phentsize, e_phnum = struct.unpack_from(endian + "HH", data, 0x36)
        entry = endian + "IIQQQQQQ"  # type flags offset vaddr paddr filesz memsz align
        align_index = 7
    else:
        raise NotElf(f"unknown ELF class {ei_class}")
    if e_phentsize < struct.calcsize(entry):
        raise NotElf(f"program header entry too small ({e_phentsize})")
    if e_phoff + e_phnum * e_phentsize > len(data):
        raise NotElf("program headers run past the end of the file")
    aligns = []
    for i in range(e_phnum):
        fields = struct.unpack_from(entry, data, e_phoff + i * e_phentsize)
        if fields[0] == PT_LOAD:
            aligns.append(fields[align_index])
    if not aligns:
        raise NotElf("no PT_LOAD segment")
    return aligns


def check_image(name, data):
    """Prints one verdict line for a library; returns True when aligned."""
    try:
        aligns = load_alignments(data)
    except NotElf as e:
        print(f"FAIL {name}: not a valid ELF library ({e})")
        return False
    worst = min(aligns)
    shown = ", ".join(hex(a) for a in aligns)
    if worst < MIN_ALIGN:
        print(f"FAIL {name}: LOAD alignment {hex(worst)} < {hex(MIN_ALIGN)} (segments: {shown})")
        return False
    print(f"ok   {name}: LOAD segments aligned {shown}")
    return True


def check_path(path):
    """Checks one `.so` or archive; returns True when everything inside is aligned."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                libs = [n for n in archive.namelist() if n.endswith(".so")]
                if not libs:
                    print(f"FAIL {path}: no .so inside the archive")
                    return False
                results = [check_image(f"{path}!{n}", archive.read(n)) for n in sorted(libs)]
                return all(results)
        with open(path, "rb") as f:
            return check_image(path, f.read())
    except OSError as e:
        print(f"FAIL {path}: {e.strerror or e}")
        return False


def main(argv):
    """Entry point: checks every path, exits 1 if any fails."""
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results = [check_path(p) for p in argv[1:]]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
