"""Proves scripts/check-16k-alignment.py can pass and can fail (stdlib only).

Builds real shared libraries with gcc: one linked with
`-Wl,-z,max-page-size=4096` (must fail) and one with 16384 (must pass),
checks them bare and inside zip archives like an AAR, and covers the ELF32
layout (armeabi-v7a, x86) with a hand-built header since the host gcc has
no 32-bit multilib. Run by scripts/test.d/40-android.sh.
"""

import importlib.util
import io
import os
import shutil
import struct
import subprocess
import tempfile
import unittest
import zipfile
from contextlib import redirect_stderr, redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = importlib.util.spec_from_file_location(
    "check_16k_alignment", os.path.join(HERE, "..", "check-16k-alignment.py")
)
checker = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(checker)


def build_library(directory, page_size):
    """Compiles a one-function shared library with the given max page size."""
    source = os.path.join(directory, "lib.c")
    with open(source, "w") as f:
        f.write("int answer(void) { return 42; }\n")
    out = os.path.join(directory, f"libpage{page_size}.so")
    subprocess.run(
        ["gcc", "-shared", "-fPIC", f"-Wl,-z,max-page-size={page_size}", "-o", out, source],
        check=True,
    )
    return out


def elf32_with_load_align(align):
    """A minimal little-endian ELF32 image with one PT_LOAD of the given alignment."""
    header = bytearray(0x34)
    header[0:4] = b"\x7fELF"
    header[4], header[5], header[6] = 1, 1, 1  # ELFCLASS32, little-endian, version
    struct.pack_into("<I", header, 0x1C, 0x34)  # e_phoff
    struct.pack_into("<HH", header, 0x2A, 32, 1)  # e_phentsize, e_phnum
    phdr = struct.pack("<IIIIIIII", checker.PT_LOAD, 0, 0, 0, 0x100, 0x100, 5, align)
    return bytes(header) + phdr


def run_quietly(*paths):
    """Runs the checker's main on paths; returns (exit status, printed text)."""
    out = io.StringIO()
    with redirect_stdout(out):
        status = checker.main(["check-16k-alignment.py", *paths])
    return status, out.getvalue()


class AlignmentCheckTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("gcc") is None:
            raise RuntimeError("gcc is required to build the 4 KB test library")
        cls.tmp = tempfile.mkdtemp(prefix="check16k-")
        cls.lib4k = build_library(cls.tmp, 4096)
        cls.lib16k = build_library(cls.tmp, 16384)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def archive(self, name, members):
        path = os.path.join(self.tmp, name)
        with zipfile.ZipFile(path, "w") as z:
            for member, source in members.items():
                if isinstance(source, bytes):
                    z.writestr(member, source)
                else:
                    z.write(source, member)
        return path

    def test_4k_aligned_library_fails(self):
        status, text = run_quietly(self.lib4k)
        self.assertEqual(status, 1)
        self.assertIn("FAIL", text)
        self.assertIn("0x1000 < 0x4000", text)

    def test_16k_aligned_library_passes(self):
        status, text = run_quietly(self.lib16k)
        self.assertEqual(status, 0, text)
        self.assertTrue(text.startswith("ok"))

    def test_one_bad_library_in_an_archive_fails_the_archive(self):
        aar = self.archive(
            "mixed.aar",
            {"jni/arm64-v8a/libgood.so": self.lib16k, "jni/x86_64/libbad.so": self.lib4k},
        )
        status, text = run_quietly(aar)
        self.assertEqual(status, 1)
        self.assertIn("ok   " + aar + "!jni/arm64-v8a/libgood.so", text)
        self.assertIn("FAIL " + aar + "!jni/x86_64/libbad.so", text)

    def test_all_good_archive_passes(self):
        apk = self.archive("good.apk", {"lib/arm64-v8a/libgood.so": self.lib16k})
        self.assertEqual(run_quietly(apk)[0], 0)

    def test_archive_without_libraries_fails(self):
        aar = self.archive("empty.aar", {"classes.jar": b"PK"})
        status, text = run_quietly(aar)
        self.assertEqual(status, 1)
        self.assertIn("no .so inside", text)

    def test_missing_path_fails(self):
        self.assertEqual(run_quietly(os.path.join(self.tmp, "absent.so"))[0], 1)

    def test_non_elf_library_fails(self):
        aar = self.archive("junk.aar", {"jni/x86/libjunk.so": b"not an elf file"})
        status, text = run_quietly(aar)
        self.assertEqual(status, 1)
        self.assertIn("not a valid ELF library", text)

    def test_elf32_layout_is_read(self):
        self.assertEqual(checker.load_alignments(elf32_with_load_align(0x4000)), [0x4000])
        self.assertEqual(checker.load_alignments(elf32_with_load_align(0x1000)), [0x1000])
        bad = self.archive("v7a.aar", {"jni/armeabi-v7a/lib.so": elf32_with_load_align(0x1000)})
        self.assertEqual(run_quietly(bad)[0], 1)

    def test_truncated_program_headers_are_refused(self):
        with self.assertRaises(checker.NotElf):
            checker.load_alignments(elf32_with_load_align(0x4000)[:0x40])

    def test_no_arguments_is_a_usage_error(self):
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            self.assertEqual(checker.main(["check-16k-alignment.py"]), 2)


if __name__ == "__main__":
    unittest.main()
