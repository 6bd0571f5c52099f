"""The knowledge base's records: releases, builds, driver requirements, curated constraints.

Plain frozen data, no I/O: what every knowledge source (the real one, the tests' fakes) answers with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.version import Version

from envdoctor.names import canonicalize_name

#: The platform keys of `pythons` / `releases_for`, in display order.
PLATFORMS: tuple[str, ...] = (
    "linux-x86_64",
    "linux-aarch64",
    "macos-arm64",
    "macos-x86_64",
    "windows-x86_64",
)


@dataclass(frozen=True)
class Constraint:
    """A requirement a release needs that its own metadata does not state (or states wrongly)."""

    package: str
    versions: str
    requirement: str
    cause: str
    reason: str
    source: str


@dataclass(frozen=True)
class RemovedPackage:
    package: str
    since: str
    replacement: str
    replacement_non_linux: str
    cause: str
    reason: str
    source: str
    # the name is a placeholder on PyPI only: conda's package of that name is the real one (`pytorch`)
    pypi_only: bool = False


@dataclass(frozen=True)
class BuildInfo:
    """What a release was built with. `cuda` / `cudnn` are None for CPU-only builds."""

    cuda: str | None
    cudnn: str | None
    compute_capabilities: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class DriverRequirement:
    """The NVIDIA driver a CUDA version needs on Linux x86_64.

    `toolkit_driver`: the driver the toolkit release shipped with; enough for every feature,
    including JIT-compiling the PTX the toolkit produces.
    `minor_compat_driver`: the floor under CUDA minor-version compatibility (CUDA >= 11): an
    application built with any 11.x / 12.x / 13.x toolkit runs on at least this driver of the same
    major family, with a limited feature set (no PTX newer than the driver). None before CUDA 11.
    """

    cuda: str
    toolkit_driver: str | None
    minor_compat_driver: str | None
    source: str
    windows_toolkit_driver: str | None = None
    windows_minor_compat_driver: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Release:
    """One final release of a package on the index."""

    package: str
    version: str
    requires_python: str | None = None
    pythons_by_platform: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stubs: Mapping[str, str] = field(default_factory=dict)  # platform -> package it redirects to
    requires: tuple[str, ...] = ()  # Requires-Dist, exactly as published
    extras: tuple[str, ...] = ()  # Provides-Extra
    cuda: str | None = None
    cudnn: str | None = None
    compute_capabilities: tuple[str, ...] = ()
    build_source: str | None = None
    upload_time: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None
    sdist_only: bool = False
    pure: bool = False  # a py3-none-any wheel: runs on every platform
    metadata_file: str | None = None  # the wheel whose METADATA `requires` comes from

    @property
    def parsed_version(self) -> Version:
        return Version(self.version)

    def pythons(self, platform: str) -> list[str]:
        return list(self.pythons_by_platform.get(platform, ()))

    @property
    def platforms(self) -> list[str]:
        return [p for p in PLATFORMS if self.pythons_by_platform.get(p)]

    def extra_requires(self) -> dict[str, list[str]]:
        """{extra: [the Requires-Dist strings that only apply with it]}."""
        result: dict[str, list[str]] = {name: [] for name in self.extras}
        for text in self.requires:
            for extra in extras_of(text):
                result.setdefault(extra, []).append(text)
        return result

    def to_dict(self) -> dict[str, Any]:
        """The `kb show --format json` shape of a release."""
        return {
            "version": self.version,
            "requires_python": self.requires_python,
            "pythons": {p: list(self.pythons_by_platform.get(p, ())) for p in PLATFORMS},
            "stubs": dict(self.stubs),
            "requires": list(self.requires),
            "extras": self.extra_requires(),
            "cuda": self.cuda,
            "cudnn": self.cudnn,
            "compute_capabilities": list(self.compute_capabilities),
            "build_source": self.build_source,
            "upload_time": self.upload_time,
            "yanked": self.yanked,
            "yanked_reason": self.yanked_reason,
            "sdist_only": self.sdist_only,
            "pure": self.pure,
            "metadata_file": self.metadata_file,
        }

    @classmethod
    def from_record(cls, package: str, rec: Mapping[str, Any]) -> Release:
        pythons = rec.get("pythons") or {}
        return cls(
            package=package,
            version=str(rec["version"]),
            requires_python=rec.get("requires_python"),
            pythons_by_platform={str(k): tuple(v) for k, v in pythons.items()},
            stubs=dict(rec.get("stubs") or {}),
            requires=tuple(rec.get("requires") or ()),
            extras=tuple(rec.get("extras") or ()),
            cuda=rec.get("cuda"),
            cudnn=rec.get("cudnn"),
            compute_capabilities=tuple(rec.get("compute_capabilities") or ()),
            build_source=rec.get("build_source"),
            upload_time=rec.get("upload_time"),
            yanked=bool(rec.get("yanked", False)),
            yanked_reason=rec.get("yanked_reason"),
            sdist_only=bool(rec.get("sdist_only", False)),
            pure=bool(rec.get("pure", False)),
            metadata_file=rec.get("metadata_file"),
        )


def extras_of(requirement: str) -> list[str]:
    """The extras named in a requirement's marker (`extra == "and-cuda"`), cheaply."""
    _, sep, marker = requirement.partition(";")
    if not sep or "extra" not in marker:
        return []
    found: list[str] = []
    pieces = marker.replace("'", '"').split('"')
    for i in range(1, len(pieces), 2):
        before = pieces[i - 1].rstrip()
        if before.endswith("==") and before[:-2].rstrip().endswith("extra"):
            found.append(canonicalize_name(pieces[i]))
    return found
