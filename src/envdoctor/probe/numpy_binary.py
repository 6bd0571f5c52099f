"""Which NumPy C API a compiled extension was built against, read from the binary itself.

Every extension that uses NumPy's C API calls `_import_array()` (and `_import_umath()`), which
NumPy's generated header `__multiarray_api.h` defines as a `static` function in the extension, so
the module name it imports ends up as a C string literal in the extension's read-only data:

- NumPy 2.x headers: `PyImport_ImportModule("numpy._core._multiarray_umath")`, falling back to
  `"numpy.core._multiarray_umath"` when that module is not found (so both strings are present);
- NumPy 1.16 to 1.26 headers: only `"numpy.core._multiarray_umath"`;
- NumPy 1.15 and older headers: only `"numpy.core.multiarray"`.

(numpy/_core/code_generators/generate_numpy_api.py in NumPy 2, numpy/core/code_generators/ in
NumPy 1.) So: the NumPy 2 string present -> "2"; else one of the NumPy 1 strings present -> "1";
else None (the file does not use NumPy's C API, or links a library that does). The strings are
matched with their terminating NUL, which keeps Cython's "numpy.core.multiarray failed to import"
message from counting.

This is the one place in `envdoctor.rules` that reads files: the probe calls it and records the
answer as `Distribution.numpy_build` / `numpy_build_path`, so the rules themselves stay pure.
Reads are bounded: files over `max_bytes` are skipped, ELF files are searched in their .rodata
sections only (found from the section headers), and nothing raises for unreadable or odd files.
"""

from __future__ import annotations

import mmap
import os
import stat
import struct
from collections.abc import Iterable, Sequence

NUMPY2_MARKER = b"numpy._core._multiarray_umath\x00"
NUMPY1_MARKERS = (b"numpy.core._multiarray_umath\x00", b"numpy.core.multiarray\x00")

#: Files larger than this are not scanned (TensorFlow's largest libraries are ~1 GiB).
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
#: What `scan_distribution` reads at most, over all the files of one distribution.
DEFAULT_BUDGET_BYTES = 512 * 1024 * 1024
# ELF files this small are searched whole when their .rodata sections show nothing.
_WHOLE_FILE_FALLBACK = 8 * 1024 * 1024

_EXTENSIONS = (".so", ".pyd", ".dylib")

# Names of extension files that use NumPy's C API (scanned first; each framework adds its own).
_LIKELY = (
    "numpy",
    "multiarray",
    "bfloat16",
    "ml_dtypes",
    "float8",
    "py_func",
    "ndarray",
)


def _likely() -> tuple[str, ...]:
    # lazy: defers frameworks (64.4 ms, 24 modules) until _likely() runs (check's start-up)
    from envdoctor.frameworks import all_frameworks

    return _LIKELY + tuple(name for fw in all_frameworks() for name in fw.numpy_binaries)


def numpy_build_of_bytes(data: bytes | bytearray | mmap.mmap) -> str | None:
    """ "2", "1" or None for a buffer holding (part of) a binary."""
    if data.find(NUMPY2_MARKER) >= 0:
        return "2"
    return "1" if any(data.find(marker) >= 0 for marker in NUMPY1_MARKERS) else None


def numpy_build_of_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """ "2" when the extension at `path` was built against NumPy 2, "1" against NumPy 1, None when
    it shows no NumPy C API (or cannot be read, or is larger than `max_bytes`)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as handle:
            st = os.fstat(handle.fileno())
            size = st.st_size
            if not stat.S_ISREG(st.st_mode) or size == 0 or size > max_bytes:
                return None
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                ranges = _elf_rodata_ranges(mapped)
                build = _search(mapped, ranges or [(0, size)])
                if build is None and ranges and size <= _WHOLE_FILE_FALLBACK:
                    build = _search(mapped, [(0, size)])  # an unusual section layout
                return build
    except (OSError, ValueError, OverflowError):
        return None


def _search(data: mmap.mmap, ranges: list[tuple[int, int]]) -> str | None:
    found = False
    for start, end in ranges:
        if data.find(NUMPY2_MARKER, start, end) >= 0:
            return "2"
        found = found or any(data.find(m, start, end) >= 0 for m in NUMPY1_MARKERS)
    return "1" if found else None


def scan_distribution(
    location: str,
    extension_modules: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget_bytes: int = DEFAULT_BUDGET_BYTES,
    max_files: int = 200,
    read: list[str] | None = None,
) -> tuple[str, str] | None:
    """(build, path) from the first of a distribution's extension files that shows which NumPy it
    was built against; None when none does. `extension_modules` are paths relative to
    `location` (as in `Distribution.extension_modules`). Files whose names suggest NumPy use are
    read first, then the rest smallest first, within `budget_bytes` in all. `read` collects the
    path of every file read (what the answer depends on). Regular files only."""
    candidates: list[tuple[int, int, str]] = []
    hints = _likely()
    for rel in extension_modules[: max_files * 4]:
        if not rel.endswith(_EXTENSIONS) and ".so." not in rel:
            continue
        path = os.path.join(location, rel)
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            continue
        size = st.st_size
        if stat.S_ISREG(st.st_mode) and 0 < size <= max_bytes:
            base = os.path.basename(rel)
            likely = 0 if any(hint in base for hint in hints) else 1
            candidates.append((likely, size, path))
    candidates.sort()
    spent = 0
    for _, size, path in candidates[:max_files]:
        if spent + size > budget_bytes:
            continue
        spent += size
        if read is not None:
            read.append(path)
        build = numpy_build_of_file(path, max_bytes=max_bytes)
        if build is not None:
            return build, path
    return None


def numpy_build_of_files(paths: Iterable[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str] | None:
    """(build, path) for the first file in `paths` that answers."""
    for path in paths:
        build = numpy_build_of_file(path, max_bytes=max_bytes)
        if build is not None:
            return build, path
    return None


def _elf_rodata_ranges(data: mmap.mmap) -> list[tuple[int, int]]:
    """(start, end) file offsets of an ELF file's .rodata* sections; [] when not ELF or odd."""
    size = len(data)
    if size < 64 or data[:4] != b"\x7fELF":
        return []
    cls, order = data[4], data[5]
    if cls not in (1, 2) or order not in (1, 2):
        return []
    endian = "<" if order == 1 else ">"
    try:
        if cls == 2:
            shoff = struct.unpack_from(endian + "Q", data, 0x28)[0]
            shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", data, 0x3A)
            header = endian + "IIQQQQ"
        else:
            shoff = struct.unpack_from(endian + "I", data, 0x20)[0]
            shentsize, shnum, shstrndx = struct.unpack_from(endian + "HHH", data, 0x2E)
            header = endian + "IIIIII"
        if shoff == 0 or shnum == 0 or shstrndx >= shnum or shoff + shnum * shentsize > size:
            return []
        if shentsize < struct.calcsize(header):
            return []
        sections = []
        for i in range(shnum):
            name, _type, _flags, _addr, offset, length = struct.unpack_from(header, data, shoff + i * shentsize)
            sections.append((name, _type, offset, length))
        _, _, str_off, str_len = sections[shstrndx]
        if str_off + str_len > size:
            return []
        ranges: list[tuple[int, int]] = []
        for name, sh_type, offset, length in sections:
            if sh_type == 8:  # SHT_NOBITS: nothing in the file
                continue
            start = str_off + name
            end = data.find(b"\x00", start, str_off + str_len)
            if end < 0:
                continue
            if data[start:end].startswith(b".rodata") and offset + length <= size:
                ranges.append((offset, offset + length))
        return ranges
    except struct.error:
        return []
