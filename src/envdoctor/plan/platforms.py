"""Platform keys ("linux-x86_64") to what uv, conda and PEP 508 markers call them."""

from __future__ import annotations

from envdoctor.errors import UsageError
from envdoctor.plan.model import PLATFORMS

_CONDA_SUBDIR = {
    "linux-x86_64": "linux-64",
    "linux-aarch64": "linux-aarch64",
    "macos-arm64": "osx-arm64",
    "macos-x86_64": "osx-64",
    "windows-x86_64": "win-64",
}
_UV_NON_LINUX = {
    "macos-arm64": "aarch64-apple-darwin",
    "macos-x86_64": "x86_64-apple-darwin",
    "windows-x86_64": "x86_64-pc-windows-msvc",
}
_ALIASES = {
    "linux": "linux-x86_64",
    "linux-64": "linux-x86_64",
    "linux-amd64": "linux-x86_64",
    "linux-arm64": "linux-aarch64",
    "osx-arm64": "macos-arm64",
    "osx-64": "macos-x86_64",
    "darwin-arm64": "macos-arm64",
    "macos": "macos-arm64",
    "windows": "windows-x86_64",
    "win-64": "windows-x86_64",
    "win-amd64": "windows-x86_64",
    "windows-amd64": "windows-x86_64",
}
DEFAULT_GLIBC = "2.28"


def normalize_platform(text: str) -> str:
    key = text.strip().lower().replace("_", "-") if text else ""
    key = key.replace("x86-64", "x86_64")
    key = _ALIASES.get(key, key)
    if key not in PLATFORMS:
        raise UsageError(f"unknown platform {text!r}; use one of {', '.join(PLATFORMS)}")
    return key


def conda_subdir(platform: str) -> str:
    return _CONDA_SUBDIR[platform]


def uv_platform(platform: str, glibc: str | None = None) -> str:
    """uv's --python-platform: "x86_64-manylinux_2_28", "aarch64-apple-darwin", ..."""
    if platform in _UV_NON_LINUX:
        return _UV_NON_LINUX[platform]
    arch = platform.split("-", 1)[1]
    minor = 28
    if glibc:
        try:
            minor = int(glibc.split(".")[1])
        except (IndexError, ValueError):
            minor = 28
    minor = max(17, min(40, minor))
    if minor in (18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30):
        # uv names only some manylinux levels; fall back to the highest named level below.
        minor = 17 if minor < 28 else 28
    return f"{arch}-manylinux_2_{minor}"
