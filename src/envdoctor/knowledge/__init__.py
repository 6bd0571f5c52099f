"""The compatibility knowledge base: generated release facts plus curated facts with sources.

`KnowledgeBase.load()` reads the copy refreshed into the user's cache when there is one (and it is
valid), else the copy shipped in `envdoctor/knowledge/data/`. Everything works offline.

Two files:

- `data/curated.json`: the few facts no metadata carries, each with its source (NumPy ABI of a
  build, constraints the metadata misses, removed packages, TensorFlow's tested build
  configurations, NVIDIA's CUDA -> driver table).
- `data/releases.json`: generated from the package index by `envdoctor.knowledge.build`
  (`scripts/build_kb.py`, `envdoctor kb refresh`): every final release of the covered packages,
  its Pythons per platform (from wheel tags), Requires-Python, Requires-Dist exactly as published,
  the CUDA / cuDNN it was built with, upload date, yanked.

The release file is parsed on the first release query, not by `load()`, so rules that only need
curated facts pay nothing for it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from envdoctor.bounded import JSON_LIMIT, load_json, read_bytes
from envdoctor.errors import UsageError
from envdoctor.frameworks import abi_package, compiled_family
from envdoctor.knowledge.interface import EmptyKnowledge, KnowledgeSource
from envdoctor.knowledge.records import (
    PLATFORMS,
    BuildInfo,
    Constraint,
    DriverRequirement,
    Release,
    RemovedPackage,
    extras_of,
)
from envdoctor.locations import SHIPPED_KB_DIR, user_kb_path
from envdoctor.names import canonicalize_name
from envdoctor.versions import parse_version

if TYPE_CHECKING:
    from packaging.requirements import Requirement

__all__ = [
    "CURATED_FILE",
    "DATA_DIR",
    "PLATFORMS",
    "RELEASES_FILE",
    "RELEASES_SCHEMA",
    "BuildInfo",
    "Constraint",
    "DriverRequirement",
    "EmptyKnowledge",
    "KnowledgeBase",
    "KnowledgeSource",
    "Release",
    "RemovedPackage",
    "read_releases_file",
    "user_releases_path",
]

DATA_DIR = SHIPPED_KB_DIR
RELEASES_FILE = "releases.json"
CURATED_FILE = "curated.json"
RELEASES_SCHEMA = 1


def _matches(versions: str, version: str) -> bool:
    parsed = parse_version(version)
    if parsed is None:
        return False
    try:
        return SpecifierSet(versions).contains(parsed, prereleases=True)
    except InvalidSpecifier:
        return False


def user_releases_path(env: Mapping[str, str] | None = None) -> Path:
    """Where `kb refresh` writes the release data."""
    return user_kb_path(env)


def _looks_valid(path: Path) -> bool:
    """A cheap check (no parse) that a release file was written completely by a compatible
    writer: it starts with the schema header and ends with a closing brace."""
    try:
        with path.open("rb") as fh:
            head = fh.read(32)
            fh.seek(-2, os.SEEK_END)
            tail = fh.read()
    except OSError:
        return False
    return head.startswith(b'{"schema":%d,' % RELEASES_SCHEMA) and tail.rstrip().endswith(b"}")


def read_releases_file(path: Path, *, check_types: bool = False) -> dict[str, Any]:
    """Parse and validate a release file; ValueError when it is not one. check_types: every
    record's fields too (tests; the user cache's are checked per package, when first used)."""
    try:
        data = load_json(read_bytes(path, 4 * JSON_LIMIT), str(path))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != RELEASES_SCHEMA:
        raise ValueError(f"{path}: not a release file of schema {RELEASES_SCHEMA}")
    if not isinstance(data.get("packages"), dict):
        raise ValueError(f"{path}: no packages")
    problem = (
        next(filter(None, (_type_problem(n, e) for n, e in data["packages"].items())), None) if check_types else None
    )
    if problem:
        raise ValueError(f"{path}: {problem}")
    return data


def _broken_user_kb(problem: str) -> Exception:
    return UsageError(f"{problem}; `envdoctor kb refresh` writes it anew (or delete it to use the shipped data)")


_STR_FIELDS = ("requires_python", "cuda", "cudnn", "build_source", "upload_time", "yanked_reason", "metadata_file")
_LIST_FIELDS = ("requires", "extras", "compute_capabilities")


def _type_problem(name: str, entry: object) -> str | None:
    """What in a release file's entry for `name` is not of the type `Release.from_record` reads."""
    releases = entry.get("releases") if isinstance(entry, dict) else None
    if not isinstance(releases, list):
        return f"packages.{name}: no list of releases"
    for i, rec in enumerate(releases):
        where = f"packages.{name}.releases[{i}]"
        if not isinstance(rec, dict) or not isinstance(rec.get("version"), str):
            return f"{where}: not a release record with a version"
        for key in _STR_FIELDS:
            if not isinstance(rec.get(key), (str, type(None))):
                return f"{where}.{key}: not a string"
        for key in _LIST_FIELDS:
            value = rec.get(key)
            if value is not None and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                return f"{where}.{key}: not a list of strings"
        pythons = rec.get("pythons")
        if pythons is not None and not (
            isinstance(pythons, dict)
            and all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in pythons.values())
        ):
            return f"{where}.pythons: not platform -> [python versions]"
        if not isinstance(rec.get("stubs"), (dict, type(None))):
            return f"{where}.stubs: not an object"
    return None


class KnowledgeBase:
    def __init__(
        self,
        curated: dict[str, Any],
        releases: dict[str, Any] | None = None,
        *,
        releases_paths: Sequence[Path] = (),
    ) -> None:
        """`releases`: release data already parsed (tests); else the first of `releases_paths`
        that parses is read on the first release query."""
        self._curated = curated
        self._releases_data = releases
        self._releases_paths = list(releases_paths)
        self._releases_path: Path | None = None
        self._check_types = False  # True for a file envdoctor did not ship (the user cache)
        self._cache: dict[str, list[Release]] = {}
        self._by_version: dict[str, dict[Version, Release]] = {}
        # answers of the slower queries (pure functions of the data): plan and the explorer ask
        # the same ones thousands of times
        self._answers: dict[tuple[str, ...], Any] = {}

    @classmethod
    def load(cls, data_dir: Path | None = None, *, prefer_user_cache: bool = True) -> KnowledgeBase:
        """The shipped knowledge, with the release data refreshed into the user cache when it is
        there and valid. `data_dir` replaces the shipped data folder (tests)."""
        directory = data_dir or DATA_DIR
        curated = json.loads((directory / CURATED_FILE).read_text(encoding="utf-8"))
        paths: list[Path] = []
        if prefer_user_cache and data_dir is None:
            user = user_releases_path()
            if _looks_valid(user):
                paths.append(user)
        paths.append(directory / RELEASES_FILE)
        return cls(curated, releases_paths=paths)

    # ----- release data -------------------------------------------------------------------

    @property
    def _data(self) -> dict[str, Any]:
        if self._releases_data is None:
            self._releases_data = {"schema": RELEASES_SCHEMA, "packages": {}}
            for path in self._releases_paths:
                user = path == user_releases_path()
                try:
                    self._releases_data = read_releases_file(path)
                except ValueError as exc:
                    if user and path.exists():  # the user's own cache is broken: say so, never guess
                        raise _broken_user_kb(str(exc)) from None
                    continue
                self._check_types = user
                self._releases_path = path
                break
        return self._releases_data

    @property
    def releases_path(self) -> Path | None:
        """The file the release data was read from (None: given in memory, or none found)."""
        _ = self._data
        return self._releases_path

    @property
    def generated(self) -> str | None:
        """When the release data was generated (ISO time), if known."""
        value = self._data.get("generated")
        return str(value) if value else None

    def packages(self) -> list[str]:
        """The packages the release data covers."""
        return sorted(self._data.get("packages", {}))

    def releases(self, package: str, *, include_yanked: bool = True) -> list[Release]:
        """Every final release of `package` the knowledge base knows, oldest first."""
        name = canonicalize_name(package)
        if name not in self._cache:
            entry = self._data.get("packages", {}).get(name) or {}
            problem = _type_problem(name, entry) if entry and self._check_types else None
            if problem:
                raise _broken_user_kb(f"{self._releases_path}: {problem}")
            found = [Release.from_record(name, rec) for rec in entry.get("releases", [])]
            found.sort(key=lambda r: parse_version(r.version) or Version("0"))
            self._cache[name] = found
        result = self._cache[name]
        return result if include_yanked else [r for r in result if not r.yanked]

    def release(self, package: str, version: str) -> Release | None:
        wanted = parse_version(version)
        if wanted is None:
            return None
        name = canonicalize_name(package)
        index = self._by_version.get(name)
        if index is None:  # plan asks for single releases thousands of times: index them once
            index = {}
            for rel in self.releases(name):
                parsed = parse_version(rel.version)
                if parsed is not None:
                    index.setdefault(parsed, rel)
            self._by_version[name] = index
        return index.get(wanted)

    def newest(self, package: str, python: str | None = None, platform: str | None = None) -> Release | None:
        """The newest non-yanked release (that has a wheel for `python` on `platform`)."""
        if python is not None and platform is not None:
            candidates = self.releases_for(package, python, platform)
        else:
            candidates = self.releases(package, include_yanked=False)
        return candidates[-1] if candidates else None

    def pythons(self, package: str, version: str, platform: str) -> list[str]:
        """The Python versions ("3.9", "3.10", ...) `package==version` has wheels for on
        `platform` (a key of PLATFORMS); [] when unknown or none."""
        rel = self.release(package, version)
        return rel.pythons(platform) if rel else []

    def releases_for(self, package: str, python: str, platform: str, *, include_yanked: bool = False) -> list[Release]:
        """The releases installable from wheels on `python` ("3.11") and `platform`, oldest
        first. A release whose wheel on that platform only redirects (see `Release.stubs`) counts:
        installing it works."""
        minor = _minor(python)
        return [
            r
            for r in self.releases(package, include_yanked=include_yanked)
            if minor in r.pythons_by_platform.get(platform, ())
        ]

    def build(self, package: str, version: str) -> BuildInfo | None:
        """The CUDA / cuDNN a release was built with: from the build info in its wheel, with
        cuDNN minor versions from TensorFlow's tested build configurations where the wheel only
        names the major. None when unknown; BuildInfo(cuda=None, ...) for a CPU-only build."""
        key = ("build", package, version)
        if key not in self._answers:
            self._answers[key] = self._build(package, version)
        result: BuildInfo | None = self._answers[key]
        return result

    def _build(self, package: str, version: str) -> BuildInfo | None:
        rel = self.release(package, version)
        tested = self._tested_config(package, version)
        if rel is None and tested is None:
            return None
        cuda = rel.cuda if rel else None
        cudnn = rel.cudnn if rel else None
        capabilities = rel.compute_capabilities if rel else ()
        sources: list[str] = []
        if rel is not None and rel.build_source:
            sources.append(rel.build_source)
        if tested is not None and (rel is None or rel.cuda is not None):
            t_cuda, t_cudnn, t_source = tested
            if cuda is None:
                cuda = t_cuda
                sources.append(t_source)
            elif _refines(cuda, t_cuda):  # TensorFlow 2.2's Linux build_info.py says "10" for 10.1
                cuda = t_cuda
                sources.append(f"CUDA {t_cuda}: {t_source}")
            if t_cudnn and (cudnn is None or _refines(cudnn, t_cudnn)):
                cudnn = t_cudnn
                sources.append(f"cuDNN {t_cudnn}: {t_source}")
        if rel is not None and not sources and rel.build_source is None and cuda is None:
            return None
        return BuildInfo(cuda, cudnn, tuple(capabilities), "; ".join(sources))

    def _tested_config(self, package: str, version: str) -> tuple[str, str, str] | None:
        """(cuda, cudnn, source) of the framework's tested build configuration for the release's series
        (a curated section its descriptor names: TensorFlow's), else None."""
        found = compiled_family(package)
        section = found[0].tested_builds if found else ""
        if not section:
            return None
        parsed = parse_version(version)
        if parsed is None:
            return None
        key = f"{parsed.major}.{parsed.minor}"
        for entry in self._curated.get(section, []):
            if entry["series"] == key:
                return str(entry["cuda"]), str(entry["cudnn"]), str(entry["source"])
        return None

    @cached_property
    def _drivers(self) -> list[dict[str, Any]]:
        return list(self._curated.get("cuda_drivers", {}).get("toolkits", []))

    def min_driver(self, cuda_version: str) -> DriverRequirement | None:
        """The NVIDIA driver CUDA `cuda_version` ("12.4", "12.4.1", "11.8") needs: the
        toolkit's own driver and the minor-version-compatibility floor of its major family.
        None for a version the table does not know."""
        key = ("min_driver", cuda_version)
        if key not in self._answers:
            self._answers[key] = self._min_driver(cuda_version)
        result: DriverRequirement | None = self._answers[key]
        return result

    def _min_driver(self, cuda_version: str) -> DriverRequirement | None:
        parts = [int(p) for p in _digits(cuda_version)]
        if not parts:
            return None
        table = self._curated.get("cuda_drivers", {})
        minor_floor = table.get("minor_version_compatibility", {}).get(str(parts[0]))
        best: dict[str, Any] | None = None
        for entry in self._drivers:
            ev = [int(p) for p in _digits(str(entry["cuda"]))]
            if ev[:2] != parts[:2]:
                continue
            # the GA release of the minor (x.y.0; 11.0.2 for 11.0, whose 11.0.1 was a release
            # candidate) unless an exact update is asked for
            if len(parts) >= 3 and ev[: len(parts)] == parts[: len(ev)]:
                best = entry
                break
            if entry.get("release") == "RC":
                continue
            if best is None or ev < [int(p) for p in _digits(str(best["cuda"]))]:
                best = entry
        if best is None and minor_floor is None:
            return None
        sources = [str(table.get("source", ""))] if best else []
        if minor_floor:
            sources.append(str(minor_floor.get("source", "")))
        return DriverRequirement(
            cuda=cuda_version,
            toolkit_driver=str(best["linux"]) if best else None,
            minor_compat_driver=str(minor_floor["linux"]) if minor_floor else None,
            source="; ".join(s for s in sources if s),
            windows_toolkit_driver=str(best["windows"]) if best and best.get("windows") else None,
            windows_minor_compat_driver=str(minor_floor["windows"])
            if minor_floor and minor_floor.get("windows")
            else None,
            note=str(table.get("note", "")),
        )

    def requirements(
        self,
        package: str,
        version: str,
        extras: Iterable[str] = (),
        environment: Mapping[str, str] | None = None,
    ) -> list[Requirement]:
        """The release's Requires-Dist as `packaging` requirements: those without an extra marker
        plus those of the requested `extras`. With `environment` (PEP 508 marker variables, e.g.
        `Context.marker_environment`), only the requirements whose marker holds for that target."""
        # lazy: defers packaging.requirements (38.4 ms, 29 modules) until requirements() runs (check's start-up)
        from packaging.requirements import InvalidRequirement, Requirement

        rel = self.release(package, version)
        if rel is None:
            return []
        wanted = {canonicalize_name(e) for e in extras}
        result: list[Requirement] = []
        for text in rel.requires:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            req_extras = extras_of(text)
            if req_extras and not wanted.intersection(req_extras):
                continue
            if environment is not None and req.marker is not None:
                base = dict(environment)
                hit = False
                for extra in req_extras or [""]:
                    base["extra"] = extra
                    if req.marker.evaluate(base):
                        hit = True
                        break
                if not hit:
                    continue
            result.append(req)
        return result

    # ----- curated facts ------------------------------------------------------------------

    @cached_property
    def _constraints(self) -> list[Constraint]:
        return [
            Constraint(**{k: e[k] for k in Constraint.__dataclass_fields__})
            for e in self._curated.get("extra_constraints", [])
        ]

    @cached_property
    def _removed(self) -> dict[str, RemovedPackage]:
        return {
            canonicalize_name(e["package"]): RemovedPackage(
                **{k: e[k] for k in RemovedPackage.__dataclass_fields__ if k in e}
            )
            for e in self._curated.get("removed_packages", [])
        }

    def _numpy_abi_entries(self, package: str, platform: str | None) -> list[dict[str, Any]]:
        """The curated NumPy-ABI entries of `package` that apply on `platform`, in order (an entry
        with "platforms" applies only there, and only when the platform is known)."""
        family = _abi_family(package)
        return [
            e
            for e in self._curated.get("numpy_abi", [])
            if e["package"] == family and ("platforms" not in e or platform in e["platforms"])
        ]

    def numpy_abi(self, package: str, version: str, platform: str | None = None) -> tuple[str, str] | None:
        """("1" | "2", source) for the NumPy C ABI a release was built against on `platform`
        (a platform key such as "windows-x86_64"; None: the general answer), when known."""
        for entry in self._numpy_abi_entries(package, platform):
            if _matches(entry["versions"], version):
                return str(entry["abi"]), str(entry["source"])
        return None

    def first_numpy2_release(self, package: str, platform: str | None = None) -> str | None:
        """The first release of `package` built against NumPy 2 on `platform` ("2.18" for
        TensorFlow; "2.4.1" for torch on Windows)."""
        for entry in self._numpy_abi_entries(package, platform):
            versions = str(entry["versions"])
            if str(entry["abi"]) == "2" and versions.startswith(">=") and "," not in versions:
                return versions[2:].strip()
        return None

    def extra_constraints(self, package: str, version: str) -> list[Constraint]:
        """Curated requirements of a release that its metadata lacks."""
        key = ("extra_constraints", package, version)
        if key not in self._answers:
            family = _abi_family(package)
            found = [c for c in self._constraints if c.package == family and _matches(c.versions, version)]
            self._answers[key] = tuple(found)
        return list(self._answers[key])

    def removed(self, package: str) -> RemovedPackage | None:
        return self._removed.get(canonicalize_name(package))

    def curated_section(self, name: str) -> Any:
        """A raw section of curated.json (for `kb show` and documentation)."""
        return self._curated.get(name)


def _minor(python: str) -> str:
    parts = _digits(python)
    return ".".join(parts[:2]) if len(parts) >= 2 else python


def _digits(text: str) -> list[str]:
    out: list[str] = []
    for piece in text.strip().split("."):
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        out.append(digits)
    return out


def _refines(have: str, candidate: str) -> bool:
    """True when `candidate` ("8.9") is a more precise form of `have` ("8")."""
    h, c = _digits(have), _digits(candidate)
    return len(c) > len(h) and c[: len(h)] == h


def _abi_family(package: str) -> str:
    """The build family whose curated facts apply: TensorFlow's variants share TensorFlow's,
    jaxlib's CUDA plugins share jaxlib's (the frameworks' descriptors say which)."""
    return abi_package(package)


if TYPE_CHECKING:  # mypy holds both to the interface

    def _implements(kb: KnowledgeBase, empty: EmptyKnowledge) -> tuple[KnowledgeSource, KnowledgeSource]:
        return kb, empty
