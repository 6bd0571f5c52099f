"""Tolerant reads of the knowledge base for plan and lint.

The KB is duck-typed here (`Any`): tests pass small fakes, and a KB without release data (a stale
cache) answers "unknown" instead of crashing. Versions come back as `packaging` objects, newest
first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from envdoctor.frameworks import Plugins


def _call(kb: Any, method: str, *args: Any) -> Any:
    func = getattr(kb, method, None)
    if func is None:
        return None
    return func(*args)


def version_of(release: Any) -> Version | None:
    raw = release if isinstance(release, (str, Version)) else getattr(release, "version", None)
    if raw is None:
        return None
    try:
        return raw if isinstance(raw, Version) else Version(str(raw))
    except InvalidVersion:
        return None


def releases(kb: Any, package: str) -> list[Version]:
    """Every known, non-yanked release of `package`, newest first."""
    found: set[Version] = set()
    for release in _call(kb, "releases", package) or ():
        if getattr(release, "yanked", False):
            continue
        version = version_of(release)
        if version is not None:
            found.add(version)
    return sorted(found, reverse=True)


def release_index(kb: Any, package: str) -> dict[Version, Any]:
    """{version: release object} (cached on the KB object when it allows attributes)."""
    cache: dict[str, dict[Version, Any]] | None = getattr(kb, "_envdoctor_plan_index", None)
    if cache is None:
        cache = {}
        with contextlib.suppress(AttributeError):
            kb._envdoctor_plan_index = cache
    if package not in cache:
        index: dict[Version, Any] = {}
        for release in _call(kb, "releases", package) or ():
            version = version_of(release)
            if version is not None and version not in index:
                index[version] = release
        cache[package] = index
    return cache[package]


def pythons(kb: Any, package: str, version: Version, platform: str) -> list[str]:
    """Python minors ("3.11") with a build of `package==version` on `platform`."""
    release = release_index(kb, package).get(version)
    direct = getattr(release, "pythons", None)
    result = direct(platform) if callable(direct) else _call(kb, "pythons", package, str(version), platform)
    result = result or ()
    return sorted({str(p) for p in result}, key=python_key)


def python_key(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(x) for x in text.split(".")[:2])
    except ValueError:
        return (0,)


def build(kb: Any, package: str, version: Version) -> tuple[str | None, str | None]:
    """(cuda, cudnn) of the release's GPU build, when the KB knows it."""
    info = _call(kb, "build", package, str(version))
    if info is None:
        return None, None
    cuda = getattr(info, "cuda", None)
    cudnn = getattr(info, "cudnn", None)
    return (str(cuda) if cuda else None), (str(cudnn) if cudnn else None)


def min_driver(kb: Any, cuda: str, platform: str = "linux-x86_64") -> tuple[str | None, str | None, str]:
    """(minor-compatibility driver, toolkit driver, source) for a CUDA runtime version."""
    info = _call(kb, "min_driver", cuda)
    if info is None:
        return None, None, ""
    prefix = "windows_" if platform.startswith("windows") else ""
    minor = getattr(info, prefix + "minor_compat_driver", None)
    toolkit = getattr(info, prefix + "toolkit_driver", None)
    if prefix and not (minor or toolkit):
        minor = getattr(info, "minor_compat_driver", None)
        toolkit = getattr(info, "toolkit_driver", None)
    return (
        str(minor) if minor else None,
        str(toolkit) if toolkit else None,
        str(getattr(info, "source", "") or ""),
    )


def extra_constraints(kb: Any, package: str, version: Version) -> list[Any]:
    return list(_call(kb, "extra_constraints", package, str(version)) or ())


def requirements(
    kb: Any,
    package: str,
    version: Version,
    extras: Sequence[str] = (),
    environment: Mapping[str, str] | None = None,
) -> list[Requirement]:
    func = getattr(kb, "requirements", None)
    if func is None:
        return []
    result: list[Requirement] = []
    for item in func(package, str(version), tuple(extras), dict(environment) if environment else None) or ():
        if isinstance(item, Requirement):
            result.append(item)
        else:
            try:
                result.append(Requirement(str(item)))
            except InvalidRequirement:
                continue
    return result


def removed(kb: Any, package: str) -> Any:
    return _call(kb, "removed", package)


@dataclass(frozen=True)
class PluginGpu:
    """The CUDA plugin a framework's GPU extra (jax[cuda13]) installs from PyPI."""

    plugin: str  # "jax-cuda13-plugin"
    version: Version  # the newest plugin release the extra admits with a wheel on the platform
    pythons: tuple[str, ...]
    cuda: str | None
    cudnn: str | None


def _platform_environment(platform: str, python: str) -> dict[str, str]:
    from envdoctor.markers import for_platform

    return for_platform(platform, python)


def plugin_gpu(
    kb: Any, package: str, version: Version, plugins: Plugins, major: str, platform: str
) -> PluginGpu | None:
    """What `package[<the plugin extra of major>]==version` (jax[cuda13]) installs on `platform` from
    PyPI: the plugin its extra requires, with the plugin's Pythons and CUDA / cuDNN. None when the
    extra names no plugin (older jax took its CUDA jaxlib from Google's storage, not PyPI) or no
    plugin wheel fits."""
    plugin = plugins.of(major)
    own = pythons(kb, package, version, platform) or ["3.12"]
    env = _platform_environment(platform, own[-1])
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
    kb: Any, package: str, version: Version, platform: str, binary: str, extras: Sequence[str] = ()
) -> list[str]:
    """The Pythons `package==version` (a pure wheel: jax) runs on: those of the `binary` releases
    (jaxlib) it requires (in its base requirements, or in `extras`: jax's [cpu] before 0.4.27) that
    have a wheel on `platform`. Its own list when the knowledge base has none of those releases."""
    own = pythons(kb, package, version, platform)
    if not own:
        return own
    env = _platform_environment(platform, own[-1])
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
