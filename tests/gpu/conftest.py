"""Fake machines for the GPU probe and fake knowledge for the GPU rules."""

from __future__ import annotations

import os
import stat
import struct
from collections.abc import Iterable
from pathlib import Path

import pytest

from envdoctor.knowledge import BuildInfo, DriverRequirement, EmptyKnowledge

# A fake driver table for the rule tests (shaped like the curated one; the rules read it through
# the FakeKB below, so these numbers only need to be self-consistent, not current).
TOOLKIT = {
    "11.8": ("520.61.05", "520.06"),
    "12.1": ("530.30.02", "531.14"),
    "12.2": ("535.54.03", "536.25"),
    "12.3": ("545.23.06", "545.84"),
    "12.4": ("550.54.14", "551.61"),
    "12.8": ("570.26", "570.65"),
    "13.0": ("580.65.06", "580.88"),
}
FLOOR = {"11": ("450.80.02", "452.39"), "12": ("525.60.13", "527.41"), "13": ("580.65.06", "580.88")}


class FakeKB(EmptyKnowledge):
    """The two KnowledgeBase queries the GPU rules use, with data given by the test; nothing else known."""

    def __init__(self, builds: dict[tuple[str, str], BuildInfo] | None = None) -> None:
        self.builds = builds or {}

    def build(self, package: str, version: str) -> BuildInfo | None:
        return self.builds.get((package, version))

    def min_driver(self, cuda_version: str) -> DriverRequirement | None:
        parts = cuda_version.split(".")
        key = ".".join(parts[:2])
        toolkit = TOOLKIT.get(key)
        floor = FLOOR.get(parts[0])
        if toolkit is None and floor is None:
            return None
        return DriverRequirement(
            cuda=cuda_version,
            toolkit_driver=toolkit[0] if toolkit else None,
            minor_compat_driver=floor[0] if floor else None,
            source="test table",
            windows_toolkit_driver=toolkit[1] if toolkit else None,
            windows_minor_compat_driver=floor[1] if floor else None,
        )


@pytest.fixture
def kb() -> FakeKB:
    return FakeKB()


def touch(root: Path, *paths: str, content: bytes = b"") -> None:
    for p in paths:
        target = root / p.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def script(directory: Path, name: str, body: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def write_ld_so_cache(path: Path, entries: Iterable[tuple[str, str]]) -> None:
    """A minimal glibc "new format" ld.so.cache (what ldconfig writes since glibc 2.32)."""
    entries = list(entries)
    header = 48
    table = header + 24 * len(entries)
    strings = b""
    packed = b""
    for soname, target in entries:
        key = table + len(strings)
        strings += soname.encode() + b"\0"
        value = table + len(strings)
        strings += target.encode() + b"\0"
        packed += struct.pack("<iIIIQ", 0x0303, key, value, 0, 0)
    head = b"glibc-ld.so.cache1.1" + struct.pack("<II", len(entries), len(strings))
    head += b"\0" * (header - len(head))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(head + packed + strings)


NVIDIA_SMI = """\
case "$1" in
  --query-gpu=*)
    echo "0, NVIDIA GeForce RTX 3090, 8.6, 24576, GPU-1111aaaa-2222-3333-4444-555566667777, 550.54.14"
    echo "1, Tesla K80, 3.7, 11441, GPU-9999bbbb-2222-3333-4444-555566667777, 550.54.14"
    ;;
  *)
    echo "| NVIDIA-SMI 550.54.14    Driver Version: 550.54.14    CUDA Version: 12.4     |"
    ;;
esac
"""


def have_sh() -> bool:
    return os.path.exists("/bin/sh")
