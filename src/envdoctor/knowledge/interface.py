"""The knowledge-base interface: the queries rules, lint, plan and explain may ask.

`KnowledgeSource` is structural (a Protocol): the real `KnowledgeBase` implements it, and so does
`EmptyKnowledge`, the source that knows nothing (every answer "unknown"), which the tests' fakes
extend with the facts they need. Callers type their kb parameter with it, never `Any`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from envdoctor.knowledge.records import BuildInfo, Constraint, DriverRequirement, Release, RemovedPackage

if TYPE_CHECKING:
    from packaging.requirements import Requirement


class KnowledgeSource(Protocol):
    """What a knowledge base answers. Versions are strings as published; lists are oldest first."""

    def packages(self) -> list[str]:
        """The packages the release data covers."""
        ...

    def releases(self, package: str, *, include_yanked: bool = True) -> list[Release]:
        """Every final release of `package` known, oldest first."""
        ...

    def release(self, package: str, version: str) -> Release | None: ...

    def releases_for(self, package: str, python: str, platform: str, *, include_yanked: bool = False) -> list[Release]:
        """The releases with a wheel for `python` ("3.11") on `platform` ("linux-x86_64")."""
        ...

    def pythons(self, package: str, version: str, platform: str) -> list[str]:
        """The Python minors `package==version` has wheels for on `platform`."""
        ...

    def build(self, package: str, version: str) -> BuildInfo | None:
        """The CUDA / cuDNN the release was built with (None: unknown)."""
        ...

    def min_driver(self, cuda_version: str) -> DriverRequirement | None:
        """The NVIDIA driver a CUDA runtime version needs (None: unknown)."""
        ...

    def requirements(
        self,
        package: str,
        version: str,
        extras: Iterable[str] = (),
        environment: Mapping[str, str] | None = None,
    ) -> list[Requirement]:
        """The release's Requires-Dist (plus `extras`; only those whose marker holds in `environment`)."""
        ...

    def numpy_abi(self, package: str, version: str, platform: str | None = None) -> tuple[str, str] | None:
        """("1" | "2", source): the NumPy C ABI the release was built against."""
        ...

    def first_numpy2_release(self, package: str, platform: str | None = None) -> str | None: ...

    def extra_constraints(self, package: str, version: str) -> list[Constraint]:
        """Curated requirements of the release that its metadata lacks."""
        ...

    def removed(self, package: str) -> RemovedPackage | None:
        """The curated record of a package that was removed from the index (tensorflow-gpu)."""
        ...


class EmptyKnowledge:
    """A knowledge source that knows nothing: every query answers "unknown". Subclass it to give
    a few facts (the tests' fakes do)."""

    def packages(self) -> list[str]:
        return []

    def releases(self, package: str, *, include_yanked: bool = True) -> list[Release]:
        return []

    def release(self, package: str, version: str) -> Release | None:
        return next((r for r in self.releases(package) if r.version == version), None)

    def releases_for(self, package: str, python: str, platform: str, *, include_yanked: bool = False) -> list[Release]:
        return [r for r in self.releases(package, include_yanked=include_yanked) if python in r.pythons(platform)]

    def pythons(self, package: str, version: str, platform: str) -> list[str]:
        found = self.release(package, version)
        return found.pythons(platform) if found else []

    def build(self, package: str, version: str) -> BuildInfo | None:
        return None

    def min_driver(self, cuda_version: str) -> DriverRequirement | None:
        return None

    def requirements(
        self,
        package: str,
        version: str,
        extras: Iterable[str] = (),
        environment: Mapping[str, str] | None = None,
    ) -> list[Requirement]:
        return []

    def numpy_abi(self, package: str, version: str, platform: str | None = None) -> tuple[str, str] | None:
        return None

    def first_numpy2_release(self, package: str, platform: str | None = None) -> str | None:
        return None

    def extra_constraints(self, package: str, version: str) -> list[Constraint]:
        return []

    def removed(self, package: str) -> RemovedPackage | None:
        return None
