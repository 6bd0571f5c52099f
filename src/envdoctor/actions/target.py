"""Which environment an action is about, and the few facts about it that actions need.

`resolve_python(python, prefix)` follows check's rules: `--python PATH`, `--prefix DIR` (a venv or
a conda prefix), else the active environment ($VIRTUAL_ENV, $CONDA_PREFIX), else `python` on PATH.
`describe(python)` asks the interpreter itself, through envdoctor's isolated probe (with a
timeout), for its prefix, site-packages and sys.path. Distributions are found from their
dist-info folders, never by import.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor.errors import UsageError
from envdoctor.frameworks import DISTRIBUTIONS


@dataclass
class Target:
    python: str
    version: str = ""
    prefix: str = ""
    base_prefix: str = ""
    sys_path: list[str] = field(default_factory=list)
    site_packages: list[str] = field(default_factory=list)  # purelib, platlib (deduplicated)
    user_site: str | None = None
    user_site_enabled: bool = False

    @property
    def is_venv(self) -> bool:
        return bool(self.prefix) and os.path.isfile(os.path.join(self.prefix, "pyvenv.cfg"))

    @property
    def is_conda(self) -> bool:
        return bool(self.prefix) and os.path.isdir(os.path.join(self.prefix, "conda-meta"))

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


def interpreter_in(prefix: Path) -> Path | None:
    for rel in ("bin/python", "bin/python3", "python.exe", "Scripts/python.exe"):
        candidate = prefix / rel
        if candidate.is_file():
            return candidate
    return None


def resolve_python(python: str | None, prefix: str | None, env: Mapping[str, str] | None = None) -> str:
    """The interpreter a command is about (check's rules, from envdoctor.probe); UsageError when
    there is none."""
    from envdoctor.probe import resolve_target

    target = resolve_target(python=python, prefix=prefix, env=env)
    if not target.python:
        raise UsageError(f"no Python interpreter in {target.prefix} (looked for bin/python)")
    path = Path(target.python)
    if path.is_dir():
        raise UsageError(f"{target.python} is a folder; use --prefix {target.python}")
    return str(path.absolute())


def describe(python: str, *, timeout: float = 30.0) -> Target:
    """Ask the target interpreter about itself through envdoctor's isolated probe (nothing of the
    environment runs: see envdoctor.probe); UsageError when it cannot run."""
    from envdoctor.probe.launch import ProbeError, run_probe

    try:
        data = run_probe(python, timeout=timeout)
    except ProbeError as exc:
        raise UsageError(str(exc)) from None
    sites: list[str] = []
    for key in ("purelib", "platlib"):
        value = data.get(key)
        if isinstance(value, str) and value and value not in sites:
            sites.append(value)
    sys_path = data.get("sys_path")
    user_site = data.get("user_site")
    return Target(
        python=python,
        version=str(data.get("version", "")),
        prefix=str(data.get("prefix", "")),
        base_prefix=str(data.get("base_prefix", "")),
        sys_path=[str(p) for p in sys_path if p] if isinstance(sys_path, list) else [],
        site_packages=sites,
        user_site=user_site if isinstance(user_site, str) else None,
        user_site_enabled=bool(data.get("user_site_enabled")),
    )


@dataclass(frozen=True)
class InstalledDist:
    name: str  # normalized
    version: str
    location: str
    metadata_path: str
    installer: str | None = None
    direct_url: str | None = None
    editable: bool = False


def normalize(name: str) -> str:
    from envdoctor.names import canonicalize_name

    return canonicalize_name(name)


def scan_dists(paths: Iterable[str]) -> list[InstalledDist]:
    """Every *.dist-info / *.egg-info on `paths`, in path order (the first copy of a name wins)."""
    found: list[InstalledDist] = []
    for location in paths:
        try:
            entries = sorted(os.listdir(location))
        except OSError:
            continue
        for entry in entries:
            if not entry.endswith((".dist-info", ".egg-info")):
                continue
            meta = os.path.join(location, entry)
            dist = _read_dist(location, meta)
            if dist is not None:
                found.append(dist)
    return found


def _read_dist(location: str, meta: str) -> InstalledDist | None:
    name = version = None
    metadata_file = os.path.join(meta, "METADATA") if os.path.isdir(meta) else meta
    if os.path.isdir(meta) and not os.path.isfile(metadata_file):
        metadata_file = os.path.join(meta, "PKG-INFO")
    from envdoctor.probe._scan import parse_headers, read_text

    text = read_text(metadata_file, [], head_only=True)  # bounded: regular files, headers only
    if text is not None:
        headers = parse_headers(text)
        name = next(iter(headers.get("name", [])), None)
        version = next(iter(headers.get("version", [])), None)
    if not name or not version:  # fall back to the folder name: name-version.dist-info
        stem = os.path.basename(meta).rsplit(".", 1)[0]
        if "-" not in stem:
            return None
        name, version = stem.split("-", 1)
        version = version.split("-py")[0]
    installer = _read(os.path.join(meta, "INSTALLER"))
    direct = _read(os.path.join(meta, "direct_url.json"))
    editable = False
    url = None
    if direct:
        try:
            data = json.loads(direct)
            url = str(data.get("url")) if data.get("url") else None
            editable = bool((data.get("dir_info") or {}).get("editable"))
        except (ValueError, AttributeError):
            url = None
    return InstalledDist(
        name=normalize(name),
        version=version,
        location=location,
        metadata_path=meta,
        installer=installer.strip() if installer else None,
        direct_url=url,
        editable=editable,
    )


def _read(path: str) -> str | None:
    from envdoctor.bounded import maybe_text

    return maybe_text(path)


def installed_frameworks(target: Target) -> dict[str, list[InstalledDist]]:
    """Framework family -> its distributions on the target's sys.path (winning copy first)."""
    result: dict[str, list[InstalledDist]] = {}
    seen: set[str] = set()
    paths = list(target.sys_path) + [p for p in target.site_packages if p not in target.sys_path]
    for dist in scan_dists(paths):
        module = DISTRIBUTIONS.get(dist.name)  # the family is the module verify imports
        if module is None:
            continue
        key = f"{dist.name}@{dist.location}"
        if key in seen:
            continue
        seen.add(key)
        result.setdefault(module, []).append(dist)
    return result
