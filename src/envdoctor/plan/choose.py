"""The knowledge-base choice: newest framework release that fits, plus the curated caps. Pure.

`choose(specs, target, kb)` runs every framework request through a pipeline of filters (the user's
specifier, a build for the platform, for the Python, a GPU build, the driver's CUDA, the user's other
pins). The filter that empties the candidate set is the proof when nothing fits; relaxing one input
at a time gives the nearest feasible alternatives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from envdoctor import frameworks
from envdoctor.errors import UsageError
from envdoctor.frameworks import Framework, PlanQuestion
from envdoctor.knowledge import view as kbview
from envdoctor.markers import for_platform as marker_environment
from envdoctor.plan.model import Choice, GpuBuild, Pin, Target
from envdoctor.versions import overlap, parse_version

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource

DEFAULT_PYTHON = "3.12"
STAGES = ("spec", "platform", "python", "gpu", "driver", "constraints")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _framework(family: str) -> Framework:
    found = frameworks.get(family)
    if found is None:
        raise UsageError(f"unknown framework {family!r}")
    return found


@dataclass
class Request:
    family: str
    name: str  # as the user wrote it, normalized
    specifier: SpecifierSet
    extras: tuple[str, ...]
    gpu_hint: bool | None
    text: str
    cuda_major: str = ""  # "13" when asked for jax[cuda13] (a CUDA plugin's major)

    @property
    def label(self) -> str:
        return f"{self.family}{self.specifier}" if str(self.specifier) else self.family


@dataclass
class Outcome:
    version: Version | None
    stage: str = ""  # the filter that emptied the set ("" when a version fits)
    proof: str = ""
    passing: list[Version] = field(default_factory=list)


def parse_requirement(text: str) -> Requirement:
    try:
        return Requirement(text.strip())
    except InvalidRequirement as exc:
        raise UsageError(f"not a requirement: {text!r} ({exc})") from None


def split_requests(specs: Sequence[str]) -> tuple[list[Request], list[Requirement], list[str]]:
    """Framework requests, the user's other requirements, and notes (renames)."""
    requests: dict[str, Request] = {}
    others: list[Requirement] = []
    notes: list[str] = []
    for text in specs:
        req = parse_requirement(text)
        framework = frameworks.of_request(req.name)
        if framework is None:
            others.append(req)
            continue
        family = framework.key
        name = canonicalize_name(req.name)
        variant = framework.variant(name)
        extras = tuple(sorted(req.extras))
        hint: bool | None = None
        if variant is not None and variant.removed:
            hint = True
            notes.append(
                f"{text}: {variant.note or name + ' was removed'}; planned as {framework.distribution} with its GPU "
                "build instead"
            )
        elif (variant is not None and variant.cpu_only) or (framework.cpu_extra and framework.cpu_extra in extras):
            hint = False
        if any(frameworks.is_gpu_extra(e) for e in extras):
            hint = True
        plugins = framework.plugins
        cuda_major = next((m for e in extras for m in [plugins.extra_major(e)] if m), "") if plugins else ""
        extras = tuple(e for e in extras if not frameworks.is_gpu_extra(e))
        if family in requests:
            prev = requests[family]
            prev.specifier &= req.specifier
            prev.extras = tuple(sorted(set(prev.extras) | set(extras)))
            prev.gpu_hint = hint if hint is not None else prev.gpu_hint
            prev.cuda_major = cuda_major or prev.cuda_major
        else:
            requests[family] = Request(family, name, SpecifierSet(str(req.specifier)), extras, hint, text, cuda_major)
    return list(requests.values()), others, notes


def _vtext(version: Version) -> str:
    return str(version)


def _minor(version: Version) -> str:
    return f"{version.major}.{version.minor}"


_Conflict = tuple[str, str, str]  # (framework requirement, why, user requirement)


class _Memo:
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


class _Chooser:
    def __init__(
        self,
        kb: KnowledgeSource,
        target: Target,
        others: list[Requirement],
        gpu: bool,
        memo: _Memo | None = None,
        variants: dict[str, str] | None = None,
        cuda_major: str = "",
    ) -> None:
        self.kb = kb
        self.target = target
        self.others = others
        self.gpu = gpu
        self.memo = memo if memo is not None else _Memo()
        # family -> the distribution asked for when it is a variant with releases of its own
        # (tensorflow-cpu): its own KB entries are read, and it is what the plan pins
        self.variants = dict(variants or {})
        self.cuda_major = cuda_major  # the CUDA major of a plugin extra (jax[cuda13]); "" = each one's default
        self._others_key = tuple(str(r) for r in others)
        self._wanted = {canonicalize_name(r.name): r for r in others}

    def package(self, family: str) -> str:
        """The KB package (and the distribution to pin) for `family`."""
        return self.variants.get(family) or _framework(family).distribution

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
            framework = _framework(family)
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
        plugins = _framework(family).plugins
        if plugins is None:
            return None
        major = self.cuda_major or plugins.default_major
        key = (family, version, major)
        cache = self.memo.plugins
        if key not in cache:
            cache[key] = kbview.plugin_gpu(self.kb, self.package(family), version, plugins, major, self.target.platform)
        return cache[key]

    def gpu_ok(self, family: str, version: Version, python: str | None = None) -> bool:
        framework = _framework(family)
        if not framework.gpu_on(self.target.os, version):
            return False
        if framework.plugins is not None:  # the CUDA plugin its extra pulls in from PyPI
            plugin = self.plugin(family, version)
            return plugin is not None and (python is None or python in plugin.pythons)
        return True

    def build(self, family: str, version: Version) -> tuple[str | None, str | None]:
        """(cuda, cudnn) of the GPU build a release installs (from its CUDA plugin when it has those)."""
        if _framework(family).plugins is not None:
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
            cache[cuda] = _lowest(minor, toolkit)
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
            head = _NAME.match(str(text))
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
        gap = _framework(req.family).gpu_gaps.get(self.target.os)
        if gap is not None:
            return f"{req.label}: {gap.reason}" + (f" ({gap.source})" if gap.source else "")
        return f"{req.label} has no GPU build for {self.target.platform}"


def _lowest(*drivers: str | None) -> str | None:
    """The lowest of the known driver floors: either suffices (CUDA 11.0's own GA driver,
    450.51.05, is below the 11.x minor-compatibility floor 450.80.02)."""
    known = [(v, d) for d in drivers if d for v in [parse_version(d)] if v is not None]
    return min(known)[1] if known else None


def _span(pythons: Sequence[str]) -> str:
    if not pythons:
        return "none"
    return pythons[0] if len(pythons) == 1 else f"{pythons[0]}–{pythons[-1]}"


def _all_pythons(chooser: _Chooser, requests: Sequence[Request]) -> list[str]:
    found: set[str] = set()
    for req in requests:
        for version in chooser.releases(req.family):
            found.update(chooser.pythons(req.family, version))
    return sorted(found, key=kbview.python_key, reverse=True)


def _best(
    chooser: _Chooser, requests: Sequence[Request], pythons: Sequence[str], installed: set[str]
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


def _variants(kb: KnowledgeSource, requests: Sequence[Request], gpu: bool) -> dict[str, str]:
    """{family: variant} for requests of a variant planned as itself with releases in the KB, in a CPU
    plan: a plan for tensorflow-cpu pins tensorflow-cpu (a GPU plan asks for tensorflow[and-cuda])."""
    if gpu:
        return {}
    result: dict[str, str] = {}
    for r in requests:
        variant = _framework(r.family).variant(r.name)
        if variant is not None and variant.own_plan and kbview.releases(kb, r.name):
            result[r.family] = r.name
    return result


def _gpu_default(target: Target, requests: Sequence[Request]) -> tuple[bool, str]:
    if target.gpu is not None:
        return target.gpu, "--gpu" if target.gpu else "--cpu"
    hints = [r.gpu_hint for r in requests if r.gpu_hint is not None]
    if hints:
        return any(hints), "the requested package spelling"
    has_driver = bool(target.driver or target.cuda_driver)
    if has_driver and target.os == "linux":
        return True, f"an NVIDIA driver ({target.driver or 'CUDA ' + str(target.cuda_driver)}) is present"
    return False, "no NVIDIA driver" if not has_driver else f"GPU builds on {target.os} need --gpu"


def choose(
    specs: Sequence[str],
    target: Target,
    kb: KnowledgeSource,
    *,
    conda_specs: Sequence[str] = (),
    memo_pool: dict[tuple[Any, ...], Any] | None = None,
) -> Choice:
    """The KB choice for `specs` on `target` (pure: no I/O beyond the in-memory KB).

    `memo_pool`: a dict kept by a caller that asks many questions of one KB (the explorer page);
    what one call learns is reused by the next call of the same scope (KB, platform, plugin CUDA
    major, pre-releases), which is all the memo depends on."""
    requests, others, notes = split_requests(specs)
    gpu, gpu_why = _gpu_default(target, requests)
    variants = _variants(kb, requests, gpu)
    cuda_major = next((r.cuda_major for r in requests if r.cuda_major), "")
    memo: _Memo | None = None
    if memo_pool is not None:
        scope = (id(kb), target.platform, cuda_major, target.prereleases, tuple(sorted(variants.items())))
        memo = memo_pool.setdefault(scope, _Memo())
    chooser = _Chooser(kb, target, others, gpu, memo, cuda_major=cuda_major, variants=variants)
    installed = set(target.installed_pythons)
    choice = Choice(feasible=False, python=None, platform=target.platform, gpu=gpu)
    choice.reasons.extend(notes)

    if not requests:
        python = target.python or _newest(installed) or DEFAULT_PYTHON
        choice.feasible = True
        choice.python = python
        choice.requirements = [str(r) for r in others]
        choice.reasons.append(_python_reason(python, target, installed, "no framework requested"))
        _conda_part(choice, target, [], [], conda_specs, kb)
        return choice

    pythons = [target.python] if target.python else _all_pythons(chooser, requests)
    best = _best(chooser, requests, pythons, installed) if pythons else None
    if best is None:
        _explain_infeasible(choice, chooser, requests, pythons, installed)
        return choice

    python, versions = best
    choice.feasible = True
    choice.python = python
    why = "pinned with --python-version" if target.python else "the newest Python the chosen releases support"
    if not target.python and python in installed:
        why += " that is installed here"
    choice.reasons.append(f"Python {python}: {why}")
    choice.reasons.append(f"{'GPU' if gpu else 'CPU'} build: {gpu_why}")
    if not gpu and target.os == "windows" and (target.driver or target.cuda_driver):
        for req in requests:
            gap = _framework(req.family).gpu_gaps.get(target.os)
            if gap is not None:
                choice.reasons.append(f"{gap.reason}: use WSL2 for the GPU")
    for req, version in zip(requests, versions):
        _add_framework(choice, chooser, req, version, python)
    choice.requirements.extend(str(r) for r in others)
    _conda_part(choice, target, requests, versions, conda_specs, kb)
    return choice


def _newest(pythons: set[str]) -> str | None:
    return max(pythons, key=kbview.python_key) if pythons else None


def _python_reason(python: str, target: Target, installed: set[str], why: str) -> str:
    if target.python:
        return f"Python {python}: pinned with --python-version"
    if python in installed:
        return f"Python {python}: the newest installed here ({why})"
    return f"Python {python}: default ({why})"


def _add_framework(choice: Choice, chooser: _Chooser, req: Request, version: Version, python: str) -> None:
    target = chooser.target
    gpu = chooser.gpu
    framework = _framework(req.family)
    extras = list(req.extras)
    cuda, cudnn = chooser.build(req.family, version)
    gpu_build = GpuBuild(cuda, cudnn) if gpu and cuda else None
    if gpu and cuda and gpu_build is not None:
        plugin = chooser.plugin(req.family, version)
        if plugin is not None:
            gpu_build.package = f"{plugin.plugin}=={plugin.version}"
    question = PlanQuestion(str(version), target.os, gpu, cuda, cudnn, target.manager, chooser.cuda_major)
    spelling = framework.plan_build(question)  # the framework's own spelling of this build
    extras += spelling.extras
    detail = list(spelling.detail)
    system_cuda = spelling.system_cuda
    if spelling.index_backend:
        choice.index_backend = spelling.index_backend
    if gpu and cuda and target.os in ("linux", "windows") and spelling.driver_applies:
        _, need = chooser.driver_need(req.family, version)
        if need:
            have = target.driver or (f"CUDA {target.cuda_driver}" if target.cuda_driver else "unknown")
            cuda_text = cuda or ""
            minor, toolkit, _ = kbview.min_driver(chooser.kb, cuda_text, target.platform)
            full_text = f", >= {toolkit} for every feature" if toolkit and toolkit != need else ""
            detail.append(f"needs NVIDIA driver >= {need}{full_text} (this machine: {have})")
            package = gpu_build.package if gpu_build else ""
            gpu_build = GpuBuild(cuda, cudnn, need, toolkit, minor, package)
    name = chooser.package(req.family)  # the main distribution; a CPU variant stays itself in a CPU plan
    spec_text = str(req.specifier) or "any version"
    reason = f"newest {req.family} matching {spec_text} with a build for Python {python} on {target.platform}"
    if detail:
        reason += "; " + "; ".join(detail)
    pin = Pin(name, _vtext(version), reason, "pip", tuple(sorted(set(extras))), gpu=gpu_build)
    if target.conda_framework:
        pin.source = "conda"
    choice.pins.append(pin)
    extra_text = f"[{','.join(pin.extras)}]" if pin.extras else ""
    if not target.conda_framework:
        choice.requirements.append(f"{name}{extra_text}=={version}")
    choice.reasons.append(f"{name} {version}: {reason}")
    for constraint in kbview.extra_constraints(chooser.kb, chooser.package(req.family), version):
        requirement = str(constraint.requirement)
        if requirement not in choice.constraints:
            choice.constraints.append(requirement)
        cap_name = canonicalize_name(Requirement(requirement).name)
        cap = f"cap {requirement} for {req.family} {version}: {constraint.reason} ({constraint.source})"
        choice.cap_reasons[cap_name] = cap
        choice.reasons.append(cap)
    if system_cuda and target.manager == "conda" and cuda:
        choice.conda_specs.append(f"cudatoolkit={_short(cuda)}")
        if cudnn:
            choice.conda_specs.append(f"cudnn={_short(cudnn)}")


def _short(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _conda_part(
    choice: Choice,
    target: Target,
    requests: Sequence[Request],
    versions: Sequence[Version],
    conda_specs: Sequence[str],
    kb: KnowledgeSource,
) -> None:
    if target.manager != "conda":
        return
    specs = [f"python={choice.python}"]
    if target.conda_framework:
        for req, version in zip(requests, versions):
            conda = _framework(req.family).conda
            conda_name = conda.request if conda is not None else _framework(req.family).distribution
            build = "=*cuda*" if choice.gpu and target.os == "linux" else ""
            specs.append(f"{conda_name}={version}{build}" if build else f"{conda_name}=={version}")
        for line in choice.requirements:
            specs.append(pep508_to_conda(line))
        choice.requirements = []
        choice.conda_constraints = [pep508_to_conda(c) for c in choice.constraints]
    else:
        specs.append("pip")
    for spec in [*choice.conda_specs, *conda_specs]:
        if spec not in specs and not spec.startswith("python"):
            specs.append(spec)
    choice.conda_specs = specs


def pep508_to_conda(text: str) -> str:
    """ "numpy<2,>=1.26" -> "numpy <2,>=1.26" (conda match spec)."""
    req = parse_requirement(text)
    return f"{canonicalize_name(req.name)} {req.specifier}".strip() if str(req.specifier) else req.name


def _explain_infeasible(
    choice: Choice,
    chooser: _Chooser,
    requests: Sequence[Request],
    pythons: Sequence[str],
    installed: set[str],
) -> None:
    target = chooser.target
    # The proof: the request and Python whose failure came latest in the pipeline.
    worst: tuple[int, str, Request, Outcome] | None = None
    for python in pythons or [None]:  # type: ignore[list-item]
        for req in requests:
            outcome = chooser.pick(req, python)
            if outcome.version is None:
                rank = STAGES.index(outcome.stage)
                if worst is None or rank > worst[0]:
                    worst = (rank, python or "", req, outcome)
                break
    if worst is None:  # every request fits alone, but no single Python fits all of them
        choice.proof.append(
            "no single Python version has builds of "
            + " and ".join(r.label for r in requests)
            + f" on {target.platform}"
        )
        return
    _, python, req, outcome = worst
    alternatives = _alternatives(chooser, requests, req, outcome, python or None)
    choice.alternatives = alternatives
    proof = outcome.proof
    if alternatives:
        proof += " -> " + ", or ".join(alternatives)
    choice.proof.append(proof)
    choice.python = python or target.python


def _alternatives(
    chooser: _Chooser, requests: Sequence[Request], req: Request, outcome: Outcome, python: str | None
) -> list[str]:
    target = chooser.target
    installed = set(target.installed_pythons)
    result: list[str] = []
    # 1. another Python for the same request
    if target.python and outcome.stage in ("python", "constraints", "gpu", "driver"):
        all_pys = _all_pythons(chooser, [req])
        best = _best(chooser, list(requests), all_pys, installed)
        if best is not None:
            result.append(f"use Python {best[0]}")
    # 2. another release of the framework
    if outcome.stage != "platform" and not target.python:
        free_req = Request(req.family, req.name, SpecifierSet(), req.extras, req.gpu_hint, req.text, req.cuda_major)
        best = _best(chooser, [free_req], _all_pythons(chooser, [req]), installed)
        if best is not None:
            result.append(f"{req.family}=={best[1][0]} (Python {best[0]})")
    elif outcome.stage != "platform":
        relaxed = chooser.pick(req, python, spec=False, full=True)
        if relaxed.version is not None and relaxed.passing:
            low = min(relaxed.passing)
            spec_versions = [v for v in chooser.releases(req.family) if req.specifier.contains(v)]
            if str(req.specifier) and spec_versions and low > max(spec_versions):
                result.append(f"{req.family}>={_minor(low)}")
            else:
                result.append(f"{req.family}=={relaxed.version}")
    # 3. CPU instead of GPU
    if chooser.gpu and outcome.stage in ("gpu", "driver"):
        cpu = _Chooser(
            chooser.kb,
            target,
            chooser.others,
            gpu=False,
            memo=chooser.memo,
            cuda_major=chooser.cuda_major,
            variants=chooser.variants,
        )
        if cpu.pick(req, python).version is not None:
            result.append("--cpu")
        if target.os == "windows":
            result.append("WSL2 (--platform linux-x86_64)")
    # 4. a newer driver
    if outcome.stage == "driver":
        version = chooser.pick(req, python, spec=True)
        spec_versions = [v for v in chooser.releases(req.family) if req.specifier.contains(v)]
        needs = [need for v in spec_versions for _, need in [chooser.driver_need(req.family, v)] if need]
        if version.version is None and needs:
            result.append(f"an NVIDIA driver >= {_lowest(*needs)}")
    # 5. drop the user's conflicting pin
    if outcome.stage == "constraints":
        free = _Chooser(
            chooser.kb,
            target,
            [],
            chooser.gpu,
            memo=chooser.memo,
            cuda_major=chooser.cuda_major,
            variants=chooser.variants,
        )
        if free.pick(req, python).version is not None:
            conflicting = outcome.proof.rsplit("you asked for ", 1)[-1]
            result.append(f"drop {conflicting}")
    return result
