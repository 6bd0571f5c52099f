"""Who owns the target environment, and how it may be changed: the one model every remedy uses.

- a venv (or a plain prefix) with pip in it: `PYTHON -m pip`;
- a venv without pip (`uv venv`): `uv pip ... --python PYTHON`;
- a conda prefix: conda / mamba / micromamba (py-rattler where none is installed) for the records
  conda owns, pip (else uv) inside the prefix for the rest;
- a non-venv interpreter marked EXTERNALLY-MANAGED (PEP 668): nothing (pip and uv refuse, and the
  OS owns it): a fresh environment instead.

Files the OS package manager owns (Debian's /usr/lib/python3/dist-packages, an INSTALLER of rpm or
dpkg) are never uninstalled or deleted, in any kind of target. Pure: reads only the snapshot.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from envdoctor.model import CondaRecord, Distribution, Snapshot
from envdoctor.names import canonicalize_name

UV_VENV = "uv-venv"  # no pip inside: uv changes it
PIP_VENV = "pip-venv"  # pip inside (a venv, or a plain prefix such as pyenv's)
CONDA = "conda"
EXTERNALLY_MANAGED = "externally-managed"

CONDA_FLAVOURS = ("micromamba", "mamba", "conda")
OS_INSTALLERS = frozenset({"debian", "dpkg", "apt", "rpm", "dnf", "yum", "zypper", "pacman", "apk", "portage"})
_OS_TREES = ("/usr/lib/", "/usr/lib64/", "/usr/share/", "/lib/", "/lib64/")


@dataclass(frozen=True)
class Owner:
    kind: str  # UV_VENV | PIP_VENV | CONDA | EXTERNALLY_MANAGED
    python: str  # the target interpreter
    prefix: str  # sys.prefix (the conda prefix for conda)
    site_packages: tuple[str, ...] = ()
    has_pip: bool = False  # pip installed inside the target
    marker: str | None = None  # the EXTERNALLY-MANAGED file
    uv: str = "uv"  # how uv is typed on this machine
    conda: str = ""  # conda / mamba / micromamba program, "" when none is installed
    conda_flavour: str = ""  # "conda" | "mamba" | "micromamba" | "rattler" | ""
    rattler_python: str = ""  # envdoctor's Python with py-rattler (conda prefixes without conda)
    channels: tuple[str, ...] = ()  # the channels the prefix's conda records came from
    windows: bool = False
    conda_names: dict[str, str] = field(default_factory=dict)  # distribution -> conda record name

    @property
    def python_manager(self) -> str:
        """How Python packages go in: pip when the target has it, else uv."""
        return "pip" if self.has_pip else "uv"

    @property
    def frozen(self) -> bool:
        """Never install into or delete from it (PEP 668)."""
        return self.kind == EXTERNALLY_MANAGED

    @property
    def conda_manager(self) -> str:
        """conda / mamba / micromamba, else rattler (envdoctor with py-rattler), else ""."""
        return self.conda_flavour

    def describe(self) -> str:
        if self.kind == EXTERNALLY_MANAGED:
            return f"{self.python}: an externally managed interpreter (PEP 668 marker {self.marker})"
        if self.kind == CONDA:
            return f"conda prefix {self.prefix} ({self.conda_flavour or 'no conda installed'})"
        if self.kind == UV_VENV:
            return f"{self.prefix}: no pip inside (changed with uv)"
        return f"{self.prefix}: pip inside"

    def frozen_reason(self) -> str:
        return (
            f"{self.python} is marked EXTERNALLY-MANAGED ({self.marker}): the OS package manager owns "
            "it, and pip and uv refuse to install into it (PEP 668)"
        )

    def conda_name(self, name: str) -> str:
        return self.conda_names.get(canonicalize_name(name), name)


def _inside(path: str, roots: list[str]) -> bool:
    norm = path.replace("\\", "/").rstrip("/")
    for root in roots:
        r = root.replace("\\", "/").rstrip("/")
        if r and (norm == r or norm.startswith(r + "/")):
            return True
    return False


def owner_of(snapshot: Snapshot) -> Owner:
    interp = snapshot.interpreter
    tools = snapshot.machine.tools
    sites = [s for s in interp.site_packages if s]
    has_pip = any(
        d.name == "pip" and d.shadowed_by is None and _inside(d.location, sites) for d in snapshot.distributions
    )
    windows = interp.sys_platform == "win32" or snapshot.machine.os == "windows"
    uv = tools.get("uv", "uv")
    if snapshot.conda is not None:
        program, flavour = "", ""
        for name in CONDA_FLAVOURS:
            if tools.get(name):
                program, flavour = tools[name], name
                break
        rattler = tools.get("rattler", "")
        if not flavour:
            # no conda binary found: py-rattler when envdoctor has it, else conda as the user types it
            flavour, program = ("rattler", "") if rattler else ("conda", "conda")
        return Owner(
            CONDA,
            interp.executable,
            snapshot.conda.prefix or interp.prefix,
            tuple(sites),
            has_pip,
            uv=uv,
            conda=program,
            conda_flavour=flavour,
            rattler_python=rattler,
            channels=tuple(_channels(snapshot.conda.records)),
            windows=windows,
            conda_names=_conda_names(snapshot.conda.records),
        )
    if interp.externally_managed and not interp.is_venv:
        return Owner(
            EXTERNALLY_MANAGED,
            interp.executable,
            interp.prefix,
            tuple(sites),
            has_pip,
            marker=interp.externally_managed,
            uv=uv,
            windows=windows,
        )
    kind = PIP_VENV if has_pip else UV_VENV
    return Owner(kind, interp.executable, interp.prefix, tuple(sites), has_pip, uv=uv, windows=windows)


def _channels(records: list[CondaRecord]) -> list[str]:
    """The channels the records came from, most used first (`.../conda-forge/linux-64` -> `.../conda-forge`)."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for n, record in enumerate(records):
        channel = record.channel.strip().rstrip("/")
        if not channel or channel.startswith("pypi") or channel == "<unknown>":
            continue
        tail = channel.rsplit("/", 1)[-1]
        if record.subdir and tail in (record.subdir, "noarch"):
            channel = channel.rsplit("/", 1)[0]
        counts[channel] += 1
        first.setdefault(channel, n)
    return sorted(counts, key=lambda c: (-counts[c], first[c]))


def _conda_names(records: list[CondaRecord]) -> dict[str, str]:
    names: dict[str, str] = {}
    for record in records:
        names[canonicalize_name(record.name)] = record.name
        for folder in record.python_dists:
            stem = os.path.basename(folder.rstrip("/")).rsplit(".", 1)[0]
            dist_name = stem.split("-", 1)[0]
            if dist_name:
                names.setdefault(canonicalize_name(dist_name), record.name)
    return names


def os_owned(dist: Distribution) -> bool:
    """Files the OS package manager installed (and owns): never uninstall or delete them."""
    installer = (dist.installer or "").strip().lower()
    if installer in OS_INSTALLERS:
        return True
    location = dist.location.replace("\\", "/")
    if installer in ("pip", "uv", "conda", "poetry", "pdm"):
        return False
    return location.startswith(_OS_TREES) and ("/dist-packages" in location or "/site-packages" in location)


def outside(owner: Owner, dist: Distribution) -> bool:
    """Whether `dist` loads from outside the target (user site, PYTHONPATH, another env)."""
    if not dist.location:
        return False
    return not (_inside(dist.location, list(owner.site_packages)) or _inside(dist.location, [owner.prefix]))
