"""What every rule sees: the snapshot, the knowledge base, and indexes derived from them."""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

from packaging.version import Version

from envdoctor.frameworks import framework_family as framework_family
from envdoctor.model import CondaRecord, Distribution, Interpreter, Machine, Snapshot
from envdoctor.names import canonicalize_name
from envdoctor.versions import parse_version as parse_version

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase


class Context:
    """Pure inputs of the rules plus cached indexes over them (no I/O)."""

    def __init__(self, snapshot: Snapshot, kb: KnowledgeBase) -> None:
        self.snapshot = snapshot
        self.kb = kb

    @property
    def interpreter(self) -> Interpreter:
        return self.snapshot.interpreter

    @property
    def machine(self) -> Machine:
        return self.snapshot.machine

    @cached_property
    def memo(self) -> dict[str, Any]:
        """Per-check scratch space for indexes that several rules share (see rules/_deps.py)."""
        return {}

    @cached_property
    def installed(self) -> dict[str, Distribution]:
        """The copy of each distribution that wins on sys.path, by normalized name."""
        result: dict[str, Distribution] = {}
        for dist in self.snapshot.distributions:
            if dist.shadowed_by is None and dist.name not in result:
                result[dist.name] = dist
        return result

    @cached_property
    def all_copies(self) -> dict[str, list[Distribution]]:
        result: dict[str, list[Distribution]] = {}
        for dist in self.snapshot.distributions:
            result.setdefault(dist.name, []).append(dist)
        return result

    @cached_property
    def conda_records(self) -> dict[str, CondaRecord]:
        conda = self.snapshot.conda
        return {canonicalize_name(r.name): r for r in conda.records} if conda else {}

    def get(self, name: str) -> Distribution | None:
        return self.installed.get(canonicalize_name(name))

    def version(self, name: str) -> Version | None:
        dist = self.get(name)
        return parse_version(dist.version) if dist else None

    @cached_property
    def python_version(self) -> Version | None:
        return parse_version(self.snapshot.interpreter.version.split("+")[0])

    @cached_property
    def marker_environment(self) -> dict[str, str]:
        """PEP 508 marker variables of the target interpreter and machine."""
        interp = self.snapshot.interpreter
        machine = self.snapshot.machine
        sys_platform = interp.sys_platform or {"linux": "linux", "windows": "win32", "macos": "darwin"}.get(
            machine.os, ""
        )
        return {
            "implementation_name": interp.implementation or "cpython",
            "implementation_version": interp.version,
            "os_name": "nt" if sys_platform == "win32" else "posix",
            "platform_machine": interp.machine or machine.arch,
            "platform_python_implementation": "CPython"
            if (interp.implementation or "cpython") == "cpython"
            else interp.implementation,
            "platform_release": "",
            "platform_system": {"linux": "Linux", "win32": "Windows", "darwin": "Darwin"}.get(sys_platform, ""),
            "platform_version": "",
            "python_full_version": interp.version,
            "python_version": interp.minor,
            "sys_platform": sys_platform,
        }

    @cached_property
    def frameworks(self) -> dict[str, Distribution]:
        """Installed framework distributions by family ("tensorflow", "torch", "jax")."""
        found: dict[str, Distribution] = {}
        for name, dist in self.installed.items():
            family = framework_family(name)
            if family and family not in found:
                found[family] = dist
        return found

    def python_command(self) -> str:
        return shlex.quote(self.snapshot.interpreter.executable or "python")

    def pip_install(self, specs: Iterable[str], *, extra_args: str = "") -> str:
        """An exact pip command that installs `specs` into the target environment."""
        quoted = " ".join(shlex.quote(s) for s in specs)
        extra = f" {extra_args}" if extra_args else ""
        return f"{self.python_command()} -m pip install{extra} {quoted}"

    def pip_uninstall(self, names: Iterable[str]) -> str:
        return f"{self.python_command()} -m pip uninstall -y {' '.join(shlex.quote(n) for n in names)}"

    def conda_install(self, specs: Iterable[str]) -> str:
        prefix = self.snapshot.conda.prefix if self.snapshot.conda else self.snapshot.interpreter.prefix
        quoted = " ".join(shlex.quote(s) for s in specs)
        return f"conda install -p {shlex.quote(prefix)} {quoted}"

    def install_command(self, specs: Iterable[str], *, for_package: str | None = None) -> str:
        """pip or conda, whichever manages `for_package` (conda when conda installed it)."""
        specs = list(specs)
        if for_package and self.snapshot.conda:
            dist = self.get(for_package)
            managed_by_conda = canonicalize_name(for_package) in self.conda_records and (
                dist is None or (dist.installer or "").strip() == "conda"
            )
            if managed_by_conda:
                return self.conda_install(specs)
        return self.pip_install(specs)
