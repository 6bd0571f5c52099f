"""A wheel's platform tag read as the machine it is for: OS, architecture, bitness and the
knowledge base's platform key. One table for the extractor (a log's own wheels tell its machine)
and the rules (whose machine a refused wheel is for). Written here because `packaging.tags` splits
a tag into interpreter / ABI / platform strings but says nothing of a platform string's OS or CPU."""

from __future__ import annotations

import re
from dataclasses import dataclass

# architectures as a platform tag ends in them; amd64 (Windows) is x86_64, arm64 (macOS, Windows) aarch64
_ARCHES = ("x86_64", "amd64", "aarch64", "arm64", "universal2", "i686", "win32", "armv7l", "ppc64le", "s390x")
_SAME_ARCH = {"amd64": "x86_64", "arm64": "aarch64"}
_32_BIT = frozenset({"i686", "win32", "armv7l"})
# the knowledge base's platform keys, by (OS, architecture); a universal2 wheel is listed as Apple silicon's
_KB_KEY = {
    ("windows", "x86_64"): "windows-x86_64",
    ("macos", "x86_64"): "macos-x86_64",
    ("macos", "aarch64"): "macos-arm64",
    ("macos", "universal2"): "macos-arm64",
    ("linux", "x86_64"): "linux-x86_64",
    ("linux", "aarch64"): "linux-aarch64",
}


@dataclass(frozen=True)
class WheelPlatform:
    os: str | None  # windows / macos / linux; None: any (`any`) or unknown
    arch: str  # x86_64, aarch64, universal2, i686, win32, armv7l, ppc64le, s390x; "" unknown
    musl: bool = False

    @property
    def bits(self) -> int | None:
        return None if not self.arch else 32 if self.arch in _32_BIT else 64

    @property
    def key(self) -> str:
        """The knowledge base's platform key ("linux-x86_64"); "" where it lists none (musl, 32-bit)."""
        return "" if self.musl or self.os is None else _KB_KEY.get((self.os, self.arch), "")

    def serves(self, os_name: str | None, arch: str) -> bool:
        """Whether this wheel installs on that OS and architecture (macOS universal2 serves both)."""
        arch = _SAME_ARCH.get(arch, arch)
        return self.os == os_name and (self.arch == arch or (self.os == "macos" and self.arch == "universal2"))

    def serves_key(self, key: str) -> bool:
        """`serves` for a knowledge-base platform key ("macos-arm64")."""
        os_name, _, arch = key.partition("-")
        return not self.musl and self.serves(os_name, arch)


def wheel_platform(tag: str) -> WheelPlatform:
    """The machine a platform tag (`manylinux_2_17_x86_64.manylinux2014_x86_64`, `win_amd64`,
    `macosx_11_0_arm64`) is for."""
    low = tag.lower()
    os_name = "windows" if low.startswith("win") else "macos" if low.startswith("macosx") else None
    if os_name is None and "linux" in low:
        os_name = "linux"
    found = next((a for a in _ARCHES if low.endswith(a)), "")
    return WheelPlatform(os_name, _SAME_ARCH.get(found, found), musl="musllinux" in low)


# a manylinux part of a platform tag and the glibc it promises (PEP 513, 571, 599, 600)
_MANYLINUX = re.compile(r"manylinux(?:(?P<legacy>1|2010|2014)|_(?P<major>\d+)_(?P<minor>\d+))_", re.IGNORECASE)
_LEGACY_GLIBC = {"1": (2, 5), "2010": (2, 12), "2014": (2, 17)}


def manylinux_glibc(tag: str) -> tuple[int, int] | None:
    """The glibc the lowest manylinux part of a (compressed) platform tag asks for
    (`manylinux_2_27_x86_64.manylinux_2_28_x86_64` -> 2.27); None when it has none."""
    levels = [
        _LEGACY_GLIBC[m.group("legacy")] if m.group("legacy") else (int(m.group("major")), int(m.group("minor")))
        for part in tag.split(".")
        if (m := _MANYLINUX.match(part)) is not None
    ]
    return min(levels) if levels else None
