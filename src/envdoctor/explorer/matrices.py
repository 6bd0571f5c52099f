"""The knowledge base as matrices, per framework, each cell with its source (plain data).

- `wheels`: releases x Python per platform: a wheel, a stub wheel that installs another package
  (Windows `tensorflow` -> `tensorflow-intel`), or none;
- `builds`: releases x CUDA / cuDNN (and the driver those need), from the wheels' build info,
  plugin metadata and TensorFlow's tested build configurations;
- `drivers`: NVIDIA's CUDA -> driver table for the CUDA versions the framework's builds use;
- `numpy`: the NumPy-ABI boundaries and the caps metadata lacks.

Rendered as HTML by the explorer page and as rich tables by `envdoctor kb show PACKAGE --matrix`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from envdoctor import frameworks as registry
from envdoctor.explorer.selector import PLATFORMS

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase


def _framework(key: str) -> registry.Framework:
    found = registry.get(key)
    if found is None:
        raise KeyError(key)
    return found


_URL = re.compile(r"https?://[^\s;,)'\"]+")
WHEEL, STUB, MISSING = "wheel", "stub", "missing"


def first_url(text: str) -> str:
    """The first web address in a source text ("" when it names none)."""
    match = _URL.search(text or "")
    return match.group(0).rstrip(".") if match else ""


def pypi_files(package: str, version: str) -> str:
    return f"https://pypi.org/project/{package}/{version}/#files"


def _py_key(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split("."))


@dataclass
class WheelMatrix:
    package: str
    pythons: list[str]  # columns, newest first
    # rows, newest release first: (version, yanked, {platform: {python: (kind, target)}})
    rows: list[tuple[str, bool, dict[str, dict[str, tuple[str, str]]]]] = field(default_factory=list)

    def cell(self, row: int, platform: str, python: str) -> tuple[str, str]:
        """(WHEEL | STUB | MISSING, the package a stub installs)."""
        return self.rows[row][2].get(platform, {}).get(python, (MISSING, ""))


def wheels(kb: KnowledgeBase, framework: str) -> WheelMatrix:
    package = _framework(framework).compiled  # the wheels that decide the Pythons (jaxlib for JAX)
    releases = [r for r in kb.releases(package) if not r.sdist_only]
    pythons = sorted(
        {p for r in releases for pys in r.pythons_by_platform.values() for p in pys if p.startswith("3.")},
        key=_py_key,
        reverse=True,
    )
    matrix = WheelMatrix(package, pythons)
    for rel in reversed(releases):
        cells: dict[str, dict[str, tuple[str, str]]] = {}
        for platform in PLATFORMS:
            stub = rel.stubs.get(platform, "")
            cells[platform] = {py: (STUB if stub else WHEEL, stub) for py in rel.pythons(platform)}
        matrix.rows.append((rel.version, rel.yanked, cells))
    return matrix


@dataclass
class BuildRow:
    package: str
    version: str
    cuda: str | None
    cudnn: str | None
    capabilities: tuple[str, ...]
    toolkit_driver: str | None
    minor_compat_driver: str | None
    windows_toolkit_driver: str | None
    source: str


def builds(kb: KnowledgeBase, framework: str) -> list[BuildRow]:
    """The GPU builds of a framework, newest first (CPU-only releases are left out)."""
    rows: list[BuildRow] = []
    for package in _framework(framework).cuda_packages():
        for rel in reversed(kb.releases(package)):
            if rel.yanked or rel.sdist_only:
                continue
            info = kb.build(package, rel.version)
            if info is None or not info.cuda:
                continue
            driver = kb.min_driver(info.cuda)
            rows.append(
                BuildRow(
                    package,
                    rel.version,
                    info.cuda,
                    info.cudnn,
                    tuple(info.compute_capabilities),
                    driver.toolkit_driver if driver else None,
                    driver.minor_compat_driver if driver else None,
                    driver.windows_toolkit_driver if driver else None,
                    str(info.source),
                )
            )
    return rows


@dataclass
class DriverRow:
    cuda: str
    linux: str | None
    windows: str | None
    release: str  # "RC" for a release candidate, else ""
    used_by: list[str]  # "tensorflow 2.18.0", ...


@dataclass
class DriverTable:
    rows: list[DriverRow]
    minor_compat: list[tuple[str, str | None, str | None, str]]  # (major, linux, windows, source)
    source: str
    note: str


def drivers(kb: KnowledgeBase, framework: str | None = None) -> DriverTable:
    """NVIDIA's table for the toolkit rows a framework's builds resolve to (all rows without a
    framework), with the builds that use each."""
    table = kb.curated_section("cuda_drivers") or {}
    used: dict[str, list[str]] = {}
    for fw in [framework] if framework else list(registry.families()):
        for row in builds(kb, fw):
            info = kb.min_driver(row.cuda or "")
            exact = _table_row(table, row.cuda or "", info.toolkit_driver if info else None)
            if exact:
                used.setdefault(exact, []).append(f"{row.package} {row.version}")
    rows = [
        DriverRow(
            str(e["cuda"]),
            e.get("linux"),
            e.get("windows"),
            str(e.get("release", "")),
            used.get(str(e["cuda"]), []),
        )
        for e in table.get("toolkits", [])
        if framework is None or str(e["cuda"]) in used
    ]
    minor = [
        (major, e.get("linux"), e.get("windows"), str(e.get("source", "")))
        for major, e in sorted((table.get("minor_version_compatibility") or {}).items(), key=lambda x: -int(x[0]))
    ]
    return DriverTable(rows, minor, str(table.get("source", "")), str(table.get("note", "")))


def _table_row(table: dict[str, Any], cuda: str, toolkit: str | None) -> str | None:
    """The toolkit row `min_driver(cuda)` answered from (the one with its driver and minor)."""
    want = cuda.split(".")[:2]
    for entry in table.get("toolkits", []):
        if str(entry["cuda"]).split(".")[:2] == want and entry.get("linux") == toolkit and not entry.get("release"):
            return str(entry["cuda"])
    return None


@dataclass
class NumpyRow:
    package: str
    versions: str
    abi: str
    platforms: tuple[str, ...]
    source: str


@dataclass
class CapRow:
    package: str
    versions: str
    requirement: str
    reason: str
    source: str


def numpy(kb: KnowledgeBase, framework: str) -> tuple[list[NumpyRow], list[CapRow]]:
    family = _framework(framework).compiled  # the package the curated facts name
    abi = [
        NumpyRow(e["package"], e["versions"], str(e["abi"]), tuple(e.get("platforms", ())), e["source"])
        for e in kb.curated_section("numpy_abi") or []
        if e["package"] == family
    ]
    caps = [
        CapRow(e["package"], e["versions"], e["requirement"], e["reason"], e["source"])
        for e in kb.curated_section("extra_constraints") or []
        if e["package"] == family
    ]
    return abi, caps


def label(framework: str) -> str:
    return _framework(framework).label
