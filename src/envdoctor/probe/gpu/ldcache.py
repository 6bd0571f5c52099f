"""The dynamic loader's view of the CUDA libraries: /etc/ld.so.conf (with its includes), the binary
/etc/ld.so.cache, and `ldconfig -p`'s text.
"""

from __future__ import annotations

import glob
import re
import struct
from pathlib import Path

from envdoctor.bounded import JSON_LIMIT, read_bytes
from envdoctor.probe.gpu.host import (
    read_file,
)


def ld_so_conf(root: Path, conf: Path, depth: int) -> list[str]:
    text = read_file(conf)
    if not text or depth > 4:
        return []
    dirs: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("include "):
            pattern = line.split(None, 1)[1].strip()
            if not pattern.startswith("/"):
                pattern = "/etc/" + pattern
            for path in sorted(glob.glob(str(root / pattern.lstrip("/")))):
                dirs.extend(ld_so_conf(root, Path(path), depth + 1))
        elif line.startswith("/"):
            dirs.append(line.split()[0])
    return dirs


_CACHE_NEW = b"glibc-ld.so.cache1.1"


CUDA_SONAMES = (
    "libcud",
    "libcub",
    "libcuf",
    "libcur",
    "libcus",
    "libnvrtc",
    "libnvJitLink",
    "libnccl",
    "libcupti",
    "libnvidia-ml",
)


def read_ld_so_cache(path: Path, prefixes: tuple[str, ...] = CUDA_SONAMES) -> list[tuple[str, str]] | None:
    """[(soname, path)] of the CUDA-family entries of a glibc ld.so.cache; None if unreadable.

    The new format (glibc >= 2.32 writes only it): a 48-byte header, `nlibs` entries of
    (int32 flags, uint32 key, uint32 value, uint32 osversion, uint64 hwcap), string offsets
    relative to the header. Older files put it after the libc5-style table; we look it up.
    """
    try:
        data = read_bytes(path, JSON_LIMIT)
    except (OSError, ValueError):
        return None
    start = data.find(_CACHE_NEW)
    if start < 0 or len(data) < start + 48:
        return None
    try:
        nlibs = struct.unpack_from("<I", data, start + 20)[0]
        result: list[tuple[str, str]] = []
        for i in range(nlibs):
            _, key, value, _, _ = struct.unpack_from("<iIIIQ", data, start + 48 + 24 * i)
            soname = _cstring(data, start + key)
            if soname.startswith(prefixes):
                result.append((soname, _cstring(data, start + value)))
        return result
    except (struct.error, UnicodeDecodeError, ValueError):
        return None


def _cstring(data: bytes, offset: int) -> str:
    end = data.index(b"\0", offset)
    return data[offset:end].decode("utf-8")


def parse_ldconfig_p(text: str) -> list[tuple[str, str]]:
    """[(soname, path)] from `ldconfig -p`: "\tlibcudnn.so.8 (libc6,x86-64) => /usr/lib/..."."""
    result = []
    for line in text.splitlines():
        match = re.match(r"\s*(\S+)\s+\(.*\)\s+=>\s+(\S+)", line)
        if match:
            result.append((match.group(1), match.group(2)))
    return result
