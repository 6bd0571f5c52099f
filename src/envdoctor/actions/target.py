"""Which environment an action is about, and the few facts about it that actions need.

`resolve_python(python, prefix)` follows check's rules: `--python PATH`, `--prefix DIR` (a venv or
a conda prefix), else the active environment ($VIRTUAL_ENV, $CONDA_PREFIX), else `python` on PATH.
`describe(python)` asks the interpreter itself (stdlib only, with a timeout) for its prefix,
site-packages and sys.path. Distributions are found from their dist-info folders, never by import.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from envdoctor.errors import UsageError
from envdoctor.frameworks import DISTRIBUTIONS

_DESCRIBE = r"""
import json, os, site, sys, sysconfig
paths = sysconfig.get_paths()
try:
    user_site = site.getusersitepackages()
except Exception:
    user_site = None
print(json.dumps({
    "executable": sys.executable,
    "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "sys_path": [p for p in sys.path if p],
    "purelib": paths.get("purelib"),
    "platlib": paths.get("platlib"),
    "user_site": user_site,
    "user_site_enabled": bool(site.ENABLE_USER_SITE),
}))
"""


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
    """Ask the target interpreter about itself; UsageError when it cannot run."""
    from envdoctor.actions.proc import run

    try:
        done = run([python, "-c", _DESCRIBE], timeout=timeout)
    except Exception as exc:  # OSError wrapped as EnvdoctorError: not an interpreter
        raise UsageError(f"{python} cannot run: {exc}") from None
    if done.timed_out:
        raise UsageError(f"{python} did not answer within {timeout:.0f} s")
    if done.returncode != 0:
        raise UsageError(f"{python} cannot run ({done.tail(3) or f'exit {done.returncode}'})")
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise UsageError(f"{python} is not a Python interpreter envdoctor can use") from None
    sites: list[str] = []
    for key in ("purelib", "platlib"):
        value = data.get(key)
        if value and value not in sites:
            sites.append(str(value))
    return Target(
        python=python,
        version=str(data.get("version", "")),
        prefix=str(data.get("prefix", "")),
        base_prefix=str(data.get("base_prefix", "")),
        sys_path=[str(p) for p in data.get("sys_path", [])],
        site_packages=sites,
        user_site=data.get("user_site"),
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
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


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
    try:
        with open(metadata_file, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                if key == "Name" and name is None:
                    name = value.strip()
                elif key == "Version" and version is None:
                    version = value.strip()
    except OSError:
        pass
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
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


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
