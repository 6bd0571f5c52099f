"""What every rule sees: the snapshot, the knowledge base, and indexes derived from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from packaging.version import Version

from envdoctor import remedies
from envdoctor.frameworks import framework_family as framework_family
from envdoctor.markers import SYS_PLATFORMS, environment
from envdoctor.model import CondaRecord, Distribution, Interpreter, Machine, Remedy, Snapshot, Step
from envdoctor.names import canonicalize_name
from envdoctor.owner import CONDA, Owner, os_owned, owner_of
from envdoctor.rules._deps import requirers
from envdoctor.versions import parse_version as parse_version

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource


class Context:
    """Pure inputs of the rules plus cached indexes over them (no I/O)."""

    def __init__(self, snapshot: Snapshot, kb: KnowledgeSource) -> None:
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
        return environment(
            sys_platform=interp.sys_platform or SYS_PLATFORMS.get(machine.os, ""),
            machine=interp.machine or machine.arch,
            python=interp.minor,
            full_version=interp.version,
            implementation=interp.implementation or "cpython",
        )

    @cached_property
    def frameworks(self) -> dict[str, Distribution]:
        """Installed framework distributions by family ("tensorflow", "torch", "jax")."""
        found: dict[str, Distribution] = {}
        for name, dist in self.installed.items():
            family = framework_family(name)
            if family and family not in found:
                found[family] = dist
        return found

    # ---- remedies: the fix as data, built against who owns the target (envdoctor.owner) ----------

    @cached_property
    def owner(self) -> Owner:
        return owner_of(self.snapshot)

    def manager_for(self, name: str) -> str:
        """Who changes `name` here: conda (or mamba, micromamba, rattler) for what conda owns in a
        conda prefix, else pip when the target has it, else uv."""
        owner = self.owner
        if owner.kind == CONDA and owner.conda_manager:
            key = canonicalize_name(name)
            dist = self.get(name)
            conda_owned = key in self.conda_records or key in owner.conda_names
            if conda_owned and (dist is None or (dist.installer or "").strip() == "conda"):
                return owner.conda_manager
        return owner.python_manager

    def install(
        self,
        specs: Iterable[str],
        *,
        for_package: str | None = None,
        options: Sequence[str] = (),
        manager: str | None = None,
        index: Sequence[str] = (),
    ) -> Remedy:
        """Install `specs` into the target, with the manager that owns `for_package` (else each
        spec's own package: one step per manager). manager="conda": the prefix's conda flavour, whatever owns it now.
        options: "force-reinstall", "no-deps", "upgrade", "ignore-installed"; index: e.g.
        ["--index-url", URL]."""
        specs = [s for s in specs if s]
        if self.owner.frozen:
            return self.new_env(specs, self.owner.frozen_reason())
        by_manager: dict[str, list[str]] = {}
        for spec in specs:
            by_manager.setdefault(self._manager(manager, for_package or _spec_name(spec)), []).append(spec)
        return Remedy(
            [
                remedies.install(self.owner, group, manager=chosen, options=options, index=index)
                for chosen, group in by_manager.items()
            ]
        )

    def uninstall(self, names: Iterable[str], *, manager: str | None = None) -> Remedy:
        names = list(dict.fromkeys(names))
        blocked = self.blocked(names)
        if blocked is not None:
            return blocked
        steps: list[Step] = []
        by_manager: dict[str, list[str]] = {}
        for name in names:
            by_manager.setdefault(self._manager(manager, name), []).append(name)
        for chosen, group in by_manager.items():
            steps.append(remedies.uninstall(self.owner, group, manager=chosen))
        return Remedy(steps)

    def replace(
        self,
        remove: Iterable[str],
        specs: Iterable[str],
        *,
        for_package: str | None = None,
        options: Sequence[str] = (),
        manager: str | None = None,
    ) -> Remedy:
        """Uninstall `remove`, then install `specs` (a distribution replaced by another, or by itself)."""
        remove, specs = list(remove), list(specs)
        blocked = self.blocked(remove)
        if blocked is not None:
            return blocked if not self.owner.frozen else self.new_env(specs, self.owner.frozen_reason())
        first = self.uninstall(remove)
        second = self.install(specs, for_package=for_package, options=options, manager=manager)
        return Remedy(first.steps + second.steps)

    def unset_env(self, names: Iterable[str], *, reason: str = "") -> Remedy:
        return Remedy([remedies.unset_env(self.owner, names, reason=reason)])

    def set_env(self, name: str, value: str, *, persistent: bool = False, reason: str = "") -> Remedy:
        return Remedy([remedies.set_env(self.owner, name, value, persistent=persistent, reason=reason)])

    def manual(self, reason: str, command: str = "") -> Remedy:
        return Remedy([remedies.manual(reason, command)])

    def new_env(self, specs: Sequence[str], reason: str, *, name: str = "fresh-env") -> Remedy:
        """A fresh environment with the installed frameworks (and `specs`), the target left alone."""
        wanted: dict[str, str] = {}
        for dist in self.frameworks.values():
            wanted[dist.name] = f"{dist.name}=={dist.version}"
        # what needs the packages being fixed comes along (pandas for a numpy pin), at its version
        index = requirers(self)
        for spec in specs:
            for dist, _ in index.get(canonicalize_name(_spec_name(spec)), []):
                if not os_owned(dist):
                    wanted.setdefault(dist.name, f"{dist.name}=={dist.version}")
        for spec in specs:
            wanted[canonicalize_name(_spec_name(spec))] = spec
        return Remedy(
            [remedies.new_env(self.owner, list(wanted.values()), reason, python=self.interpreter.minor, name=name)]
        )

    def delete(self, paths: Sequence[str], *, reason: str = "") -> Remedy:
        """Delete stale metadata files / folders (never ones the OS package manager owns)."""
        return Remedy([remedies.delete(self.owner, paths, reason=reason)])

    def command(self, remedy: Remedy) -> str:
        """The remedy rendered (for hints): the same text `fix` and every other verb print."""
        return remedies.render(remedy) or ""

    def _manager(self, manager: str | None, name: str) -> str:
        if manager == "conda":
            return self.owner.conda_manager or self.owner.python_manager
        return manager or (self.manager_for(name) if name else self.owner.python_manager)

    def blocked(self, names: list[str]) -> Remedy | None:
        """A remedy that says why `names` must not be removed here, or None when they may be."""
        if self.owner.frozen:
            return self.new_env([], self.owner.frozen_reason() + "; nothing is removed from it")
        owned = [d for d in (self.get(n) for n in names) if d is not None and os_owned(d)]
        if owned:
            labels = ", ".join(f"{d.name} {d.version} ({d.location})" for d in owned)
            return self.new_env(
                [],
                f"{labels}: installed by the OS package manager, which owns these files; envdoctor "
                "never removes them (use a virtual environment, where they can be overridden)",
            )
        return None


def _spec_name(spec: str) -> str:
    head = ""
    for ch in spec.strip():
        if ch.isalnum() or ch in "._-":
            head += ch
        else:
            break
    return head
