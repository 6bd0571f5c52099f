"""Tolerant reads of a knowledge source for plan and lint: versions as `packaging` objects, newest
first; a source without release data (a stale cache) answers "unknown" instead of crashing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from envdoctor.knowledge.interface import KnowledgeSource
from envdoctor.knowledge.records import Constraint, Release, RemovedPackage
from envdoctor.markers import for_platform
from envdoctor.versions import parse_version

if TYPE_CHECKING:
    from envdoctor.frameworks import Plugins


def releases(kb: KnowledgeSource, package: str) -> list[Version]:
    """Every known, non-yanked release of `package`, newest first."""
    found: set[Version] = set()
    for release in kb.releases(package, include_yanked=False):
        version = parse_version(release.version)
        if version is not None:
            found.add(version)
    return sorted(found, reverse=True)


def release_index(kb: KnowledgeSource, package: str) -> dict[Version, Release]:
    """{version: release} of `package` (the first release of each version wins)."""
    index: dict[Version, Release] = {}
    for release in kb.releases(package):
        version = parse_version(release.version)
        if version is not None and version not in index:
            index[version] = release
    return index


def pythons(kb: KnowledgeSource, package: str, version: Version, platform: str) -> list[str]:
    """Python minors ("3.11") with a build of `package==version` on `platform`."""
    return sorted(set(kb.pythons(package, str(version), platform)), key=python_key)


def python_key(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in text.split(".")[:2])
    except ValueError:
        return (0,)


def build(kb: KnowledgeSource, package: str, version: Version) -> tuple[str | None, str | None]:
    """(cuda, cudnn) of the release's GPU build, when the KB knows it."""
    info = kb.build(package, str(version))
    if info is None:
        return None, None
    return info.cuda or None, info.cudnn or None


def min_driver(kb: KnowledgeSource, cuda: str, platform: str = "linux-x86_64") -> tuple[str | None, str | None, str]:
    """(minor-compatibility driver, toolkit driver, source) for a CUDA runtime version."""
    info = kb.min_driver(cuda)
    if info is None:
        return None, None, ""
    minor, toolkit = info.minor_compat_driver, info.toolkit_driver
    if platform.startswith("windows") and (info.windows_minor_compat_driver or info.windows_toolkit_driver):
        minor, toolkit = info.windows_minor_compat_driver, info.windows_toolkit_driver
    return minor or None, toolkit or None, info.source or ""


def extra_constraints(kb: KnowledgeSource, package: str, version: Version) -> list[Constraint]:
    return list(kb.extra_constraints(package, str(version)))


def requirements(
    kb: KnowledgeSource,
    package: str,
    version: Version,
    extras: Sequence[str] = (),
    environment: Mapping[str, str] | None = None,
) -> list[Requirement]:
    return list(kb.requirements(package, str(version), tuple(extras), dict(environment) if environment else None))


def removed(kb: KnowledgeSource, package: str) -> RemovedPackage | None:
    return kb.removed(package)


@dataclass(frozen=True)
class PluginGpu:
    """The CUDA plugin a framework's GPU extra (jax[cuda13]) installs from PyPI."""

    plugin: str  # "jax-cuda13-plugin"
    version: Version  # the newest plugin release the extra admits with a wheel on the platform
    pythons: tuple[str, ...]
    cuda: str | None
    cudnn: str | None


def plugin_gpu(
    kb: KnowledgeSource, package: str, version: Version, plugins: Plugins, major: str, platform: str
) -> PluginGpu | None:
    """What `package[<the plugin extra of major>]==version` (jax[cuda13]) installs on `platform` from
    PyPI: the plugin its extra requires, with the plugin's Pythons and CUDA / cuDNN. None when the
    extra names no plugin (older jax took its CUDA jaxlib from Google's storage, not PyPI) or no
    plugin wheel fits."""
    plugin = plugins.of(major)
    own = pythons(kb, package, version, platform) or ["3.12"]
    env = for_platform(platform, own[-1])
    extra = requirements(kb, package, version, (plugins.request_extra.replace("{major}", major),), env)
    specs = [r.specifier for r in extra if canonicalize_name(r.name) == plugin]
    if not specs:
        return None
    for candidate in releases(kb, plugin):
        if all(s.contains(candidate, prereleases=True) for s in specs):
            found = pythons(kb, plugin, candidate, platform)
            if found:
                cuda, cudnn = build(kb, plugin, candidate)
                # early plugins left the NVIDIA wheels to jax's own extra: their minimums are there
                if cuda is None or "." not in cuda:
                    cuda = _nvidia_minimum(extra, "cuda-runtime") or cuda
                cudnn = cudnn or _nvidia_minimum(extra, "cudnn")
                return PluginGpu(plugin, candidate, tuple(found), cuda, cudnn)
    return None


def _nvidia_minimum(reqs: Sequence[Requirement], part: str) -> str | None:
    """major.minor of the lower bound of `nvidia-<part>[-cuXX]` among `reqs`."""
    for req in reqs:
        name = canonicalize_name(req.name)
        if name != f"nvidia-{part}" and not name.startswith(f"nvidia-{part}-cu"):
            continue
        for spec in req.specifier:
            if spec.operator in (">=", "==", "~="):
                return ".".join(spec.version.split(".")[:2])
    return None


def binary_pythons(
    kb: KnowledgeSource, package: str, version: Version, platform: str, binary: str, extras: Sequence[str] = ()
) -> list[str]:
    """The Pythons `package==version` (a pure wheel: jax) runs on: those of the `binary` releases
    (jaxlib) it requires (in its base requirements, or in `extras`: jax's [cpu] before 0.4.27) that
    have a wheel on `platform`. Its own list when the knowledge base has none of those releases."""
    own = pythons(kb, package, version, platform)
    if not own:
        return own
    env = for_platform(platform, own[-1])
    specs = [
        r.specifier
        for r in requirements(kb, package, version, tuple(extras), env)
        if canonicalize_name(r.name) == binary
    ]
    if not specs:
        return own
    matching = [v for v in releases(kb, binary) if all(s.contains(v, prereleases=True) for s in specs)]
    if not matching:
        return own
    served: set[str] = set()
    for candidate in matching:
        served.update(pythons(kb, binary, candidate, platform))
    return [p for p in own if p in served]
