"""The filter pipeline over one framework's releases in the knowledge base (the user's specifier, a build for the
platform, for the Python, a GPU build, the driver's CUDA, the user's other pins), with the memo one `choose()`
call shares among its choosers. The stage that empties the candidates is the proof when nothing fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from envdoctor.knowledge import view as kbview
from envdoctor.markers import for_platform as marker_environment
from envdoctor.plan.model import Target
from envdoctor.plan.requests import NAME, Request, framework_of
from envdoctor.versions import overlap, parse_version

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource

STAGES = ("spec", "platform", "python", "gpu", "driver", "constraints")


@dataclass
class Outcome:
    version: Version | None
    stage: str = ""  # the filter that emptied the set ("" when a version fits)
    proof: str = ""
    passing: list[Version] = field(default_factory=list)


def version_text(version: Version) -> str:
    return str(version)


def minor_text(version: Version) -> str:
    return f"{version.major}.{version.minor}"


_Conflict = tuple[str, str, str]  # (framework requirement, why, user requirement)


class Memo:
    """What one `choose()` call learns about the KB, shared by its choosers (the main one and the
    relaxed ones `_alternatives` builds for the same target). Everything here is a pure function
    of the KB, the target's platform and the keys, so sharing it changes no result: the infeasible
    proofs ask the same (release, Python) questions many times over, and parsing the same
    requirement and specifier strings for each of them cost more than the choice itself."""

    def __init__(self) -> None:
        self.releases: dict[str, list[Version]] = {}
        self.matching: dict[tuple[str, str, bool | None, bool | None], list[Version]] = {}
        self.pythons: dict[tuple[str, Version], list[str]] = {}
        self.drivers: dict[tuple[str, Version], tuple[str | None, str | None]] = {}
        self.min_drivers: dict[str, str | None] = {}
        self.constraints: dict[tuple[str, Version], list[tuple[Requirement, str]]] = {}
        self.parsed: dict[str, Requirement | None] = {}
        self.overlap: dict[tuple[str, bool | None, str, bool | None], bool] = {}
        self.markers: dict[tuple[str, str], bool] = {}
        self.environments: dict[str, dict[str, str]] = {}
        self.plugins: dict[tuple[str, Version, str], kbview.PluginGpu | None] = {}
        # (others, family, version) -> the conflicts that hold on every Python, and the metadata
        # ones with the marker that decides where they hold (None: the release has no raw
        # Requires-Dist, so they are asked of the KB per Python); (..., python) -> conflicts.
        self.candidates: dict[tuple[Any, ...], tuple[list[_Conflict], list[tuple[_Conflict, Any]]] | None] = {}
        self.conflicts: dict[tuple[Any, ...], list[_Conflict]] = {}


class Chooser:
    def __init__(
        self,
        kb: KnowledgeSource,
        target: Target,
        others: list[Requirement],
        gpu: bool,
        memo: Memo | None = None,
        variants: dict[str, str] | None = None,
        cuda_major: str = "",
    ) -> None:
        self.kb = kb
        self.target = target
        self.others = others
        self.gpu = gpu
        self.memo = memo if memo is not None else Memo()
        # family -> the distribution asked for when it is a variant with releases of its own
        # (tensorflow-cpu): its own KB entries are read, and it is what the plan pins
        self.variants = dict(variants or {})
        self.cuda_major = cuda_major  # the CUDA major of a plugin extra (jax[cuda13]); "" = each one's default
        self._others_key = tuple(str(r) for r in others)
        self._wanted = {canonicalize_name(r.name): r for r in others}

    def package(self, family: str) -> str:
        """The KB package (and the distribution to pin) for `family`."""
        return self.variants.get(family) or framework_of(family).distribution

    def releases(self, family: str) -> list[Version]:
        cache = self.memo.releases
        package = self.package(family)
        if package not in cache:
            cache[package] = kbview.releases(self.kb, package)
        return cache[package]

    def matching(self, family: str, specifier: SpecifierSet, prereleases: bool | None) -> list[Version]:
        """`releases(family)` that `specifier` admits (newest first)."""
        key = (self.package(family), str(specifier), specifier.prereleases, prereleases)
        cache = self.memo.matching
        if key not in cache:
            cache[key] = [v for v in self.releases(family) if specifier.contains(v, prereleases=prereleases)]
        return cache[key]

    def pythons(self, family: str, version: Version) -> list[str]:
        key = (self.package(family), version)
        cache = self.memo.pythons
        if key not in cache:
            framework = framework_of(family)
            if framework.binary and key[0] == framework.distribution:  # a pure wheel: where its binary has wheels
                extras = (framework.cpu_extra,) if framework.cpu_extra else ()
                cache[key] = kbview.binary_pythons(
                    self.kb, key[0], version, self.target.platform, framework.binary, extras
                )
            else:
                cache[key] = kbview.pythons(self.kb, key[0], version, self.target.platform)
        return cache[key]

    def plugin(self, family: str, version: Version) -> kbview.PluginGpu | None:
        """The CUDA plugin the framework's GPU extra installs for `version` (None: none fits)."""
        plugins = framework_of(family).plugins
        if plugins is None:
            return None
        major = self.cuda_major or plugins.default_major
        key = (family, version, major)
        cache = self.memo.plugins
        if key not in cache:
            cache[key] = kbview.plugin_gpu(self.kb, self.package(family), version, plugins, major, self.target.platform)
        return cache[key]

    def gpu_ok(self, family: str, version: Version, python: str | None = None) -> bool:
        framework = framework_of(family)
        if not framework.gpu_on(self.target.os, version):
            return False
        if framework.plugins is not None:  # the CUDA plugin its extra pulls in from PyPI
            plugin = self.plugin(family, version)
            return plugin is not None and (python is None or python in plugin.pythons)
        return True

    def build(self, family: str, version: Version) -> tuple[str | None, str | None]:
        """(cuda, cudnn) of the GPU build a release installs (from its CUDA plugin when it has those)."""
        if framework_of(family).plugins is not None:
            plugin = self.plugin(family, version)
            return (plugin.cuda, plugin.cudnn) if plugin else (None, None)
        return kbview.build(self.kb, self.package(family), version)

    def driver_need(self, family: str, version: Version) -> tuple[str | None, str | None]:
        """(cuda, driver it needs) when the build's CUDA is known."""
        key = (family, version)
        cache = self.memo.drivers
        if key not in cache:
            cache[key] = self._driver_need(family, version)
        return cache[key]

    def _driver_need(self, family: str, version: Version) -> tuple[str | None, str | None]:
        cuda, _ = self.build(family, version)
        if not cuda:
            return None, None
        cache = self.memo.min_drivers  # releases share a few CUDA versions; the KB's lookup is slow
        if cuda not in cache:
            minor, toolkit, _ = kbview.min_driver(self.kb, cuda, self.target.platform)
            cache[cuda] = lowest_driver(minor, toolkit)
        return cuda, cache[cuda]

    def driver_ok(self, family: str, version: Version) -> bool:
        if self.target.os not in ("linux", "windows"):
            return True
        cuda, need = self.driver_need(family, version)
        if cuda is None:
            return True
        driver = parse_version(self.target.driver)
        if driver is not None and need is not None:
            needed = parse_version(need)
            return needed is None or driver >= needed
        cuda_driver = parse_version(self.target.cuda_driver)
        built = parse_version(cuda)
        if cuda_driver is not None and built is not None:
            return cuda_driver.major >= built.major  # CUDA minor-version compatibility
        return True

    def conflicts(self, family: str, version: Version, python: str) -> list[_Conflict]:
        """(framework requirement, why, user requirement) pairs that cannot hold together."""
        if not self.others:
            return []
        key = (self._others_key, family, version, python)
        cache = self.memo.conflicts
        if key not in cache:
            cache[key] = self._conflicts_of(family, version, python)
        return cache[key]

    def _conflicts_of(self, family: str, version: Version, python: str) -> list[_Conflict]:
        key = (self._others_key, family, version)
        cache = self.memo.candidates
        if key not in cache:
            raw = self._raw_requirements_on(family, version, frozenset(self._wanted))
            cache[key] = None if raw is None else self._candidates(family, version, raw)
        candidates = cache[key]
        if candidates is None:  # no raw Requires-Dist: the KB evaluates the markers for this Python
            env = self._environment(python)
            metadata = [
                r
                for r in kbview.requirements(self.kb, self.package(family), version, (), env)
                if canonicalize_name(r.name) in self._wanted
            ]
            candidates = self._candidates(family, version, metadata)
        always, conditional = candidates
        found = list(always)
        for conflict, marker in conditional:
            if marker is None or self._marker_holds(marker, python):
                found.append(conflict)
        return found

    def _candidates(
        self, family: str, version: Version, metadata: list[Requirement]
    ) -> tuple[list[_Conflict], list[tuple[_Conflict, Any]]]:
        """The conflicts of one release that do not depend on the Python: the curated ones, and
        the metadata ones with the marker that decides whether they apply."""
        always: list[_Conflict] = []
        for need, reason in self._constraints(family, version):
            user = self._wanted.get(canonicalize_name(need.name))
            if user is not None and not self._overlap(need.specifier, user.specifier):
                always.append((str(need), reason, str(user)))
        conditional: list[tuple[_Conflict, Any]] = []
        for need in metadata:
            user = self._wanted.get(canonicalize_name(need.name))
            if user is not None and not self._overlap(need.specifier, user.specifier):
                conditional.append(((str(need), "its metadata requires it", str(user)), need.marker))
        return always, conditional

    def _constraints(self, family: str, version: Version) -> list[tuple[Requirement, str]]:
        """The curated constraints of a release, parsed (unparseable ones skipped)."""
        key = (family, version)
        cache = self.memo.constraints
        if key not in cache:
            parsed: list[tuple[Requirement, str]] = []
            for constraint in kbview.extra_constraints(self.kb, self.package(family), version):
                need = self._parse(constraint.requirement)
                if need is not None:
                    parsed.append((need, str(constraint.reason)))
            cache[key] = parsed
        return cache[key]

    def _overlap(self, a: SpecifierSet, b: SpecifierSet) -> bool:
        key = (str(a), a.prereleases, str(b), b.prereleases)
        cache = self.memo.overlap
        if key not in cache:
            cache[key] = overlap(a, b)
        return cache[key]

    def _environment(self, python: str) -> dict[str, str]:
        cache = self.memo.environments
        if python not in cache:
            cache[python] = marker_environment(self.target.platform, python)
        return cache[python]

    def _marker_holds(self, marker: Any, python: str) -> bool:
        key = (str(marker), python)
        cache = self.memo.markers
        if key not in cache:
            cache[key] = bool(marker.evaluate({**self._environment(python), "extra": ""}))
        return cache[key]

    def fits(self, family: str, version: Version, python: str | None) -> bool:
        """Whether one release passes every filter (the fast path: newest first, stop early)."""
        pys = self.pythons(family, version)
        if not pys or (python is not None and python not in pys):
            return False
        if self.gpu and not (self.gpu_ok(family, version, python) and self.driver_ok(family, version)):
            return False
        return python is None or not self.conflicts(family, version, python)

    def _raw_requirements_on(self, family: str, version: Version, names: frozenset[str]) -> list[Requirement] | None:
        """The release's raw Requires-Dist on `names`, parsed, markers kept (None: the release has
        no raw list). Pre-filtered by name: parsing all of them for every release would cost more
        than the whole choice."""
        release = self.kb.release(self.package(family), str(version))
        if release is None:
            return None
        raw = release.requires
        result: list[Requirement] = []
        for text in raw:
            head = NAME.match(str(text))
            if head is None or canonicalize_name(head.group(0)) not in names:
                continue
            parsed = self._parse(str(text))
            if parsed is not None:
                result.append(parsed)
        return result

    def _parse(self, text: str) -> Requirement | None:
        """`Requirement(text)`, once per text (releases repeat the same pins); None when invalid."""
        cache = self.memo.parsed
        if text not in cache:
            try:
                cache[text] = Requirement(text)
            except InvalidRequirement:
                cache[text] = None
        return cache[text]

    def pick(self, req: Request, python: str | None, *, spec: bool = True, full: bool = False) -> Outcome:
        target = self.target
        versions = self.releases(req.family)
        pre = True if target.prereleases else None
        if spec:
            versions = self.matching(req.family, req.specifier, pre)
        elif not target.prereleases:
            versions = [v for v in versions if not v.is_prerelease]
        if not full:
            for version in versions:
                if self.fits(req.family, version, python):
                    return Outcome(version, passing=[version])
        if not versions:
            known = self.releases(req.family)
            tail = f" (known: {known[-1]} to {known[0]})" if known else " (none known)"
            return Outcome(None, "spec", f"no {req.family} release matches {req.label}{tail}")
        on_platform = [v for v in versions if self.pythons(req.family, v)]
        if not on_platform:
            return Outcome(None, "platform", f"{req.label} has no build for {target.platform}")
        if python is not None:
            fitting = [v for v in on_platform if python in self.pythons(req.family, v)]
            if not fitting:
                pys = sorted({p for v in on_platform for p in self.pythons(req.family, v)}, key=kbview.python_key)
                return Outcome(
                    None,
                    "python",
                    f"{req.label} has builds for Python {_span(pys)} on {target.platform}; you asked for {python}",
                )
        else:
            fitting = on_platform
        if self.gpu:
            gpu_fitting = [v for v in fitting if self.gpu_ok(req.family, v, python)]
            if not gpu_fitting:
                return Outcome(None, "gpu", self._gpu_proof(req))
            fitting = gpu_fitting
            driver_fitting = [v for v in fitting if self.driver_ok(req.family, v)]
            if not driver_fitting:
                oldest = fitting[-1]
                cuda, need = self.driver_need(req.family, oldest)
                have = target.driver or f"CUDA {target.cuda_driver}"
                return Outcome(
                    None,
                    "driver",
                    f"{req.label} needs CUDA {cuda} or newer -> NVIDIA driver >= {need}; this driver is {have}",
                )
            fitting = driver_fitting
        if python is not None and self.others:
            ok = [v for v in fitting if not self.conflicts(req.family, v, python)] if full else []
            found = self.conflicts(req.family, fitting[0], python)
            if not ok and found:
                need, why, user = found[0]
                return Outcome(None, "constraints", f"{req.label} needs {need} ({why}); you asked for {user}")
            fitting = ok or fitting
        return Outcome(fitting[0], passing=fitting)

    def _gpu_proof(self, req: Request) -> str:
        if self.target.os == "macos":
            return f"{req.label} has no CUDA build on macOS"
        gap = framework_of(req.family).gpu_gaps.get(self.target.os)
        if gap is not None:
            return f"{req.label}: {gap.reason}" + (f" ({gap.source})" if gap.source else "")
        return f"{req.label} has no GPU build for {self.target.platform}"


def lowest_driver(*drivers: str | None) -> str | None:
    """The lowest of the known driver floors: either suffices (CUDA 11.0's own GA driver,
    450.51.05, is below the 11.x minor-compatibility floor 450.80.02)."""
    known = [(v, d) for d in drivers if d for v in [parse_version(d)] if v is not None]
    return min(known)[1] if known else None


def _span(pythons: Sequence[str]) -> str:
    if not pythons:
        return "none"
    return pythons[0] if len(pythons) == 1 else f"{pythons[0]}–{pythons[-1]}"


def all_pythons(chooser: Chooser, requests: Sequence[Request]) -> list[str]:
    found: set[str] = set()
    for req in requests:
        for version in chooser.releases(req.family):
            found.update(chooser.pythons(req.family, version))
    return sorted(found, key=kbview.python_key, reverse=True)


def best_python(
    chooser: Chooser, requests: Sequence[Request], pythons: Sequence[str], installed: set[str]
) -> tuple[str, list[Version]] | None:
    best: tuple[tuple[Any, ...], str, list[Version]] | None = None
    for python in pythons:
        picked: list[Version] = []
        for req in requests:
            outcome = chooser.pick(req, python)
            if outcome.version is None:
                break
            picked.append(outcome.version)
        else:
            key = (tuple(picked), python in installed, kbview.python_key(python))
            if best is None or key > best[0]:
                best = (key, python, picked)
    return (best[1], best[2]) if best else None
