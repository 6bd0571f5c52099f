"""The compatibility knowledge base: generated release facts plus curated facts with sources.

`KnowledgeBase.load()` reads the copy refreshed into the user's cache when there is one, else the
copy shipped in `envdoctor/knowledge/data/`. Everything works offline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

DATA_DIR = Path(__file__).with_name("data")


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


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _matches(versions: str, version: str) -> bool:
    parsed = _version(version)
    return parsed is not None and SpecifierSet(versions).contains(parsed, prereleases=True)


class KnowledgeBase:
    def __init__(self, curated: dict[str, Any], releases: dict[str, Any] | None = None) -> None:
        self._curated = curated
        self._releases = releases or {}

    @classmethod
    def load(cls, data_dir: Path | None = None) -> KnowledgeBase:
        directory = data_dir or DATA_DIR
        curated = json.loads((directory / "curated.json").read_text(encoding="utf-8"))
        return cls(curated)

    @cached_property
    def _constraints(self) -> list[Constraint]:
        return [Constraint(**{k: e[k] for k in Constraint.__dataclass_fields__}) for e in self._curated.get("extra_constraints", [])]

    @cached_property
    def _removed(self) -> dict[str, RemovedPackage]:
        return {
            canonicalize_name(e["package"]): RemovedPackage(**{k: e[k] for k in RemovedPackage.__dataclass_fields__})
            for e in self._curated.get("removed_packages", [])
        }

    def numpy_abi(self, package: str, version: str) -> tuple[str, str] | None:
        """("1" | "2", source) for the NumPy C ABI a release was built against, when known."""
        family = _abi_family(package)
        for entry in self._curated.get("numpy_abi", []):
            if entry["package"] == family and _matches(entry["versions"], version):
                return str(entry["abi"]), str(entry["source"])
        return None

    def extra_constraints(self, package: str, version: str) -> list[Constraint]:
        """Curated requirements of a release that its metadata lacks."""
        family = _abi_family(package)
        return [c for c in self._constraints if c.package == family and _matches(c.versions, version)]

    def removed(self, package: str) -> RemovedPackage | None:
        return self._removed.get(canonicalize_name(package))


def _abi_family(package: str) -> str:
    name = canonicalize_name(package)
    if name.startswith(("tensorflow", "tf-nightly", "intel-tensorflow")):
        return "tensorflow"
    return name
