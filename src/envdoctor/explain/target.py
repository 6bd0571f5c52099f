"""The facts a `--snapshot` / `--python` / `--prefix` target adds to a log's: typed, read defensively.

A snapshot is the environment (and machine) the failing command ran in; where it says something the
log also says, the snapshot wins (it was measured, the log was pasted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from envdoctor.model import Snapshot

_PLATFORM_KEYS = ("linux-x86_64", "linux-aarch64", "macos-arm64", "macos-x86_64", "windows-x86_64")


@dataclass(frozen=True)
class TargetFacts:
    python: str | None = None  # "3.11"
    bits: int = 64
    os: str | None = None
    platform: str | None = None  # a knowledge-base platform key, None when none fits
    versions: dict[str, str] = field(default_factory=dict)  # installed distributions
    executable: str = ""
    prefix: str = ""
    is_conda: bool = False
    user_site: str | None = None
    user_site_enabled: bool = False
    pythonpath: str = ""
    driver: str | None = None
    driver_cuda: str | None = None
    gpus: int = 0
    cpu_flags: tuple[str, ...] = ()
    libc: str = ""
    libc_version: str | None = None
    cuda_libraries: dict[str, str] = field(default_factory=dict)  # cudnn -> 8.9.7

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot | None) -> TargetFacts | None:
        if snapshot is None:
            return None
        interp = getattr(snapshot, "interpreter", None)
        machine = getattr(snapshot, "machine", None)
        gpu = getattr(machine, "gpu", None)
        minor = str(getattr(interp, "minor", "") or "") or None
        key = str(getattr(machine, "platform_key", "") or "")
        bits = int(getattr(interp, "bits", 64) or 64)
        versions = {str(d.name).lower(): str(d.version) for d in getattr(snapshot, "distributions", []) or [] if d.name}
        conda = getattr(snapshot, "conda", None)
        for record in getattr(conda, "records", []) or []:
            versions.setdefault(str(record.name).lower(), str(record.version))
        libraries = {
            str(lib.name): str(lib.version)
            for lib in getattr(gpu, "libraries", []) or []
            if getattr(lib, "version", None)
        }
        env = getattr(interp, "env", {}) or {}
        return cls(
            python=minor,
            bits=bits,
            os=str(getattr(machine, "os", "") or "") or None,
            platform=key if key in _PLATFORM_KEYS and bits == 64 else None,
            versions=versions,
            executable=str(getattr(interp, "executable", "") or ""),
            prefix=str(getattr(interp, "prefix", "") or ""),
            is_conda=bool(getattr(interp, "is_conda", False)),
            user_site=getattr(interp, "user_site", None),
            user_site_enabled=bool(getattr(interp, "user_site_enabled", False)),
            pythonpath=str(env.get("PYTHONPATH", "") or ""),
            driver=getattr(gpu, "driver_version", None),
            driver_cuda=getattr(gpu, "cuda_driver_version", None),
            gpus=len(getattr(gpu, "gpus", []) or []),
            cpu_flags=tuple(getattr(machine, "cpu_flags", []) or []),
            libc=str(getattr(machine, "libc", "") or ""),
            libc_version=getattr(machine, "libc_version", None),
            cuda_libraries=libraries,
        )
