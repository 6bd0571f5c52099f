"""envdoctor.probe.numpy_binary: which NumPy C API an extension binary was built against."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from envdoctor.probe import numpy_binary as nb

NUMPY2 = b"\x00numpy._core._multiarray_umath\x00numpy.core._multiarray_umath\x00_ARRAY_API\x00"
NUMPY1 = b"\x00numpy.core._multiarray_umath\x00_ARRAY_API\x00numpy.core.multiarray failed to import\x00"
NUMPY1_OLD = b"\x00numpy.core.multiarray\x00_ARRAY_API\x00"
NO_NUMPY = b"\x00numpy.core.multiarray failed to import\x00numpy._core\x00numpy.core\x00"


def elf(rodata: bytes, data: bytes = b"") -> bytes:
    """A minimal little-endian ELF64 file with .rodata, .data and .shstrtab sections."""
    shstrtab = b"\x00.rodata\x00.data\x00.shstrtab\x00"
    names = {".rodata": 1, ".data": 9, ".shstrtab": 15}
    body = b"\x00" * 64
    offsets = {}
    for name, content in ((".rodata", rodata), (".data", data), (".shstrtab", shstrtab)):
        offsets[name] = len(body)
        body += content
    shoff = len(body)
    header = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\x00" * 8
    header += struct.pack("<HHIQQQIHHHHHH", 3, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64, 4, 3)
    sections = struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    for name, content, sh_type in ((".rodata", rodata, 1), (".data", data, 1), (".shstrtab", shstrtab, 3)):
        sections += struct.pack("<IIQQQQIIQQ", names[name], sh_type, 0, 0, offsets[name], len(content), 0, 0, 1, 0)
    return header + body[64:] + sections


@pytest.mark.parametrize(
    ("content", "expected"),
    [(NUMPY2, "2"), (NUMPY1, "1"), (NUMPY1_OLD, "1"), (NO_NUMPY, None), (b"", None)],
)
def test_plain_files(tmp_path: Path, content: bytes, expected: str | None) -> None:
    path = tmp_path / "mod.cpython-311-x86_64-linux-gnu.so"
    path.write_bytes(b"MZ-not-elf" + b"\x01" * 100 + content + b"\x02" * 100)
    assert nb.numpy_build_of_file(path) == (expected if content else None)
    assert nb.numpy_build_of_bytes(content) == expected


@pytest.mark.parametrize(("rodata", "expected"), [(NUMPY2, "2"), (NUMPY1, "1"), (NO_NUMPY, None)])
def test_elf_rodata(tmp_path: Path, rodata: bytes, expected: str | None) -> None:
    path = tmp_path / "ext.so"
    path.write_bytes(elf(rodata, data=b"\x00" * 32))
    assert nb.numpy_build_of_file(path) == expected


def test_elf_is_searched_in_rodata_only_when_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ext.so"
    path.write_bytes(elf(b"\x00hello\x00", data=NUMPY1))
    assert nb.numpy_build_of_file(path) == "1"  # small: whole-file fallback
    monkeypatch.setattr(nb, "_WHOLE_FILE_FALLBACK", 0)
    assert nb.numpy_build_of_file(path) is None
    import mmap

    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        ((start, end),) = nb._elf_rodata_ranges(mapped)
        assert mapped[start:end] == b"\x00hello\x00"


def test_bounds_and_bad_input(tmp_path: Path) -> None:
    big = tmp_path / "big.so"
    big.write_bytes(NUMPY2 + b"\x00" * 1000)
    assert nb.numpy_build_of_file(big, max_bytes=100) is None
    assert nb.numpy_build_of_file(tmp_path / "missing.so") is None
    assert nb.numpy_build_of_file(tmp_path) is None  # a directory
    broken = tmp_path / "broken.so"
    broken.write_bytes(b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\xff" * 100 + NUMPY1)  # garbage headers
    assert nb.numpy_build_of_file(broken) == "1"


def test_scan_distribution_prefers_likely_files_and_reports_the_path(tmp_path: Path) -> None:
    pkg = tmp_path / "tensorflow" / "python"
    pkg.mkdir(parents=True)
    (pkg / "_pywrap_util.so").write_bytes(elf(NO_NUMPY))
    (pkg / "_pywrap_bfloat16.so").write_bytes(elf(NUMPY1))
    (pkg / "README.txt").write_bytes(NUMPY2)
    rels = [
        "tensorflow/python/_pywrap_util.so",
        "tensorflow/python/_pywrap_bfloat16.so",
        "tensorflow/python/README.txt",
        "tensorflow/python/gone.so",
    ]
    build, path = nb.scan_distribution(str(tmp_path), rels) or (None, None)
    assert build == "1" and path is not None and path.endswith("_pywrap_bfloat16.so")
    assert nb.scan_distribution(str(tmp_path), rels[:1]) is None
    assert nb.scan_distribution(str(tmp_path), rels[1:2], budget_bytes=10) is None
    assert nb.numpy_build_of_files([str(pkg / "_pywrap_util.so"), str(pkg / "_pywrap_bfloat16.so")]) == (
        "1",
        str(pkg / "_pywrap_bfloat16.so"),
    )
