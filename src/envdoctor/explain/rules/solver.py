"""What a solver's conflict really is: the Python, the driver, glibc, the platform, a removed
package, or a genuine clash of pins (then: which requirement to move)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from envdoctor.explain import wheelhistory
from envdoctor.explain.conflicts import python_blamed_wrongly
from envdoctor.explain.extract import version_tuple
from envdoctor.explain.logfacts import Offered, Requested
from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule
from envdoctor.knowledge.records import RemovedPackage
from envdoctor.versions import parse_version

# Conflict kinds that are really another cause (root cause over the solver's symptom).
_KIND_CAUSE = {
    "python": ("python-unsupported", "the solver's only clash is the Python version"),
    "cuda-driver": ("driver-too-old", "the solver's only clash is the CUDA driver (__cuda) this machine has"),
    "glibc": ("glibc-too-old", "the solver's only clash is this system's glibc (__glibc)"),
    "platform": ("platform-unsupported", "the solver found no build of a requirement for this platform"),
}
_SOLVER = "solver-conflict"
_UV_PLATFORM_IDS = frozenset({"platform/uv-wheel-platform", "platform/uv-hint-only-wheels-for"})


def _conflict_evidence(ctx: RuleContext) -> list[Evidence]:
    return ctx.evidence(_SOLVER)[:3]


@cause_rule("solver/conflict-is-another-cause", *(c for c, _ in _KIND_CAUSE.values()))
def conflict_is_another_cause(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a conda / libmamba / uv conflict whose only clash is `python`, `__cuda`, `__glibc` or
    the platform (a uv split on sys_platform).
    Why: the solver reports the symptom; the pin that cannot move is the machine's or the Python's,
    so that is the cause (conda `UnsatisfiableError` on python -> python-unsupported).
    Example: `Package python conflicts for: tensorflow==2.4 -> python[version='>=3.6,<3.9']`; Poetry's
    "The current project's supported Python range (>=3.10,<4.0) is not compatible with some of the
    required packages Python requirement" (the fix: the range Poetry can satisfy)."""
    conflicts = ctx.facts.conflicts
    if not conflicts or _SOLVER not in ctx.signals or any(c.kind == "conflict" for c in conflicts):
        return
    for conflict in conflicts:
        found = _KIND_CAUSE.get(conflict.kind)
        if found:
            cause, why = found
            reason = f"{why}: {conflict.reason}" if conflict.reason else why
            moves: tuple[str, ...] = (_SOLVER,)
            plat = ctx.signals.get("platform-unsupported")
            if cause == "glibc-too-old" and plat is not None and set(plat.ids) <= _UV_PLATFORM_IDS:
                moves += ("platform-unsupported",)  # uv's platform-tag lines are the glibc reading's evidence
            fix = conflict.fix or None
            yield Verdict(cause, 0.9, reason, _conflict_evidence(ctx), moves_from=moves, fix=fix)
            return


@cause_rule("solver/python-blamed-with-builds-around-it", _SOLVER)
def python_blamed_with_builds_around_it(ctx: RuleContext) -> Iterator[Verdict]:
    """What: conda's "incompatible with the existing python installation", where the python
    ranges it lists for the package hold Pythons both older and newer than the environment's
    (`>=3.7,<3.8|>=3.13,<3.14` with Python 3.10).
    Why: a release is built for a run of Pythons without a gap; a Python inside that run has its
    builds too, and something else in the request (a `pytorch-cuda` pin without its channel, a
    second package) excluded them. conda's classic solver then blames the python pin: the specs
    clash, and moving Python would not help.
    Example: `torchaudio==2.4.0 -> python[version='>=2.7,<2.8.0a0|>=3.13,<3.14.0a0|>=3.7,<3.8.0a0']`
    with `Your python: python==3.10.9`."""
    if "python-unsupported" not in ctx.signals:
        return
    for conflict in ctx.facts.conflicts:
        if python_blamed_wrongly(conflict):
            yield Verdict(
                _SOLVER,
                0.85,
                conflict.reason,
                ctx.evidence("python-unsupported")[:2],
                moves_from=("python-unsupported",),
            )
            return


@cause_rule("solver/requested-a-removed-package", "package-removed")
def requested_a_removed_package(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a requirement (asked for, collected, or in a solver's conflict) names a package the
    knowledge base lists as removed from PyPI (tensorflow-gpu after 2.11), and the install failed,
    or the pin is the removal's release or later (`tensorflow-gpu==2.12.0rc0`: nothing real exists).
    A conda request is not one: conda channels still build tensorflow-gpu and pytorch.
    Why: what remains on the index fails on purpose (an sdist whose setup.py raises) or has no
    release for new Pythons; the error that follows is a symptom.
    Example: `Collecting tensorflow-gpu` ... `metadata-generation-failed`."""
    kb = ctx.kb if ctx.facts.requests or ctx.facts.conflicts else None
    if kb is None:
        return
    for req in ctx.facts.requests:
        removed = kb.removed(req.name)
        if removed is None or not _from_pypi(req):
            continue  # the removals are PyPI's: conda channels still build tensorflow-gpu, pytorch
        try:
            spec = SpecifierSet(req.spec)
        except InvalidSpecifier:
            continue
        # a placeholder name (pypi_only) has no removal release: a pin on it is read as any request
        past = not removed.pypi_only and _pinned_at_or_after(req.spec, removed.since)
        if req.spec and not spec.contains(removed.since, prereleases=True) and not past:
            continue  # an old release that still exists (tensorflow-gpu==2.10): not this cause
        failed = (
            past  # a pin on the removal or later (its release candidates too): nothing real to install
            or req.source == "build"
            or _SOLVER in ctx.signals
            or ctx.has("removed/tf-gpu-message", "removed/tf-gpu-stub")
            or any(
                e.kind in ("pip", "fatal") or "subprocess" in e.message.lower() or "metadata" in e.message.lower()
                for e in ctx.facts.errors
            )
        )
        if not failed or not (past or ctx.facts.errors or ctx.signals):
            continue
        # the user moved on to the replacement (`pytorch`, then `pip install torch`): that failure is the one
        if any(
            r.name == removed.replacement and r.source in ("command", "collecting") and r.line > req.line
            for r in ctx.facts.requests
        ):
            continue
        why, fix = _removal(removed)
        yield Verdict(
            "package-removed",
            0.85,
            why,
            [Evidence(req.line, req.text, "fact/request")],
            moves_from=("python-unsupported", _SOLVER),
            fix=fix,
        )
        return


def _exact_pins_against_the_list(ctx: RuleContext) -> Iterator[tuple[Requested, Version, Offered, list[Version]]]:
    """Each failed exact pin (`==X`) with pip's "from versions" list for it, both parsed."""
    for req in ctx.facts.requests:
        if req.source not in ("pip-error", "uv", "poetry") or not req.spec.startswith("=="):
            continue
        pinned = parse_version(req.spec[2:].strip())
        offered = next((o for o in ctx.facts.offered if o.name == req.name and o.versions), None)
        if pinned is not None and offered is not None:
            yield req, pinned, offered, [v for v in (parse_version(x) for x in offered.versions) if v is not None]


def _deleted_from_the_index(req: Requested, offered: Offered, why: str, fix: str) -> Verdict:
    """A pinned release the index's list shows gone: the request and the list as evidence."""
    evidence = [Evidence(req.line, req.text, "fact/request"), Evidence(offered.line, offered.text, "fact/offered")]
    return Verdict(
        "package-removed", 0.85, why, evidence, moves_from=("python-unsupported", "platform-unsupported"), fix=fix
    )


@cause_rule("solver/pinned-pre-release-gone", "package-removed")
def pinned_pre_release_gone(ctx: RuleContext) -> Iterator[Verdict]:
    """What: an exact pin on a pre-release (`tensorflow-gpu==2.3.0rc0`) that pip's "from versions"
    list lacks, while the list holds that release's final version.
    Why: pip lists every release with a file for this Python and machine, pre-releases included;
    the final being there means the Python and machine fit, so the release candidate is gone from
    the index (projects such as TensorFlow delete their candidates once the final is out).
    Example: `satisfies the requirement tensorflow-gpu==2.3.0rc0 (from versions: ..., 2.3.0, 2.3.1, ...)`."""
    for req, pinned, offered, listed in _exact_pins_against_the_list(ctx):
        if not pinned.is_prerelease or pinned.is_devrelease:
            continue
        if pinned in listed or Version(pinned.base_version) not in listed:
            continue
        why = (
            f"the index lists {req.name} {pinned.base_version} but not the pre-release {pinned} pinned: the "
            "release candidate was deleted from the index"
        )
        yield _deleted_from_the_index(req, offered, why, f'pip install "{req.name}=={pinned.base_version}"')
        return


@cause_rule("solver/pinned-nightly-pruned", "package-removed")
def pinned_nightly_pruned(ctx: RuleContext) -> Iterator[Verdict]:
    """What: an exact pin on a dated development build (`tf-nightly==2.6.0.dev20210412`) that pip's
    "from versions" list lacks, while the list holds that project's development builds, every one of
    them newer than the pin.
    Why: nightly projects keep only their recent builds on the index and delete older ones; a list of
    this machine's nightlies that starts after the pinned one says the Python and machine fit and the
    pinned build is gone. (A list with builds older than the pin would leave a gap unexplained, and
    the rule is silent.)
    Example: `satisfies the requirement tf-nightly==2.6.0.dev20210412 (from versions: 2.6.0.dev20210501, ...)`."""
    for req, pinned, offered, listed in _exact_pins_against_the_list(ctx):
        builds = [v for v in listed if v.is_devrelease]
        if not pinned.is_devrelease or not builds or pinned in listed or min(builds) <= pinned:
            continue
        why = (
            f"the index lists {req.name} builds from {min(builds)} on, none as old as the pinned {pinned}: "
            "that nightly was deleted from the index"
        )
        fix = f'pip install "{req.name}=={max(builds)}" (a build the index still has; or a final release)'
        yield _deleted_from_the_index(req, offered, why, fix)
        return


# conda packages built for Linux only: an environment file that pins them was exported on Linux
_LINUX_ONLY_CONDA = frozenset(
    {
        "nccl",
        "libgcc-ng",
        "libstdcxx-ng",
        "libgomp",
        "_libgcc_mutex",
        "ld_impl_linux-64",
        "ld_impl_linux-aarch64",
        "sysroot_linux-64",
        "kernel-headers_linux-64",
        "libgcc",
        "libstdcxx",
    }
)
_NOT_FOUND_ITEM = re.compile(r"^\s*(?:resolvepackagenotfound:\s*)?-\s*(?P<name>[\w.-]+?)(?:[=<>].*)?$", re.IGNORECASE)


@cause_rule("solver/linux-only-conda-packages-elsewhere", "platform-unsupported")
def linux_only_conda_packages_elsewhere(ctx: RuleContext) -> Iterator[Verdict]:
    """What: conda's `ResolvePackageNotFound:` lists packages that exist for Linux only (nccl,
    libgcc-ng, libstdcxx-ng, _libgcc_mutex, ld_impl_linux-64 ...), and the log shows Windows or macOS.
    Why: those packages are Linux's C runtime and GPU collectives; channels have no Windows or macOS
    builds of them. An environment file that pins them was exported on Linux (`conda env export`
    writes every package with its build), so the platform, not the channels, is what lacks them.
    Example: `ResolvePackageNotFound: - nccl=2.12.12.1` and "I run it on the Windows"."""
    if ctx.os not in ("windows", "macos"):
        return
    for number, line in ctx.lines:
        if "resolvepackagenotfound" not in line.lower():
            continue
        listed = [(n, t) for n, t in ctx.lines if number <= n <= number + 40]
        for item_line, item in listed:
            found = _NOT_FOUND_ITEM.match(item)
            if found and found.group("name").lower() in _LINUX_ONLY_CONDA:
                name = found.group("name")
                why = f"{name} is built for Linux only; this machine runs {ctx.os}"
                fix = (
                    "create the environment from a file without Linux-only packages "
                    "(`conda env export --from-history` on the Linux machine), or use Linux / WSL2"
                )
                evidence = [Evidence(item_line, item, "fact/not-found"), *ctx.facts.os_evidence[:1]]
                yield Verdict("platform-unsupported", 0.85, why, evidence, fix=fix)
                return
        return


def _against_the_list(ctx: RuleContext, req: Requested) -> tuple[SpecifierSet, Offered, list[Version]] | None:
    """A request's specifier (its local version dropped) and pip's "from versions" list for it,
    parsed; None when the request has no specifier or pip listed nothing for it."""
    if not req.spec:
        return None
    try:
        spec = SpecifierSet(req.spec.partition("+")[0])
    except InvalidSpecifier:
        return None
    offered = next((o for o in ctx.facts.offered if o.name == req.name and o.versions), None)
    if offered is None:
        return None
    return spec, offered, [v for v in (parse_version(x) for x in offered.versions) if v is not None]


_YANKED_LIST = re.compile(r"ignored the following yanked versions:\s*(?P<versions>[\w.+!]+(?:,\s*[\w.+!]+)*)", re.I)


@cause_rule("solver/only-yanked-releases-match", "package-removed")
def only_yanked_releases_match(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "Ignored the following yanked versions: ..." lists releases that satisfy a
    request which then found no version, while none of the versions pip did list satisfies it.
    Why: pip skips yanked releases unless pinned exactly (`==X`); every release the request allows
    was yanked from the index, so nothing installable is left for it, whatever the Python or
    machine (the listed versions prove those fit).
    Example: `Ignored the following yanked versions: ..., 2.5.0` then `requirement
    intel-extension-for-pytorch==2.5.* (from versions: 2.6.0, 2.7.0, 2.8.0)`."""
    found = next(((n, t, m) for n, t in ctx.lines if (m := _YANKED_LIST.search(t))), None)
    if found is None:
        return
    number, line, match = found
    yanked = [v for v in (parse_version(x.strip()) for x in match.group("versions").split(",")) if v is not None]
    for req in ctx.facts.requests:
        if req.source not in ("pip-error", "uv", "poetry"):
            continue
        against = _against_the_list(ctx, req)
        if against is None:
            continue
        spec, _offered, listed = against
        matching_yanked = [v for v in yanked if spec.contains(v, prereleases=True)]
        if not matching_yanked or any(spec.contains(v, prereleases=True) for v in listed):
            continue
        why = (
            f"every {req.name} release that {req.spec} allows ({', '.join(map(str, matching_yanked[-3:]))}) was "
            "yanked from the index; the versions pip lists fit this machine but not the request"
        )
        evidence = [Evidence(number, line, "fact/yanked"), Evidence(req.line, req.text, "fact/request")]
        newest = max(listed)
        fix = (
            f'pin a release that was not yanked (pip install "{req.name}=={newest}"), or the yanked one exactly '
            f'(pip install "{req.name}=={matching_yanked[-1]}", which pip still installs)'
        )
        moves = ("python-unsupported", "platform-unsupported")
        yield Verdict("package-removed", 0.88, why, evidence, moves_from=moves, fix=fix)
        return


@cause_rule("solver/a-listed-release-was-not-taken", "package-removed")
def a_listed_release_was_not_taken(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip found no version for a request that is not an exact pin (`==2.5.*`, `>=2.5,<2.6`),
    although a final release its own "from versions" list holds satisfies it, and pip names no
    release it ignored for another Python.
    Why: pip before 23.3 lists yanked releases with the others but takes a yanked one only when
    pinned exactly; a listed release that fits and is not taken was yanked (pre-releases do not
    count: a request must ask for them). Pinning it exactly installs it; a release that was not
    yanked is the lasting fix.
    Example: `requirement ipexfake==2.5.* (from versions: 2.4.0, 2.5.0, 2.6.0)` where 2.5.0 was yanked."""
    if any(_YANKED_LIST.search(t) for _n, t in ctx.lines) or ctx.has("python/requires-python"):
        return  # pip >= 23.3 names the yanked ones (the rule above); a Python-ignored list is another story
    for req in ctx.facts.requests:
        exact = req.spec.startswith(("==", "===")) and "*" not in req.spec
        if req.source != "pip-error" or exact:
            continue  # an exact pin takes a yanked release: not this
        against = _against_the_list(ctx, req)
        if against is None:
            continue
        spec, offered, listed = against
        fitting = [v for v in listed if not v.is_prerelease and spec.contains(v)]
        if not fitting:
            continue
        newest = max(fitting)
        why = (
            f"pip lists {req.name} {newest}, which {req.spec} allows, yet took no release: pip skips a yanked "
            "release unless it is pinned exactly, so the releases the request allows were yanked"
        )
        evidence = [Evidence(req.line, req.text, "fact/request"), Evidence(offered.line, offered.text, "fact/offered")]
        fix = (
            f'pip install "{req.name}=={newest}" (pip installs a yanked release only when pinned exactly), '
            "or choose a release that was not yanked"
        )
        moves = ("python-unsupported", "platform-unsupported")
        yield Verdict("package-removed", 0.85, why, evidence, moves_from=moves, fix=fix)
        return


def _pinned_at_or_after(spec: str, since: str) -> bool:
    """Whether `spec` pins one release (`==2.12.0rc0`) whose final is the removal's or later."""
    if not spec.startswith("==") or "," in spec:
        return False
    pinned, first = parse_version(spec[2:].strip().rstrip(".*")), parse_version(since)
    return pinned is not None and first is not None and Version(pinned.base_version) >= Version(first.base_version)


# conda subdirs whose builds channels add late or never (the big two x86_64 ones and osx-64 have them first)
_LATE_SUBDIRS = ("osx-arm64", "linux-aarch64", "linux-ppc64le", "linux-armv7l", "win-arm64")
_SUBDIR = re.compile(r"(?:^\s*platform:\s*|conda\.anaconda\.org/[\w.-]+/)(?P<subdir>[a-z]+-[\w]+)\b", re.IGNORECASE)
_CHANNEL_OPTION = re.compile(r"\bconda\s+(?:install|create)\b[^\n]*?(?:-c|--channel)[ =](?P<channel>[\w.-]+)")


@cause_rule("solver/channel-lacks-this-subdir", "platform-unsupported")
def channel_lacks_this_subdir(ctx: RuleContext) -> Iterator[Verdict]:
    """What: conda's PackagesNotFoundError where the user named the channel (`-c pytorch`, `-c pyg`)
    and conda searched it for a subdir channels build late or never (osx-arm64, linux-aarch64,
    ppc64le, win-arm64).
    Why: the channel the project documents was searched, so the package is not missing from the
    channels asked; it has no build for this machine's subdir (PyTorch's channel before its
    Apple-silicon builds, PyG's conda builds never for osx-arm64).
    Example: `conda install -c pytorch pytorch` ... `PackagesNotFoundError` ... `-
    https://conda.anaconda.org/pytorch/osx-arm64`."""
    if not any(c.tool == "conda" and c.kind == "missing" for c in ctx.facts.conflicts):
        return
    channels = {m.group("channel").lower() for _n, t in ctx.lines for m in _CHANNEL_OPTION.finditer(t)}
    if not channels:
        return  # no channel named: the package may simply live in another one
    for number, line in ctx.lines:
        found = _SUBDIR.search(line)
        if not found or found.group("subdir").lower() not in _LATE_SUBDIRS:
            continue
        low = line.lower()
        if "platform:" in low or any(f"/{c}/" in low for c in channels):
            subdir = found.group("subdir").lower()
            asked = ", ".join(sorted(channels))
            why = f"conda searched the channel asked for ({asked}) for {subdir}: it has no build there"
            fix = f"install it with pip (wheels for {subdir}), or use a channel that builds for {subdir} (conda-forge)"
            evidence = [Evidence(number, line, "fact/conda-subdir"), *ctx.evidence("platform-unsupported")[:1]]
            yield Verdict("platform-unsupported", 0.85, why, evidence, moves_from=(_SOLVER,), fix=fix)
            return


def _removal(removed: RemovedPackage) -> tuple[str, str]:
    """Why a removed package fails, and what to install instead (the knowledge base's words)."""
    if removed.pypi_only:  # a placeholder name: no release of it ever installed
        return removed.reason, f"install {removed.replacement} instead"
    why = f"{removed.package} was removed after {removed.since}; {removed.reason}"
    fix = f"install {removed.replacement} instead (on Windows / macOS: {removed.replacement_non_linux})"
    return why, fix


_PYPI_TOOL = re.compile(r"\b(?:pip3?|uv|poetry|pdm|pipenv)\b", re.IGNORECASE)


def _from_pypi(req: Requested) -> bool:
    """Whether a request goes to PyPI (pip / uv / Poetry), not to a conda channel, where a PyPI
    placeholder's name (`pytorch`) is the real package."""
    if req.source == "conda":
        return False
    return req.source in ("pip-error", "collecting", "build", "uv", "poetry") or bool(_PYPI_TOOL.search(req.text))


# "install tensorflow-gpu", "installing tf-nightly-gpu", "add tensorflow-gpu" in the user's words
_INSTALL_NAMED = re.compile(
    r"\b(?:install(?:ing)?|add(?:ing)?)\s+[`'\"]?(?P<name>[A-Za-z0-9][\w-]*(?<![.-]))(?:\s*==\s*(?P<version>[\w.]+))?",
    re.IGNORECASE,
)
# a source build's setup.py running: setuptools' PEP 517 backend or `setup.py egg_info`
_SETUP_FRAME = re.compile(r"[\\/]setuptools[\\/](?:build_meta|__init__|dist)\.py|setup\.py", re.IGNORECASE)
# pip's own words for a source build that failed (its rich error, pip >= 22)
_BUILD_FAILED = re.compile(
    r"setup\.py (?:bdist_wheel|egg_info|install|develop) did not run successfully|metadata-generation-failed"
    r"|failed building wheel for|getting requirements to build wheel did not run successfully",
    re.IGNORECASE,
)
# the removed name said to be removed, in the user's words ("has removed the -gpu naming (tensorflow-gpu)")
_SAID_REMOVED = re.compile(r"\b(?:removed|deprecated|no longer (?:exists|available|supported))\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Za-z0-9][\w-]*(?<![.-])")


@cause_rule("solver/removed-package-stub-built", "package-removed")
def removed_package_stub_built(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the user installs a package the knowledge base lists as removed (tensorflow-gpu after
    2.11), or says it was removed, and the log is a source build failing (setuptools' build_meta /
    dist frames, or pip's "setup.py bdist_wheel did not run successfully"), not a request line an
    installer printed.
    Why: what the index still serves of a removed package is a stub sdist whose setup.py fails on
    purpose (tensorflow-gpu 2.12.0's fails in setuptools' requirement parsing, InvalidRequirement:
    tensorflow/tensorflow#60074; the earlier stubs raise "The tensorflow-gpu package has been
    removed"); a pasted traceback of that build, with or without its last line, is the removal,
    not a broken build tool.
    Example: "cannot install tensorflow-gpu" then `File ".../setuptools/dist.py", line 405, in
    _normalize_requires`."""
    kb = ctx.kb
    frame = next((f for f in ctx.facts.frames if _SETUP_FRAME.search(f.value)), None)
    failed = next(((n, line) for n, line in ctx.lines if _BUILD_FAILED.search(line)), None)
    if kb is None or ctx.concluded("package-removed") or (frame is None and failed is None):
        return
    if any(c != "package-removed" and s.score >= 0.8 for c, s in ctx.signals.items()):
        return  # the log names another cause outright
    for number, line in ctx.lines[:40]:
        named = [(m.group("name"), m.group("version")) for m in _INSTALL_NAMED.finditer(line)]
        if _SAID_REMOVED.search(line):
            named += [(m.group(0), None) for m in _NAME.finditer(line)]
        for candidate, version in named:
            removed = kb.removed(candidate)
            if removed is None:
                continue
            if version and version_tuple(version) < version_tuple(removed.since):
                continue  # an old release that still has wheels
            why, fix = _removal(removed)
            if frame is not None:
                shown = frame.evidence("fact/frame")
            else:
                assert failed is not None
                shown = Evidence(failed[0], failed[1], "fact/build-failed")
            evidence = [Evidence(number, line, "fact/request"), shown]
            yield Verdict("package-removed", 0.8, why, evidence, fix=fix)
            return


_VERSION_IN_SPEC = re.compile(r"(\d+(?:\.\d+){0,3})")
_OS_KEYS = {
    "windows": ("windows-x86_64",),
    "macos": ("macos-arm64", "macos-x86_64"),
    "linux": ("linux-x86_64", "linux-aarch64"),
}


@cause_rule("solver/missing-for-this-platform", "platform-unsupported")
def missing_for_this_platform(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a conda / mamba solver says a dependency is in none of its channels ("which does not
    exist (perhaps a missing channel)", "nothing provides"), and the log shows the OS.
    Why: a channel that has a package for other platforms but not this one reads exactly like a
    missing channel. The wheel tables say which it is: when no release up to the newest version the
    solver names had a build for this OS (jaxlib before 0.4.13 on Windows), the platform is why.
    Example: `mamba install jax` on Windows: `jaxlib >=0.3.14, which does not exist (perhaps a missing channel)`."""
    missing = [c for c in ctx.facts.conflicts if c.kind == "missing" and c.tool in ("libmamba", "conda")]
    keys = _OS_KEYS.get(ctx.os or "")
    if not missing or not keys:
        return
    conflict = missing[0]
    name = (conflict.move or "").lower()
    rels = wheelhistory.releases(name)
    if not rels:
        return
    named = [m.group(1) for r in conflict.requirements for m in _VERSION_IN_SPEC.finditer(r)]
    newest = max(named, key=version_tuple) if named else ""
    first = [f for f in (wheelhistory.first_on(name, k) for k in keys) if f is not None]
    if first and newest and version_tuple(newest) < version_tuple(first[0][0]):
        why = f"{first[0][1]}; the solver asked for {name} up to {newest}"
    else:
        seen = [r for r in rels if not newest or version_tuple(r.version) <= version_tuple(newest)]
        if not seen or any(r.pythons(k) for r in seen for k in keys):
            return
        why = f"no {name} release up to {seen[-1].version} had a build for {ctx.os}"
    fix = f"{name} has no {ctx.os} build in those versions: use a newer release, or Linux (WSL2 on Windows)"
    yield Verdict("platform-unsupported", 0.88, why, _conflict_evidence(ctx), moves_from=(_SOLVER,), fix=fix)


@cause_rule("solver/clash-named", _SOLVER)
def clash_named(ctx: RuleContext) -> Iterator[Verdict]:
    """What: a solver's own conflict report, parsed whole: each clashing requirement (with all its
    comma-separated bounds) and who asked for it.
    Why: when the report names two or more requirements that exclude each other and none of them is
    the Python / driver / platform, the pins themselves are the cause, and the parse says which one
    to move.
    Example: `tensorflow 2.15.0 depends on numpy<2.0.0,>=1.23.5` and `The user requested numpy==2.0.0`."""
    real = [
        c
        for c in ctx.facts.conflicts
        if (c.kind == "conflict" or (c.kind == "missing" and c.tool != "pip")) and len(c.requirements) >= 2
    ]
    if not real or _SOLVER not in ctx.signals or nothing_to_choose_from(ctx):
        return
    conflict = real[0]
    why = f"{conflict.tool} names the clash: " + "; ".join(conflict.requirements[:4])
    if conflict.move:
        why += f" (move {conflict.move}: {conflict.reason})"
    yield Verdict(_SOLVER, 0.6, why, _conflict_evidence(ctx))


# one conda spec: a name, then its version as conda writes it ("10.1*", "=10.1", "==2.4.8",
# ">=10.0.130,<10.1.0a0", "[version='>=3.6,<3.7.0a0']")
_CONDA_MATCH = re.compile(
    r"^(?P<name>[A-Za-z0-9_][\w.-]*)\s*(?:\[version=['\"](?P<bracket>[^'\"|]+)['\"]\]|(?P<spec>[=<>!~]*\s*[\w.*,<>=!]+))?$"
)


def _conda_spec(text: str) -> tuple[str, SpecifierSet | None, str] | None:
    """(name, PEP 440 specifier, the version a pin names) of one conda spec; None when unreadable."""
    match = _CONDA_MATCH.match(text.strip())
    if match is None:
        return None
    name = match.group("name").lower()
    raw = (match.group("bracket") or match.group("spec") or "").replace(" ", "")
    if not raw:
        return name, None, ""
    if raw[0].isdigit() or raw.startswith("="):
        # a pin: `10.1*`, `=10.1` (10.1.*), `10.1` (conda reads it as 10.1.*), `==10.1` (exact)
        exact = raw.startswith("==") and not raw.endswith("*")
        version = raw.lstrip("=").rstrip("*").rstrip(".")
        try:
            spec = SpecifierSet(f"=={version}" if exact else f"=={version}.*")
        except InvalidSpecifier:
            return None
        return name, spec, version
    try:
        return name, SpecifierSet(raw), ""
    except InvalidSpecifier:
        return None


@cause_rule("solver/pins-exclude-each-other", _SOLVER)
def pins_exclude_each_other(ctx: RuleContext) -> Iterator[Verdict]:
    """What: conda's list of specifications in conflict holds a pin the user asked for (`cudatoolkit
    10.1*`) and a chain that ends in the same package with a range the pin falls outside (`pytorch
    1.0.1* -> cudatoolkit >=10.0.130,<10.1.0a0`).
    Why: that pair cannot hold together whatever else is in the environment: the clash is proven by
    the report itself, not read from its wording (conda's older list names the environment's Python
    as often as a clash), so one of the two pins must move.
    Example: `conda install pytorch=1.0.1 cudatoolkit=10.1` -> `- cudatoolkit 10.1*` and `- pytorch
    1.0.1* -> cudatoolkit >=10.0.130,<10.1.0a0`."""
    if _SOLVER not in ctx.signals:
        return
    for conflict in ctx.facts.conflicts:
        if conflict.tool != "conda":
            continue
        pins: dict[str, tuple[str, SpecifierSet, str]] = {}
        chains: list[tuple[str, str, SpecifierSet, str]] = []
        for requirement in conflict.requirements:
            parts = [p.strip() for p in requirement.split("->")]
            read = _conda_spec(parts[-1])
            if read is None:
                continue
            name, spec, version = read
            if spec is None:
                continue
            if len(parts) == 1 and version:
                pins[name] = (requirement, spec, version)
            elif len(parts) > 1:
                chains.append((parts[0], name, spec, parts[-1]))
        for head, name, needs, end in chains:
            pin = pins.get(name)
            if pin is None:
                continue
            shown, _spec, version = pin
            # the pin's own versions, its lowest and a high patch: none inside the chain's range
            trials = [version, f"{version}.0", f"{version}.9999"]
            if any(needs.contains(v, prereleases=True) for v in trials):
                continue
            why = f"conda's report proves the clash: {shown} is outside what {head} needs ({end})"
            fix = f"pin {name} to what {head} needs ({end}), or choose a {head.split()[0]} release built for {shown}"
            yield Verdict(_SOLVER, 0.9, why, _conflict_evidence(ctx), fix=fix)
            return


@cause_rule("solver/a-name-not-on-the-index", _SOLVER)
def a_name_not_on_the_index(ctx: RuleContext) -> Iterator[Verdict]:
    """What: uv's "X was not found in the package registry" is the whole of its report.
    Why: no requirement clashes with another: the name does not exist on the index (a typo, or a
    package only a private index has), which no cause in the table names; it stays a candidate.
    Example: `Because tensorflow-addonss was not found in the package registry and you require ...`."""
    if _SOLVER in ctx.signals and ctx.facts.conflicts and all(c.kind == "not-found" for c in ctx.facts.conflicts):
        yield Verdict(_SOLVER, 0.0, "the index does not have the name asked for", [], cap=0.5)


def _req_name(req: str) -> str:
    return re.split(r"[\s<>=!~;\[(]", req.strip(), maxsplit=1)[0].lower()


def nothing_to_choose_from(ctx: RuleContext) -> bool:
    """pip's ResolutionImpossible whose requests all agree (a pin inside a constraint's range), or
    uv's "there is no version of X==1.0" for the one package asked for: nothing clashes, no
    release was there to pick (a version that does not exist, or none built for this machine)."""
    if any(c.kind == "conflict" for c in ctx.facts.conflicts):
        return False
    for c in ctx.facts.conflicts:
        if c.tool == "pip" and c.kind == "missing":
            return True
        one_package = c.move and {_req_name(r.rsplit(" ", 1)[-1]) for r in c.requirements} == {_req_name(c.move)}
        if c.tool == "uv" and c.kind == "missing" and one_package:
            return True
    return False


@cause_rule("solver/requests-agree", _SOLVER)
def requests_agree(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "conflict is caused by" lists only requests of one package that agree with each
    other (`The user requested torch==1.13.1` and `The user requested (constraint) torch<=2.14.1`).
    Why: pip words it as a conflict when a constrained package has no candidate at all; nothing
    clashes, so the question is why no release fits this machine (its Python, its platform), which
    the wheel rules read like "No matching distribution found". The solver is no root cause here.
    Example: `pip install torch==1.13.1` on Python 3.12 with a constraints file capping torch."""
    if _SOLVER in ctx.signals and nothing_to_choose_from(ctx):
        conflict = next(c for c in ctx.facts.conflicts if c.kind == "missing")
        yield Verdict(_SOLVER, 0.0, conflict.reason, [], cap=0.3)
