"""Why no wheel fits: the Python version, or the platform (OS / architecture / bitness / libc).

pip's "No matching distribution found for X==V" and "Could not find a version that satisfies the
requirement" say only that no wheel fits. These rules read which tag does not fit from the facts:
the Python and the machine the log shows (or the snapshot), the versions the index offered, and the
knowledge base's table of which Pythons and platforms each release has wheels for.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from envdoctor.explain import nowheel, wheelhistory
from envdoctor.explain.extract import version_tuple
from envdoctor.explain.logfacts import Offered, Requested
from envdoctor.explain.model import Evidence
from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule
from envdoctor.explain.rules.solver import nothing_to_choose_from
from envdoctor.explain.wheelhistory import platform_keys
from envdoctor.explain.wheeltag import manylinux_glibc, wheel_platform
from envdoctor.frameworks import compiled_family

PLATFORM_NAMES = {
    "linux-x86_64": "Linux x86_64",
    "linux-aarch64": "Linux aarch64",
    "macos-arm64": "Apple silicon macOS",
    "macos-x86_64": "Intel macOS",
    "windows-x86_64": "Windows",
}
# The requests an installer says it found no installable release of (pip, uv, Poetry).
FAILED_SOURCES = ("pip-error", "uv", "poetry")
# Signatures where the tool itself names the Python version as the reason.
PYTHON_PROOF = (
    "python/requires-python",
    "python/requires-python-meta",
    "python/uv-no-wheels",
    "python/uv-hint-abi-tags",
    "solver/conda-python",
)
PY, PLAT, GLIBC = "python-unsupported", "platform-unsupported", "glibc-too-old"


# Signatures that say only "no wheel fits" (pip's pair of lines, uv's "for the current platform").
GENERIC_NO_WHEEL = frozenset(
    {"python/no-matching-framework", "python/no-version-framework", "platform/uv-no-wheel-current-platform"}
)
AMBIGUOUS_CAP = 0.7


def generic_only(ctx: RuleContext, cause: str) -> bool:
    signal = ctx.signals.get(cause)
    return signal is not None and bool(signal.ids) and set(signal.ids) <= GENERIC_NO_WHEEL


def no_wheel_signal(ctx: RuleContext) -> bool:
    # pip / uv's own "no version / no wheel" error names a package the wheel tables know (any
    # package, not only the frameworks the signatures name): the same "no wheel fits" fact
    return PY in ctx.signals or generic_only(ctx, PLAT) or nothing_to_choose_from(ctx) or bool(_failed_requests(ctx))


def decided(ctx: RuleContext) -> bool:
    """An earlier wheels / solver rule already said which of the two it is."""
    return any(
        v.cause in (PY, PLAT) and v.weight > 0 and v.rule.startswith(("wheels/", "solver/")) for v in ctx.verdicts
    )


def kb_request(ctx: RuleContext) -> Requested | None:
    """The release pip found no wheel for, when the knowledge base knows the package."""
    kb = ctx.kb if any(r.source in FAILED_SOURCES for r in ctx.facts.requests) else None
    for req in ctx.facts.requests:
        if req.source not in FAILED_SOURCES:
            continue
        name = req.name
        if kb is not None and name in kb.packages():
            return req
    return None


def offered_for(ctx: RuleContext, name: str) -> Offered | None:
    return next((o for o in ctx.facts.offered if o.name == name), None)


def _span(pythons: set[str]) -> str:
    ordered = sorted(pythons, key=version_tuple)
    if not ordered:
        return "none"
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}–{ordered[-1]}"


@dataclass(frozen=True)
class KbReading:
    cause: str
    note: str
    fix: str


def _matching(ctx: RuleContext, req: Requested) -> list[object]:
    kb = ctx.kb
    if kb is None:
        return []
    spec = req.spec.partition("+")[0]
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return []
    # a release uploaded after the log was written is not one its pip could have seen
    until = ctx.facts.era_until.value if ctx.facts.era_until and ctx.target is None else ""
    return [
        r
        for r in kb.releases(req.name)
        if not r.yanked
        and wanted.contains(r.version, prereleases=True)
        and not (until and (r.upload_time or "")[:10] >= until)
    ]


def kb_reading(ctx: RuleContext, req: Requested, here: tuple[str, ...], python: str | None) -> KbReading | None:
    """(cause, note, fix) from the releases matching the request, or None when the knowledge base
    cannot tell (unknown version, or a matching release that does fit this machine)."""
    kb = ctx.kb
    if kb is None:
        return None
    releases = _matching(ctx, req)
    if not releases:
        return None
    offered = offered_for(ctx, req.name)
    newest_seen = offered.versions[-1] if offered and offered.versions else None
    here = _narrow_by_newest(ctx, req.name, python, here, newest_seen, releases)
    if not here:
        return None
    if newest_seen and python:  # pip saw this release here: our reading of the machine must agree
        seen = kb.release(req.name, newest_seen)
        if seen is not None and seen.platforms and not any(python in seen.pythons(p) for p in here):
            return None

    def platforms(py: str | None) -> list[str]:
        return [
            p
            for p in PLATFORM_NAMES
            if any((py in r.pythons(p)) if py else r.pythons(p) for r in releases)  # type: ignore[attr-defined]
        ]

    spec = req.spec
    label = f"{req.name} {spec.lstrip('=')}" if spec.startswith("==") else (f"{req.name} {spec}" if spec else req.name)
    where = " / ".join(PLATFORM_NAMES[p] for p in here)
    if any(p in here for p in platforms(python)):
        return None  # a matching release fits this machine: the knowledge base explains nothing
    with_python = [p for p in platforms(python) if p not in here]
    any_python = [p for p in platforms(None) if p not in here]
    here_any = [p for p in platforms(None) if p in here]
    if (with_python or (not here_any and any_python)) and not here_any:
        others = with_python or any_python
        older = [r for r in kb.releases(req.name) if not r.yanked and any(r.pythons(p) for p in here)]
        if python:
            older = [r for r in older if any(python in r.pythons(p) for p in here)]
        note = f"{label} has no {where} wheels; it has wheels for {', '.join(PLATFORM_NAMES[p] for p in others)}"
        fix = f"{label} has no {where} wheels: " + (
            "use WSL2 (Linux wheels) or Linux"
            if here == ("windows-x86_64",) and "linux-x86_64" in others
            else f"use a machine with {PLATFORM_NAMES[others[0]]}"
        )
        if older:
            fix += f", or {req.name} {older[-1].version} on {where}"
        return KbReading(PLAT, note, fix)
    if with_python and here_any:
        note = f"{label} has {where} wheels, but not for Python {python}"
        pythons = {py for r in releases for p in here for py in r.pythons(p)}  # type: ignore[attr-defined]
        return KbReading(PY, note, f"{note}: use Python {_span(pythons)} there")
    if python and not with_python and any_python:
        pythons = {py for r in releases for p in PLATFORM_NAMES for py in r.pythons(p)}  # type: ignore[attr-defined]
        newest = max(pythons, key=version_tuple)
        if spec.startswith("==") or version_tuple(python) > version_tuple(newest):
            note = f"{label} has wheels for Python {_span(pythons)} only, not {python}"
            return KbReading(PY, note, f"{note}: create an environment with Python {_span(pythons)}")
    return None


def _narrow_by_newest(
    ctx: RuleContext,
    name: str,
    python: str | None,
    here: tuple[str, ...],
    newest_seen: str | None,
    releases: list[object],
) -> tuple[str, ...]:
    """The newest release pip could see, when it is the last one some platform has wheels for (and
    no Python's last), names that platform: Intel macOS sees TensorFlow up to 2.16.2 only."""
    kb = ctx.kb
    if not newest_seen or kb is None:
        return here
    seen = version_tuple(newest_seen)
    known = [r for r in kb.releases(name) if not r.yanked and r.platforms]
    if (
        not known
        or seen >= version_tuple(known[-1].version)
        or not any(version_tuple(r.version) > seen for r in releases)  # type: ignore[attr-defined]
    ):
        return here
    last_on: dict[str, tuple[int, ...]] = {}
    last_for: dict[str, tuple[int, ...]] = {}
    for rel in known:
        for plat in rel.platforms:
            last_on[plat] = max(last_on.get(plat, ()), version_tuple(rel.version))
            for py in rel.pythons(plat):
                last_for[py] = max(last_for.get(py, ()), version_tuple(rel.version))
    ending = [p for p in PLATFORM_NAMES if last_on.get(p) == seen]
    if not here or not ending or (python and last_for.get(python) == seen):
        return here
    both = tuple(p for p in here if p in ending)
    return both or here


def _cuda_build_reading(ctx: RuleContext, name: str, local: str, here: tuple[str, ...]) -> KbReading | None:
    """CUDA builds exist for Linux (and, for PyTorch, Windows) only; jaxlib's CUDA wheels are the
    jax-cuda plugins, which the knowledge base lists per platform."""
    kb = ctx.kb
    if kb is None:
        return None
    found = compiled_family(name)
    framework = found[0] if found is not None and found[1] == name else None
    if framework is None:
        return None
    if framework.plugins is not None:  # the plugins' own wheels say where
        cuda_on = {plat for p in framework.cuda_packages() for r in kb.releases(p) for plat in r.platforms}
    elif framework.wheel_index is not None:  # every release has a CUDA build on these OSes
        cuda_on = {
            p
            for p in PLATFORM_NAMES
            if framework.gpu_os.get(p.split("-")[0]) == "" and p.split("-")[0] not in framework.no_cuda_on
        }
    else:
        return None
    if not cuda_on or any(p in cuda_on for p in here):
        return None
    where = " / ".join(PLATFORM_NAMES[p] for p in here)
    builds = ", ".join(PLATFORM_NAMES[p] for p in PLATFORM_NAMES if p in cuda_on)
    note = f"{name} CUDA builds (+{local}) exist for {builds} only, not {where}"
    return KbReading(PLAT, note, f"{note}: install the CPU build here, or use a Linux machine (or WSL2)")


def _pip_names_the_python(ctx: RuleContext, req: Requested) -> bool:
    for sid in ("python/requires-python", "python/requires-python-meta"):
        hit = ctx.hits.get(sid)
        wanted = req.spec.lstrip("=<>~!")
        if hit and (not wanted or any(wanted in e.text for e in hit.evidence)):
            return True
    return False


def _evidence_of(req: Requested, extra: list[Evidence]) -> list[Evidence]:
    return [Evidence(req.line, req.text, "fact/request"), *extra]


@cause_rule("wheels/no-wheel-is-not-yet-a-reason", PY, PLAT)
def no_wheel_is_not_yet_a_reason(ctx: RuleContext) -> Iterator[Verdict]:
    """What: the only evidence is "no wheel fits" (pip's "No matching distribution found" /
    "Could not find a version", uv's "no wheel for the current platform").
    Why: those lines do not say which tag does not fit: the Python version, the OS / architecture
    or bitness, or (with "from versions: none") an index that was not reached. They stay a
    candidate (at most `AMBIGUOUS_CAP`) until a rule below reads the reason from the facts.
    Example: a bare `ERROR: No matching distribution found for tensorflow`."""
    for cause in (PY, PLAT):
        if generic_only(ctx, cause):
            yield Verdict(cause, 0.0, "", [], cap=AMBIGUOUS_CAP)


_IGNORED_VERSION = re.compile(r"(?P<version>\d[\w.+!]*) requires-python", re.IGNORECASE)
_IGNORED = "python/requires-python"


def _ignored_versions(ctx: RuleContext) -> set[str]:
    hit = ctx.hits.get(_IGNORED)
    return {m.group("version") for ev in (hit.evidence if hit else ()) for m in _IGNORED_VERSION.finditer(ev.text)}


def ignored_for_another_package(ctx: RuleContext) -> bool:
    """pip's "Ignored the following versions that require a different python version" lists releases
    none of the failed requests has (the tables know their releases): it was printed for another
    package of the same paste, so it is no proof about these."""
    ignored = _ignored_versions(ctx)
    failed = _failed_requests(ctx)
    if not ignored or not failed:
        return False
    for req in failed:
        known = {r.version for r in nowheel.releases_of(req.name)}
        if not known or ignored & known:
            return False
    return True


def python_proof(ctx: RuleContext) -> bool:
    """A line that proves the Python version is why (Requires-Python, uv's ABI hints, conda's python
    clash), and that is about the failed request."""
    if not ctx.has(*PYTHON_PROOF):
        return False
    return ctx.has(*(p for p in PYTHON_PROOF if p != _IGNORED)) or not ignored_for_another_package(ctx)


@cause_rule("wheels/ignored-versions-of-another-package", PY)
def ignored_versions_of_another_package(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip's "Ignored the following versions that require a different python version: 1.21.2
    Requires-Python >=3.7,<3.11; ..." next to a failed request none of whose releases it lists.
    Why: pip prints that line for the requirement it is resolving at that moment; versions that are
    not the failed package's belong to another failure in the same paste, so they say nothing about
    why this one has no wheel (the wheel rules below read that from the tables).
    Example: `1.21.2 Requires-Python >=3.7,<3.11` (numpy's) above
    `No matching distribution found for tensorflow-io-gcs-filesystem==0.37.1`."""
    if ignored_for_another_package(ctx):
        names = ", ".join(r.name for r in _failed_requests(ctx))
        yield Verdict(PY, 0.0, f"the ignored versions are not releases of {names}", [], cap=AMBIGUOUS_CAP)


def _manylinux_glibc(tag: str) -> tuple[int, ...] | None:
    """The glibc the lowest manylinux tag of a wheel needs, when it is newer than manylinux2014's 2.17
    (older levels are everywhere, so refusing them says nothing about glibc)."""
    level = manylinux_glibc(tag)
    return level if level is not None and level > (2, 17) else None


# a CPython wheel's file name: its Python tag and its platform tag
_CP_WHEEL = re.compile(r"-(?P<py>cp\d{2,3})-[\w.]+-(?P<plat>[\w.]+)\.whl", re.IGNORECASE)


_MACOS_TAG = re.compile(r"^macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>\w+)$", re.IGNORECASE)


def _macos_floor_raised(plat: str) -> str | None:
    """`13.0` for `macosx_13_0_arm64`: a wheel that needs a newer macOS than the first one of its
    architecture (11.0 for arm64) or, on Intel, one newer than 10.15 (macosx_10_9 ... 10_15 wheels
    are what most Intel Macs still running take; an 11+ one is where the release itself is refused)."""
    found = _MACOS_TAG.match(plat)
    if found is None:
        return None
    need = (int(found.group("major")), int(found.group("minor")))
    floor = (11, 0) if found.group("arch").lower() == "arm64" else (10, 15)
    return f"{need[0]}.{need[1]}" if need > floor else None


_ARM32_PLATFORM = re.compile(r"linux_armv[67]l", re.IGNORECASE)
_RASPBERRY_PI = re.compile(r"\braspberry(?: ?pi)?\b|\braspbian\b", re.IGNORECASE)
_ARM64_OS = re.compile(r"\baarch64\b|\barm64\b|\b64[- ]bit\b", re.IGNORECASE)


def _raspberry_pi_32bit(ctx: RuleContext) -> Evidence | None:
    """The line naming a Raspberry Pi (or Raspbian), when no line shows a 64-bit OS: Raspbian and
    Raspberry Pi OS until its 64-bit edition (2022) run an armv7l userland, whatever the board's CPU."""
    named = next(((n, t) for n, t in ctx.lines if _RASPBERRY_PI.search(t)), None)
    if named is None or any(_ARM64_OS.search(t) for _, t in ctx.lines):
        return None
    return Evidence(named[0], named[1], "fact/machine")


_UV_HINT = re.compile(
    r"you're on [^(]{1,40}\(`(?P<own>[\w.]+)`\), but `(?P<name>[\w.-]+)` \(v(?P<version>[^)]+)\) only has wheels "
    r"for the following platforms?: (?P<offered>.+)$",
    re.IGNORECASE,
)


@cause_rule("wheels/uv-hint-no-build-for-this-machine", PLAT, "glibc-too-old")
def uv_hint_no_build_for_this_machine(ctx: RuleContext) -> Iterator[Verdict]:
    """What: uv's hint "You're on macOS (`macosx_15_0_arm64`), but `torch` (v2.8.0+cu128) only has
    wheels for the following platforms: `manylinux_2_28_x86_64`, `win_amd64`", where no listed tag
    is for this machine's OS and architecture.
    Why: uv names this machine's own tag and every tag the release was built for; when none shares
    the OS and the architecture, no Python and no glibc makes it install here: the platform is why
    (a newer manylinux of the same OS and architecture is the glibc, read elsewhere).
    When every listed tag of this OS and architecture is a manylinux newer than this machine's
    own (`manylinux_2_28_x86_64` offered, `manylinux_2_17_x86_64` here), the glibc is why.
    A hint the paste wrapped over two or three lines is read joined.
    Example: a +cu128 torch asked for on Apple silicon."""
    numbered = list(ctx.lines)
    for index, (number, line) in enumerate(numbered):
        hint = _UV_HINT.search(line)
        if hint is None and "you're on" in line.lower():
            joined = line
            for extra, (next_number, next_line) in enumerate(numbered[index + 1 : index + 3], start=1):
                if next_number != number + extra:
                    break
                joined = f"{joined.rstrip()} {next_line.strip()}"
                hint = _UV_HINT.search(joined)
                if hint is not None:
                    line = joined
                    break
        if hint is None:
            continue
        own = hint.group("own").lower()
        offered = re.findall(r"`([\w.]+)`", hint.group("offered"))
        mine = wheel_platform(own)
        if not offered:
            return
        same = [tag for tag in offered if wheel_platform(tag).serves(mine.os, mine.arch)]
        have = manylinux_glibc(own)
        needs = [manylinux_glibc(tag) for tag in same]
        if same and have and all(n is not None and n > have for n in needs):
            lowest = min(n for n in needs if n is not None)
            why = (
                f"{hint.group('name')} {hint.group('version')} has {mine.arch} Linux wheels only for glibc "
                f"{'.'.join(map(str, lowest))} or newer (manylinux); this machine's tag is {own} "
                f"(glibc {'.'.join(map(str, have))})"
            )
            yield Verdict("glibc-too-old", 0.9, why, [Evidence(number, line, "platform/uv-hint")], moves_from=(PLAT,))
            return
        if same:
            return
        name, version = hint.group("name"), hint.group("version")
        why = f"{name} {version} has wheels for {', '.join(offered[:4])} only; this machine is {own}"
        yield Verdict(PLAT, 0.9, why, [Evidence(number, line, "platform/uv-hint")])
        return


@cause_rule("wheels/refused-wheel-tag", PY, PLAT, "glibc-too-old")
def refused_wheel_tag(ctx: RuleContext) -> Iterator[Verdict]:
    """What: "X.whl is not a supported wheel on this platform".
    Why: the wheel's Python tag against the interpreter's: another Python's wheel (cp38 under 3.10)
    is the Python version; this very Python's wheel refused is the platform (OS, arch, bitness).
    A wheel of this very Python refused on Linux whose only manylinux tags need a newer glibc than
    2.17 (`manylinux_2_28_x86_64`) is the glibc (the distribution's, when the log names it).
    A wheel of another OS than the log's (a linux_x86_64 wheel on a Mac) is the platform, whatever
    the Python: no Python makes it install there. A win_amd64 wheel of this very Python refused on
    Windows is a 32-bit Python (the Python's bitness), unless the log shows the Python 64-bit.
    Poetry's "Skipping wheel X.whl as this is not supported by the current environment" is the same.
    A manylinux wheel refused where the log shows musl (Alpine) is the platform: manylinux means
    glibc, and musl has none, so neither the Python nor a glibc level is what was refused.
    Example: `tensorflow-2.4.0-cp38-cp38-win_amd64.whl is not a supported wheel` under Python 3.9."""
    hits = [h for h in (ctx.hits.get(_WHEEL_TAG_NOT_SUPPORTED), ctx.hits.get(_POETRY_SKIPPED_WHEEL)) if h]
    python = ctx.python
    if not hits:
        return
    refused = [ev for h in hits for ev in h.evidence]
    musl = next((s for s in ctx.facts.machine_signs if s.value.startswith("musl")), None)
    for ev in refused:
        tagged = re.search(r"-(?P<plat>[\w.]+)\.whl", ev.text, re.IGNORECASE)
        if musl is not None and tagged and "manylinux" in tagged.group("plat").lower() and ctx.target is None:
            note = (
                "a manylinux wheel is built against glibc; this machine's C library is musl (Alpine), "
                "on which no manylinux wheel installs, whatever the glibc level"
            )
            fix = "use a musllinux wheel if the project publishes one, or a glibc-based image (python:3.x-slim)"
            yield Verdict(
                PLAT, 0.9, note, [ev, musl.evidence("fact/machine")], moves_from=(PY, "glibc-too-old"), fix=fix
            )
            return
        wheel_os = wheel_platform(tagged.group("plat")).os if tagged else None
        if wheel_os and ctx.os and wheel_os != ctx.os:
            note = f"the wheel is built for {wheel_os}; this machine runs {ctx.os}"
            yield Verdict(PLAT, 0.9, note, [ev, *ctx.facts.os_evidence[:1]], moves_from=(PY,))
            return
    if not python:
        # the Python unknown, and the system's glibc (its distribution's) older than the manylinux
        # level the wheel needs: no Python makes that wheel load here
        glibc = ctx.facts.glibc
        system = _glibc_of(glibc.value) if glibc is not None else None
        for ev in refused:
            tagged = _CP_WHEEL.search(ev.text)
            wanted = manylinux_glibc(tagged.group("plat")) if tagged else None
            if glibc and system and wanted and wanted > system and ctx.os in (None, "linux"):
                note = (
                    f"the wheel needs glibc {wanted[0]}.{wanted[1]} (its manylinux tag); "
                    f"this system has {system[0]}.{system[1]}"
                )
                yield Verdict("glibc-too-old", 0.9, note, [ev, glibc.evidence("fact/glibc")], moves_from=(PLAT,))
                return
        # the Python unknown, but the wheel's OS and architecture are this machine's: its Python tag
        # (cp35 for a 3.6, say) is what was refused
        for ev in refused:
            tagged = _CP_WHEEL.search(ev.text)
            plat = wheel_platform(tagged.group("plat")) if tagged else None
            if tagged is None or plat is None or plat.os != ctx.os or not ctx.platforms:
                continue
            if _manylinux_glibc(tagged.group("plat")):
                continue  # a newer manylinux than 2017's: the glibc may be what was refused
            newer_macos = _macos_floor_raised(tagged.group("plat"))
            if newer_macos:
                # the wheel needs a newer macOS than its architecture's first one: the macOS release
                # may be what was refused, and the log shows neither it nor the Python
                note = (
                    f"the wheel needs macOS {newer_macos} or newer (its platform tag); without the macOS "
                    "release or the Python in the log, either may be what pip refused"
                )
                yield Verdict(PLAT, 0.6, note, [ev], cap=0.7)
                yield Verdict(PY, 0.55, note, [ev], cap=0.7)
                return
            if all(plat.serves_key(k) for k in ctx.platforms):
                wheel_py = tagged.group("py")[2:]
                note = (
                    f"the wheel is for Python {wheel_py[0]}.{wheel_py[1:]} on this very OS and architecture: "
                    "its Python tag is what pip refused"
                )
                yield Verdict(PY, 0.85, note, [ev], moves_from=(PLAT,))
                return
        pi = _raspberry_pi_32bit(ctx)
        for ev in refused:
            tagged = _CP_WHEEL.search(ev.text)
            if pi is not None and tagged and _ARM32_PLATFORM.search(tagged.group("plat")):
                wheel_py = tagged.group("py")[2:]
                note = (
                    f"the wheel is for Python {wheel_py[0]}.{wheel_py[1:]} on 32-bit ARM Linux, what Raspberry Pi OS "
                    "runs (the log shows no 64-bit OS): its Python tag is what pip refused"
                )
                yield Verdict(PY, 0.8, note, [ev, pi], moves_from=(PLAT,))
                return
        if ctx.os is None and not ctx.platforms:
            # neither the Python nor the machine known: the wheel's Python tag and its platform tag
            # are equally likely to be what was refused; both stay candidates
            note = (
                "the wheel's Python tag or its platform tag does not fit; the log shows neither this Python "
                "nor this machine"
            )
            evidence = list(refused[:1])
            yield Verdict(PLAT, 0.6, note, evidence, cap=0.6)
            yield Verdict(PY, 0.55, note, evidence, cap=0.6)
        return
    for ev in refused:
        match = _CP_WHEEL.search(ev.text)
        if not match:
            continue
        wheel_py = match.group("py")[2:]
        mine = python.replace(".", "")
        have = ctx.facts.glibc.value if ctx.facts.glibc else None
        # a manylinux level newer than 2.17 says glibc by itself; an older one only against a glibc
        # the log shows below it (CentOS 6's 2.12 under manylinux2014)
        level = manylinux_glibc(match.group("plat"))
        needs = _manylinux_glibc(match.group("plat")) or (
            level if level is not None and have and version_tuple(have) < level else None
        )
        plat = wheel_platform(match.group("plat"))
        arch_fits = not ctx.platforms or any(plat.serves_key(k) for k in ctx.platforms)
        if (
            wheel_py == mine
            and needs
            and arch_fits
            and ctx.os in (None, "linux")
            and (not have or version_tuple(have) < needs)
        ):
            # the Python tag fits and Linux takes manylinux wheels: what is refused is the glibc level
            needed = ".".join(map(str, needs))
            note = f"the wheel needs glibc {needed} (its manylinux tag)" + (f"; this system has {have}" if have else "")
            evidence = [ev] + ([ctx.facts.glibc.evidence("fact/glibc")] if ctx.facts.glibc else [])
            yield Verdict("glibc-too-old", 0.9, note, evidence, moves_from=(PLAT,))
            return
        if wheel_py != mine:
            note = f"the wheel is for Python {wheel_py[0]}.{wheel_py[1:]}, the log shows Python {python}"
            yield Verdict(PY, 0.9, note, [ev], moves_from=(PLAT,))
        elif plat.os == "windows" and plat.arch == "x86_64" and ctx.os == "windows" and not _shows_64_bit(ctx):
            # every 64-bit Windows takes win_amd64 wheels; the Python it refuses them in is a 32-bit one
            note = f"a 64-bit Windows wheel for Python {python} was refused on Windows: this Python is 32-bit"
            fix = 'install the 64-bit Python (python.org\'s "Windows installer (64-bit)") and install there'
            yield Verdict(PY, 0.9, note, [ev], moves_from=(PLAT,), fix=fix)
        else:
            yield Verdict(PLAT, 0.9, "a wheel for this very Python was refused for its platform tag", [ev])
        return


# the interpreter's banner or platform module saying 64-bit (`[MSC v.1916 64 bit (AMD64)]`, `('64bit', 'WindowsPE')`)
_64_BIT = re.compile(r"64 bit \(amd64\)|'64bit'|\bamd64\b.{0,20}\bpython\b|\bpython\b.{0,40}\b64-bit\b", re.IGNORECASE)


def _shows_64_bit(ctx: RuleContext) -> bool:
    return any(_64_BIT.search(text) for _, text in ctx.lines if "64" in text)


@cause_rule("wheels/kb-platform-or-python", PY, PLAT)
def kb_platform_or_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip found no wheel for a release the knowledge base knows, and the log (or snapshot)
    shows the machine.
    Why: the knowledge base lists, per release, the Pythons each platform has wheels for: matching
    releases with wheels for this Python elsewhere but not here -> the platform; wheels here but not
    for this Python (or for no platform with it) -> the Python version.
    Example: `tensorflow==2.17.0` on Intel macOS (pip offers up to 2.16.2) -> platform-unsupported."""
    if not no_wheel_signal(ctx) or ctx.has("python/uv-no-wheels", "solver/conda-python") or decided(ctx):
        return
    req = kb_request(ctx)
    if req is None or _pip_names_the_python(ctx, req):
        return
    here = ctx.platforms
    if not here:
        return
    local = req.spec.partition("+")[2]
    try:
        reading = (
            _cuda_build_reading(ctx, req.name, local, here)
            if local.startswith("cu")
            else kb_reading(ctx, req, here, ctx.python)
        )
    except Exception:  # the knowledge base is advisory
        return
    if reading is None:
        return
    evidence = _evidence_of(req, [])
    if reading.cause == PLAT:
        yield Verdict(PLAT, 0.9, reading.note, evidence, moves_from=(PY,), fix=reading.fix)
    else:
        moves = (PLAT,) if generic_only(ctx, PLAT) else ()
        yield Verdict(PY, 0.9, reading.note, evidence, moves_from=moves, fix=reading.fix)


def _offered_sets(ctx: RuleContext, name: str) -> dict[tuple[str, str], set[str]]:
    kb = ctx.kb
    out: dict[tuple[str, str], set[str]] = {}
    if kb is None:
        return out
    for rel in kb.releases(name):
        if rel.yanked:
            continue
        for plat in rel.platforms:
            for py in rel.pythons(plat):
                out.setdefault((py, plat), set()).add(rel.version)
    return out


def _starting_here(sets: dict[tuple[str, str], set[str]], seen: set[str]) -> list[tuple[str, str]]:
    """A list from an older log ends at that day's newest release, so only its start and its gaps
    can be compared: the (Python, platform) pairs whose releases within the list's range are the
    list, and which have no older release, while other pairs do (the start is informative)."""
    known = {v for versions in sets.values() for v in versions}
    listed = {Version(v) for v in seen & known}
    if len(listed) < 2:
        return []
    low, high = min(listed), max(listed)

    def within(versions: set[str]) -> set[Version]:
        return {Version(v) for v in versions if low <= Version(v) <= high}

    def older(versions: set[str]) -> bool:
        return any(Version(v) < low for v in versions)

    if not any(older(versions) for versions in sets.values()):
        return []
    return [key for key, versions in sets.items() if within(versions) == listed and not older(versions)]


def _final(versions: tuple[str, ...], oldest: Version) -> set[str]:
    out = set()
    for v in versions:
        try:
            parsed = Version(v)
        except InvalidVersion:
            continue
        if not parsed.is_prerelease and not parsed.is_devrelease and parsed >= oldest:
            out.add(str(parsed))
    return out


@cause_rule("wheels/offered-versions-name-the-machine", PY, PLAT)
def offered_versions_name_the_machine(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip listed the versions it could use ("from versions: ...") and the requested one is
    not among them.
    Why: the list is exactly the releases with a wheel for this Python on this platform, so the
    knowledge base can read the Python and platform off it; then, whether the requested release has
    wheels for other Pythons here (python-unsupported) or for this Python elsewhere only
    (platform-unsupported) decides.
    Example: `torch==2.5.1 (from versions: 2.0.0, ..., 2.2.2)` -> Intel macOS -> platform-unsupported."""
    if PY not in ctx.signals or decided(ctx):
        return
    req = kb_request(ctx)
    kb = ctx.kb
    if req is None or kb is None or req.spec.partition("+")[2]:
        return
    offered = offered_for(ctx, req.name)
    if offered is None or len(offered.versions) < 2:
        return
    releases = [r for r in kb.releases(req.name) if not r.yanked and r.platforms]
    if not releases:
        return
    oldest = releases[0].parsed_version
    seen = _final(offered.versions, oldest)
    if len(seen) < 2:
        return
    sets = _offered_sets(ctx, req.name)
    exact = [key for key, versions in sets.items() if versions == seen]
    if not exact:
        exact = _starting_here(sets, seen)
    if not exact:
        return
    pythons = {py for py, _ in exact}
    plats = tuple(dict.fromkeys(p for _, p in exact))
    known_plats = ctx.platforms
    if known_plats:
        plats = tuple(p for p in plats if p in known_plats)
        if not plats:
            return  # the list and the machine the log shows disagree: read nothing
    matching = _matching(ctx, req)
    if not matching:
        return
    on_here = [p for p in plats if any(r.pythons(p) for r in matching)]  # type: ignore[attr-defined]
    for_python = [
        p
        for p in PLATFORM_NAMES
        if any(py in r.pythons(p) for r in matching for py in pythons)  # type: ignore[attr-defined]
    ]
    evidence = [Evidence(offered.line, offered.text, "fact/offered")]
    where = " / ".join(PLATFORM_NAMES[p] for p in plats)
    py_text = "/".join(sorted(pythons, key=version_tuple))
    if on_here and len(pythons) <= 2:
        have = sorted({py for r in matching for p in on_here for py in r.pythons(p)}, key=version_tuple)  # type: ignore[attr-defined]
        note = (
            f"the versions pip offered are those with wheels for Python {py_text} on {where}; "
            f"{req.requirement} has wheels there only for Python {_span(set(have))}"
        )
        fix = (
            f"on Python {py_text} the newest is {req.name}=={offered.versions[-1]}: pip install "
            f"{req.name}=={offered.versions[-1]}, or create an environment with Python {_span(set(have))}"
        )
        yield Verdict(PY, 0.9, note, evidence, fix=fix)
    elif not on_here and len(plats) <= 2 and for_python:
        note = (
            f"the versions pip offered are those of {where}; {req.requirement} has no wheels there "
            f"(it has for {', '.join(PLATFORM_NAMES[p] for p in for_python)})"
        )
        yield Verdict(
            PLAT, 0.9, note, evidence, moves_from=(PY,), fix=f"{req.requirement} needs {PLATFORM_NAMES[for_python[0]]}"
        )


# Last releases with wheels for a platform the knowledge base does not cover.
_LAST_FOR_PLATFORM = {
    "torchaudio": ((2, 2, 2), "Intel macOS"),
    "torchvision": ((0, 17, 2), "Intel macOS"),
    "tensorflow-io-gcs-filesystem": ((0, 31, 0), "Windows"),
}


@cause_rule("wheels/last-release-for-platform", PLAT)
def last_release_for_platform(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip sees a package only up to the last release some platform got (torchvision 0.17.2
    on Intel macOS, tensorflow-io-gcs-filesystem 0.31.0 on Windows) and a newer one is asked for.
    Why: the wheels for that platform stopped there; no Python version change helps.
    Example: `tensorflow-io-gcs-filesystem==0.32.0 (from versions: ..., 0.31.0)` -> platform-unsupported."""
    if PY not in ctx.signals or decided(ctx):
        return
    for req in ctx.facts.requests:
        last, where = _LAST_FOR_PLATFORM.get(req.name, ((), ""))
        offered = offered_for(ctx, req.name)
        if not last or offered is None or not offered.versions:
            continue
        wanted = version_tuple(req.spec.lstrip("=~>"))
        if version_tuple(offered.versions[-1]) == last and wanted > last:
            note = f"{req.name} {'.'.join(map(str, last))} was the last release for {where}"
            yield Verdict(PLAT, 0.88, note, [Evidence(offered.line, offered.text, "fact/offered")], moves_from=(PY,))
            return


_BITS32 = "a 32-bit Python"
# Frameworks with no native build at all for an OS.
_NO_NATIVE_BUILD = {("jaxlib", "windows")}
_WHEEL_TAG_NOT_SUPPORTED = "platform/not-supported-wheel"
_POETRY_SKIPPED_WHEEL = "platform/poetry-skipped-wheel"


@cause_rule("wheels/machine-has-no-build", PLAT, PY)
def machine_has_no_build(ctx: RuleContext) -> Iterator[Verdict]:
    """What: no wheel fits, and the log shows a machine no framework builds for: a 32-bit Python,
    musl (Alpine), 32-bit ARM boards, Rosetta, or jaxlib on native Windows.
    Why: frameworks publish 64-bit glibc / macOS / Windows wheels only, so the machine, not the
    Python version, is what does not fit; unless the tool names the Python version itself.
    A 32-bit Python alone is the Python: causes.md's python-unsupported is "no wheel ... for this
    Python version (or for 32-bit Python)".
    Example: `Alpine Linux` + `No matching distribution found for tensorflow`."""
    if PY not in ctx.signals or python_proof(ctx) or decided(ctx):
        return
    signs = [s for s in ctx.facts.machine_signs if not s.value.startswith("wheel for")]
    thirty_two = (ctx.target is not None and ctx.target.bits == 32) or any(s.value == _BITS32 for s in signs)
    signs = [s for s in signs if s.value != _BITS32]
    labels = [s.value for s in signs]
    for req in ctx.facts.requests:
        if (req.name, ctx.os or "") in _NO_NATIVE_BUILD and not any(o.versions for o in ctx.facts.offered):
            labels.append(f"{req.name} on {ctx.os}")
    if not labels:
        if thirty_two:  # causes.md: "no wheel ... for this Python version (or for 32-bit Python)"
            why = "a 32-bit Python: no framework publishes 32-bit wheels"
            fix = _SIXTY_FOUR_BIT
            yield Verdict(PY, 0.85, why, [s.evidence("fact/machine") for s in ctx.facts.machine_signs[:1]], fix=fix)
        return
    evidence = [s.evidence("fact/machine") for s in signs[:2]]
    yield Verdict(
        PLAT, 0.85, f"the log shows {labels[0]}, which has no build of this release", evidence, moves_from=(PY,)
    )


def _older_than_the_kb(ctx: RuleContext, python: str, pythons: set[str], releases: list[object]) -> bool:
    """A Python below every Python the knowledge base's releases have, in a log from before its
    oldest release (or of no known date): older releases the knowledge base does not hold may have
    had wheels for it (jaxlib 0.1.x for 3.7), so its absence proves nothing."""
    if version_tuple(python) >= min(version_tuple(p) for p in pythons):
        return False
    era = ctx.facts.era_from.value if ctx.facts.era_from else ""
    oldest = min((str(getattr(r, "upload_time", "") or "") for r in releases), default="")
    return not era or not oldest or era < oldest[:10]


@cause_rule("wheels/python-no-release-supports", PY)
def python_no_release_supports(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip found no version at all ("from versions: none") or none matching, and the log's
    Python is one no release of the package has wheels for (say 3.13 before TensorFlow 2.20, 2.7,
    3.6), or a Python the frameworks never supported when the knowledge base does not know it.
    Why: then the Python version is why nothing fits, whatever the platform. A release the
    knowledge base does not hold (jaxlib 0.1.68), or an older Python than all it holds in a log
    older than its releases, proves nothing: the releases of that time are not in it.
    Example: `Python 3.13.0` + `No matching distribution found for tensorflow`."""
    if not no_wheel_signal(ctx) or decided(ctx):
        return
    python = ctx.python
    if not python:
        return
    sources = FAILED_SOURCES if any(r.source in FAILED_SOURCES for r in ctx.facts.requests) else ("command",)
    kb = ctx.kb if any(r.source in sources for r in ctx.facts.requests) else None
    evidence = [ctx.facts.python.evidence("fact/python")] if ctx.facts.python and ctx.target is None else []
    for req in ctx.facts.requests:
        if req.source not in sources or kb is None or req.name not in kb.packages():
            continue
        matching = _matching(ctx, req)
        if not matching and req.spec:
            continue  # the release asked for is not in the knowledge base: its Pythons are unknown
        matching = matching or [r for r in kb.releases(req.name) if not r.yanked]
        pythons = {py for r in matching for p in PLATFORM_NAMES for py in r.pythons(p)}  # type: ignore[attr-defined]
        if pythons and not req.spec and _older_than_the_kb(ctx, python, pythons, matching):
            continue
        moves = (PLAT,) if generic_only(ctx, PLAT) else ()
        shown = [*evidence, Evidence(req.line, req.text, "fact/request")]
        if pythons and python not in pythons:
            note = f"no {req.requirement} release has wheels for Python {python} (only {_span(pythons)})"
            yield Verdict(PY, 0.9, note, shown, moves_from=moves, fix=f"use Python {_span(pythons)}")
            return
        offered = offered_for(ctx, req.name)
        newest_two = sorted(pythons, key=version_tuple)[-2:]
        nothing = (offered is not None and not offered.versions) or (offered is None and generic_only(ctx, PLAT))
        if nothing and python in newest_two and not req.spec:
            first = next(
                (r for r in kb.releases(req.name) if any(python in r.pythons(p) for p in PLATFORM_NAMES)), None
            )
            since = f" (its first release with Python {python} wheels is {first.version})" if first else ""
            note = (
                f"pip saw no release at all; Python {python} is among the newest Pythons {req.name} "
                f"supports{since}, so the index pip read had none for it yet"
            )
            yield Verdict(
                PY,
                0.85,
                note,
                shown,
                moves_from=moves,
                fix=f"use Python {_span(pythons - {python}) or python}"
                + (f", or {req.name}>={first.version}" if first else ""),
            )
            return
        if pythons:
            return  # the knowledge base knows this package: an age rule below would be a guess
    parts = version_tuple(python)
    if parts and (parts >= (3, 14) or parts < (3, 7)):
        yield Verdict(
            PY, 0.6, f"the log shows Python {python}, which the frameworks' releases do not support", evidence
        )


_LISTED_WHEEL = re.compile(r"\b(?P<name>[A-Za-z0-9][\w.]*?)-(?P<version>\d[\w.+]*)-(?P<py>cp\d{2,3})-[\w]+-[\w.]+\.whl")


@cause_rule("wheels/listed-wheels-lack-this-python", PY)
def listed_wheels_lack_this_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip found no version of a package, and the log lists that package's published wheel
    files (copied from its PyPI page: `tensorflow_rocm-2.11.1.550-cp310-cp310-manylinux2014_x86_64.whl`,
    cp39, cp38), none of them for the log's Python (3.11).
    Why: the files a release publishes are the Pythons it can install on; a Python none of them
    is tagged for gets "from versions: none" whatever the machine.
    Example: `pip install tensorflow-rocm` -> `(from versions: none)` under Python 3.11, with the
    cp38 / cp39 / cp310 wheels listed."""
    python = ctx.python
    if not python or not no_wheel_signal(ctx) or decided(ctx) or ctx.has(_WHEEL_TAG_NOT_SUPPORTED):
        return
    failed = {r.name for r in ctx.facts.requests if r.source in FAILED_SOURCES}
    tags: dict[str, set[str]] = {}
    shown: dict[str, Evidence] = {}
    for number, line in ctx.lines:
        for match in _LISTED_WHEEL.finditer(line):
            name = re.sub(r"[-_.]+", "-", match.group("name")).lower()
            if name in failed:
                tags.setdefault(name, set()).add(match.group("py")[2:])
                shown.setdefault(name, Evidence(number, line, "fact/listed-wheel"))
    mine = python.replace(".", "")
    for name, pythons in tags.items():
        if len(pythons) >= 2 and mine not in pythons:
            listed = sorted((f"{p[0]}.{p[1:]}" for p in pythons), key=version_tuple)
            why = f"the {name} wheels the log lists are for Python {', '.join(listed)}, none for Python {python}"
            evidence = [shown[name], *([ctx.facts.python.evidence("fact/python")] if ctx.facts.python else [])]
            yield Verdict(PY, 0.85, why, evidence, moves_from=(PLAT,), fix=f"use Python {listed[-1]}")
            return


_SIGN_PLATFORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("musl libc", ("musllinux-x86_64", "musllinux-aarch64")),
    ("a 32-bit or ARM Linux", ("linux-i686", "linux-armv7l")),
    ("an ARM board", ("linux-aarch64", "linux-armv7l")),
    ("Rosetta", ("macos-x86_64",)),
    ("Intel (x86_64) macOS", ("macos-x86_64",)),
)
_OS_PLATFORMS = {
    "windows": ("windows-x86_64", "windows-x86", "windows-arm64"),
    "macos": ("macos-arm64", "macos-x86_64"),
    "linux": (
        "linux-x86_64",
        "linux-aarch64",
        "linux-armv7l",
        "linux-i686",
        "linux-ppc64le",
        "linux-s390x",
        "musllinux-x86_64",
        "musllinux-aarch64",
    ),
}
_BITS32_KEYS = frozenset({"windows-x86", "linux-i686", "linux-armv7l"})
_SIXTY_FOUR_BIT = "install a 64-bit Python (frameworks publish 64-bit wheels only) and create the environment with it"


def candidate_platforms(ctx: RuleContext) -> tuple[str, ...]:
    """The platform keys the machine may be, from the target or the log: a wheel it downloaded or
    the platform pip was told to fetch for names it; the OS, bitness and machine signs narrow it."""
    target = ctx.target
    if target is not None and (target.platform or target.os):
        if target.platform:
            return (target.platform,)
        return tuple(k for k in _OS_PLATFORMS.get(target.os or "", ()) if (k in _BITS32_KEYS) == (target.bits == 32))
    facts = ctx.facts
    for sign in facts.machine_signs:
        asked = re.search(r"asked for \(([\w.]+)\)", sign.value)
        if asked:
            return tuple(platform_keys(asked.group(1)))
        if sign.value.startswith("wheel for "):
            tagged = platform_keys(sign.value[len("wheel for ") :])
            if tagged:
                return tuple(tagged)
    for label, keys in _SIGN_PLATFORMS:
        if any(s.value.startswith(label) for s in facts.machine_signs):
            return keys
    keys = _OS_PLATFORMS.get(facts.os or "", ())
    if facts.platforms and (facts.os == "macos" or (facts.os == "linux" and len(facts.platforms) == 1)):
        keys = facts.platforms
    if facts.bits == 32:
        keys = tuple(k for k in keys or _BITS32_KEYS if k in _BITS32_KEYS)
    elif facts.bits == 64:
        keys = tuple(k for k in keys if k not in _BITS32_KEYS)
    return keys


def _newest(versions: tuple[str, ...]) -> str | None:
    """The newest final release in pip's list, as pip printed it."""
    final = []
    for text in versions:
        try:
            parsed = Version(text)
        except InvalidVersion:
            continue
        if not parsed.is_prerelease and not parsed.is_devrelease:
            final.append((parsed, text))
    return max(final)[1] if final else None


def _glibc_of(value: str) -> tuple[int, int] | None:
    """`2.17` -> (2, 17); None when it is not a glibc version."""
    found = re.fullmatch(r"(\d+)\.(\d+)(?:\.\d+)?", value.strip())
    return (int(found.group(1)), int(found.group(2))) if found else None


def _failed_requests(ctx: RuleContext) -> list[Requested]:
    """The requests pip / uv found no wheel for whose wheels the tables know, in log order (one
    per name and spec; pip names each failure twice)."""
    out: dict[tuple[str, str], Requested] = {}
    for req in ctx.facts.requests:
        if req.source in FAILED_SOURCES and nowheel.known(req.name):
            out.setdefault((req.name, req.spec), req)
    if not out and ctx.has(_UV_NO_WHEEL_HERE) and not any(r.source in FAILED_SOURCES for r in ctx.facts.requests):
        # uv's "Distribution `X` can't be installed ... for the current platform" pasted without the
        # distribution's name: the one package the command asked for (`uv add torch`) is the one
        asked = {r.name: r for r in ctx.facts.requests if r.source == "command"}
        if len(asked) == 1:
            (req,) = asked.values()
            if nowheel.known(req.name):
                out[(req.name, req.spec)] = req
    return list(out.values())


_UV_NO_WHEEL_HERE = "platform/uv-no-wheel-current-platform"


#: How sure a reading's share makes a verdict: (least share, weight, cap).
_READING_BANDS = ((0.97, 0.95, None), (0.9, 0.85, 0.86))


@cause_rule("wheels/which-build-fits", PY, PLAT, "glibc-too-old")
def which_build_fits(ctx: RuleContext) -> Iterator[Verdict]:
    """What: no wheel fits a request for a package whose wheels the tables know (wheelhistory,
    then the knowledge base), and the tool does not name the reason itself.
    Why: every (Python, platform, month) the log allows is a hypothesis: the Python and machine it
    shows, the day its pip / timestamps date it to, and above all pip's "from versions: ..." list,
    which is exactly what had a wheel for that Python and platform then. Under each one that
    agrees, the requested release has wheels on that platform for other Pythons (the Python
    version), wheels for this Python whose manylinux tag needs a newer glibc than an old Linux
    has (CentOS 7's 2.17: the glibc), or none there at all (the platform); weighed by how common
    each machine is, the reading names a cause only when it holds nearly all the weight, else
    the candidates stay candidates.
    An empty list ("from versions: none") while the log shows the index connection failing is
    read as the connection's, not the wheels' (the reading stays silent).
    Example: `tensorflow==1.13.1 (from versions: 2.2.0rc1, ..., 2.4.0)`: only Python 3.8 lists
    exactly those, and 1.13.1 has no 3.8 wheel -> python-unsupported."""
    if not no_wheel_signal(ctx) or python_proof(ctx) or decided(ctx):
        return
    requests = _failed_requests(ctx)
    if not requests:
        return
    network = ctx.signals.get("network-or-index")
    if network is not None and network.score >= 0.7:
        offered_lists = [offered_for(ctx, each.name) for each in requests]
        if all(offered is None or not offered.versions for offered in offered_lists):
            return  # "from versions: none" while the index connection failed: the list says nothing of wheels
    facts = ctx.facts
    platforms = candidate_platforms(ctx)
    patch = ctx.facts.python.value if ctx.target is None and ctx.facts.python else None
    questions = []
    for each in requests:
        spec, _, local = each.spec.partition("+")
        listed = offered_for(ctx, each.name)
        questions.append(
            nowheel.Question(
                package=each.name,
                spec=spec,
                local=local,
                offered=listed.versions if listed is not None else None,
                python=ctx.python,
                platforms=platforms,
                first_day=facts.era_from.value if facts.era_from else "",
                last_day=facts.era_until.value if facts.era_until else "",
                extra_index=facts.extra_index is not None,
                python_patch=patch if patch and patch.count(".") == 2 else None,
                glibc=_glibc_of(facts.glibc.value) if facts.glibc is not None else None,
            )
        )
    try:
        reading = nowheel.read_all(questions)
    except Exception:  # the tables are advisory
        return
    req = requests[-1]
    offered = offered_for(ctx, req.name)
    question = questions[-1]
    if reading is None:
        return
    evidence = _evidence_of(req, [Evidence(offered.line, offered.text, "fact/offered")] if offered else [])
    if facts.python is not None and ctx.target is None:
        evidence.append(facts.python.evidence("fact/python"))
    # a 32-bit Python is the Python in causes.md ("no wheel ... for this Python version (or for 32-bit
    # Python)"); a platform pip was told to fetch for (`pip download --platform win32`) is the platform
    bits = reading.share(nowheel.BITNESS)
    asked = any("asked for (" in s.value for s in facts.machine_signs)
    into = PLAT if asked else PY
    best_bits = reading.best.pop(nowheel.BITNESS, None)
    reading.weights[into] = reading.weights.get(into, 0.0) + reading.weights.pop(nowheel.BITNESS, 0.0)
    if best_bits is not None and (into not in reading.best or best_bits[0] > reading.best[into][0]):
        reading.best[into] = best_bits
    cause, share = reading.top()
    py_share, plat_share = reading.share(PY), reading.share(PLAT)
    glibc_share = reading.share(GLIBC)
    for least, weight, cap in _READING_BANDS:
        if cause in (PY, PLAT, GLIBC) and share >= least:
            _prior, python, plat, _when = reading.best[cause]
            where = PLATFORM_NAMES.get(plat, plat)
            fix: str | None = None
            if cause == GLIBC:
                rel = wheelhistory.release(req.name, req.spec[2:]) if req.spec.startswith("==") else None
                needed = rel.glibc_needed(python, plat) if rel is not None else None
                have = f"this system's glibc {facts.glibc.value}" if facts.glibc else "an older glibc (CentOS 7's 2.17)"
                note = (
                    f"{req.requirement} has {where} wheels for Python {python}, but their manylinux tags need glibc "
                    f"{f'{needed[0]}.{needed[1]}' if needed else 'newer than 2.17'}: {have} loads none of them"
                    if ctx.python or facts.glibc
                    else f"of the machines this log fits, {share:.0%} are Linux systems whose glibc is older than "
                    f"{req.requirement}'s manylinux wheels need"
                )
                newest = _newest(offered.versions) if offered is not None else None
                floor = f"{needed[0]}.{needed[1]}" if needed else "2.28"
                fix = (f"use {req.name}<={newest} on this system, or " if newest else "use ") + (
                    f"a distribution (or container) with glibc >= {floor}"
                )
                yield Verdict(cause, weight, note, evidence, moves_from=(PY, PLAT), cap=cap, fix=fix)
                return
            if cause == PY and plat in _BITS32_KEYS:
                note = f"{req.requirement} has no 32-bit wheels: a 32-bit Python ({where}) fits none"
                fix = _SIXTY_FOUR_BIT
                if share < 0.97 or bits < 0.9:
                    fix = None
                    note = (
                        f"of the machines this log fits, {share:.0%} have a Python {req.requirement} has no wheels "
                        f"for ({bits:.0%} a 32-bit one)"
                    )
            elif cause == PY:
                note = (
                    f"{req.requirement} has {where} wheels, but none for Python {python}"
                    if ctx.python
                    else f"of the machines this log fits, {share:.0%} are ones where {req.requirement} has wheels "
                    f"for other Pythons only (likeliest: Python {python} on {where})"
                )
            else:
                note = (
                    f"{req.requirement} has no wheels for {where}"
                    if len(question.platforms) == 1
                    else f"of the machines this log fits, {share:.0%} are platforms {req.requirement} has no "
                    f"wheels for (likeliest: {where})"
                )
            other = PLAT if cause == PY else PY
            yield Verdict(cause, weight, note, evidence, moves_from=(other,), cap=cap, fix=fix)
            return
    # no reading holds nearly all the weight: the candidates stay candidates, by their shares
    why = (
        f"the log fits machines where the Python ({py_share:.0%}, a 32-bit one {bits:.0%}), the platform "
        f"({plat_share:.0%})"
        + (f" or an old glibc ({glibc_share:.0%})" if glibc_share >= 0.1 else "")
        + " is why no wheel fits"
    )
    for candidate, part in ((PY, py_share), (PLAT, plat_share), (GLIBC, glibc_share)):
        if part >= 0.1:
            weight = 0.0 if candidate in ctx.signals else min(0.6, part)
            yield Verdict(candidate, weight, why, evidence, cap=min(0.7, 0.3 + part / 2))


@cause_rule("wheels/x86-build-on-apple-silicon", PLAT)
def x86_build_on_apple_silicon(ctx: RuleContext) -> Iterator[Verdict]:
    """What: an illegal (hardware) instruction on an Apple silicon Mac.
    Why: an M1 / M2 CPU has no AVX; an x86_64 build running under Rosetta (an Intel Python, an
    old x86-only TensorFlow wheel) dies on the first AVX instruction. The CPU is fine for arm64
    builds: the platform of the installed build is wrong, not the machine.
    Example: `zsh: illegal hardware instruction` on a MacBook Pro M1."""
    if "cpu-instructions" not in ctx.signals or ctx.platforms != ("macos-arm64",):
        return
    evidence = [e for e in ctx.facts.os_evidence[:1]]
    why = "an illegal instruction on Apple silicon: an x86_64 build running under Rosetta (no AVX there)"
    fix = "use an arm64 Python (Miniforge, python.org universal2) and the arm64 build of the framework"
    yield Verdict(PLAT, 0.9, why, evidence, moves_from=("cpu-instructions",), fix=fix)


# What newer Pythons removed that old build scripts still use: (pattern of the failure, removed in)
_REMOVED_FROM_PYTHON: tuple[tuple[re.Pattern[str], tuple[int, int], str], ...] = (
    (re.compile(r"no module named '?distutils\b", re.I), (3, 12), "distutils"),
    (re.compile(r"no module named '?imp'?$|no module named 'imp'", re.I), (3, 12), "the imp module"),
    (re.compile(r"module 'pkgutil' has no attribute 'impimporter'", re.I), (3, 12), "pkgutil.ImpImporter"),
    (re.compile(r"no module named '?(?:asynchat|asyncore|smtpd)\b", re.I), (3, 12), "asyncore / asynchat"),
    (re.compile(r"longintrepr\.h: no such file", re.I), (3, 11), "the longintrepr.h header"),
    (re.compile(r"no module named '?(?:cgi|cgitb|pipes|crypt|imghdr|telnetlib)'", re.I), (3, 13), "dead batteries"),
)
# pip / uv building a source distribution: the download of an sdist, or the build steps it prints
_SDIST_BUILD = re.compile(
    r"\.tar\.gz\b|\.zip\b|getting requirements to build wheel|preparing metadata \(pyproject\.toml\)|"
    r"building wheel for |pip-build-env|failed to build `|setup\.py (?:bdist_wheel|egg_info)",
    re.IGNORECASE,
)


@cause_rule("wheels/old-sdist-on-a-newer-python", PY)
def old_sdist_on_a_newer_python(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip / uv builds a package from its source distribution and the build fails on something
    the running Python removed (distutils, imp, pkgutil.ImpImporter in 3.12; longintrepr.h in 3.11).
    Why: an installer falls back to the sdist only when no wheel of that release fits the Python;
    a release older than the Python then fails in its build code. The cause is the Python (or the
    old pin): a release with wheels for this Python, or an older Python, installs.
    Example: `Downloading numpy-1.24.4.tar.gz` on Python 3.12, then `No module named 'distutils'`."""
    building = next((n for n, line in ctx.lines if _SDIST_BUILD.search(line)), None)
    if building is None:
        return
    found = None
    for number, line in ctx.lines:
        if number < building:
            continue
        for pattern, since, what in _REMOVED_FROM_PYTHON:
            if pattern.search(line):
                found = (number, line, since, what)
                break
        if found:
            break
    if found is None:
        return
    number, line, since, what = found
    python = version_tuple(ctx.python)
    if python and python[:2] < since:
        return  # an older Python still has it: another cause (a distro's split-off distutils ...)
    version = ".".join(map(str, since))
    evidence = [Evidence(number, line.strip(), "fact/removed-from-python")]
    fix = "pin a release with wheels for this Python, or use an older Python"
    if python:
        why = f"the sdist build fails on {what}, which Python {version} removed, and this is Python {ctx.python}"
        if ctx.facts.python is not None and ctx.target is None:
            evidence.append(ctx.facts.python.evidence("fact/python"))
        yield Verdict(PY, 0.85, why, evidence, demotes=("network-or-index",), fix=fix)
    else:
        why = f"the sdist build fails on {what}, which Python {version} removed (the log does not show its Python)"
        yield Verdict(PY, 0.6, why, evidence, fix=fix)


def _asked_glibc(ctx: RuleContext) -> tuple[tuple[int, int], str, int, str] | None:
    """The glibc a `--platform manylinux...` pip was told to fetch for promises, with its tag and line."""
    for sign in ctx.facts.machine_signs:
        asked = re.search(r"asked for \(([\w.]+)\)", sign.value)
        glibc = manylinux_glibc(asked.group(1)) if asked else None
        if asked is None or glibc is None:
            continue
        return glibc, asked.group(1), sign.line, sign.text
    return None


def _pins_above_what_pip_lists(ctx: RuleContext) -> Iterator[tuple[Requested, Offered, Version]]:
    """(request, pip's list, its newest version) for each exact pin (`==1.18.1`) pip failed on while
    listing only releases older than it: the newer ones exist but none fits this machine."""
    for req in ctx.facts.requests:
        offered = offered_for(ctx, req.name) if req.source == "pip-error" else None
        pinned = re.fullmatch(r"==([\w.]+)", req.spec)
        if offered is None or not offered.versions or pinned is None:
            continue
        try:
            newest = max(Version(v) for v in offered.versions)
            wanted = Version(pinned.group(1))
        except InvalidVersion:
            continue
        if wanted > newest:
            yield req, offered, newest


@cause_rule("wheels/newer-releases-need-a-newer-glibc", "glibc-too-old")
def newer_releases_need_a_newer_glibc(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip was told to fetch for an old manylinux (`--platform manylinux2014_x86_64`: glibc 2.17)
    and lists releases that stop below the exact version asked for.
    Why: pip lists every release with a wheel for that tag; the newer ones are on the index but ship
    wheels only for a newer manylinux (2_28: glibc 2.28), which that glibc cannot load. So the host's
    glibc is what excludes them, not the version's existence (the list has releases up to just before it).
    Example: `--platform manylinux2014_x86_64 ... h5py==3.16.0 (from versions: ..., 3.14.0)`."""
    asked = _asked_glibc(ctx)
    if asked is None:
        return
    glibc, tag, line, text = asked
    if glibc > (2, 17):
        return  # a recent manylinux: most releases still fit it, a missing one is no sign of glibc
    for req, offered, newest in _pins_above_what_pip_lists(ctx):
        note = (
            f"pip was told to fetch for {tag} (glibc {glibc[0]}.{glibc[1]}) and lists {req.name} only up to "
            f"{newest}: {req.requirement} and the releases after {newest} ship wheels for a newer glibc only"
        )
        evidence = [Evidence(line, text, "fact/platform-asked"), Evidence(offered.line, offered.text, "fact/offered")]
        yield Verdict("glibc-too-old", 0.85, note, evidence, moves_from=(PLAT, PY), fix=f"use {req.name}<={newest}")
        return


@cause_rule("wheels/release-for-this-python-hidden-by-the-distros-glibc", "glibc-too-old")
def release_for_this_python_hidden_by_the_distros_glibc(ctx: RuleContext) -> Iterator[Verdict]:
    """What: on Linux, pip lists releases that stop below the exact version asked for; the wheel
    table says that version has wheels for this Python on this Linux architecture; and the log
    names a distribution whose glibc is older than 2.28 (CentOS 7's 2.17).
    Why: a release with a wheel for this Python and architecture is missing from pip's list only
    when its manylinux tag asks for a newer glibc than the system has (the list stops where the
    project moved to manylinux_2_28): the distribution's C library excludes it, and no Python or
    pip upgrade brings it back.
    Example: CentOS 7, Python 3.10, `onnxruntime==1.18.1 (from versions: ..., 1.16.3)`."""
    distro = ctx.facts.distro_glibc
    python = ctx.python
    if distro is None or python is None or ctx.os != "linux" or version_tuple(distro.value) >= (2, 28):
        return
    arches = [k for k in ctx.platforms if k.startswith("linux-")] or ["linux-x86_64"]
    for req, offered, newest in _pins_above_what_pip_lists(ctx):
        known = wheelhistory.release(req.name, req.spec[2:])
        if known is None or not all(known.fits(python, arch) for arch in arches):
            continue
        note = (
            f"{req.requirement} has wheels for Python {python} on {' / '.join(arches)}, yet pip lists {req.name} "
            f"only up to {newest}: its wheels need a newer glibc than this system's {distro.value}"
        )
        evidence = [distro.evidence("fact/glibc"), Evidence(offered.line, offered.text, "fact/offered")]
        fix = f"use {req.name}<={newest} on this system, or a distribution with glibc >= 2.28 (or its container)"
        yield Verdict("glibc-too-old", 0.85, note, evidence, moves_from=(PLAT, PY), fix=fix)
        return


# machines that many projects (beyond the frameworks) publish no wheels for (piwheels.org: the index
# Raspberry Pi OS configures pip with)
_WHEEL_POOR = re.compile(
    r"\b(?:aarch64|arm64|armv7l?|armhf|raspberry ?pi|jetson|ppc64le|s390x|alpine|musl|riscv64|piwheels\.org)\b",
    re.IGNORECASE,
)
# a pre-release Python named: `Python 3.12.0a6`, `python 3.13.0rc1`, `Python 3.12a4`
_PRERELEASE_PYTHON = re.compile(r"\bpython\s*v?3\.\d{1,2}(?:\.\d+)?(?:a|b|rc)\d+\b", re.IGNORECASE)
# a Python this new at the log's date: a project building compiled wheels has often none yet
_NEW_PYTHON_DAYS = 300


def _days(a: str, b: str) -> int:
    return (datetime.date.fromisoformat(b) - datetime.date.fromisoformat(a)).days


@cause_rule("wheels/nothing-at-all-for-an-untabled-package", PY, PLAT)
def nothing_at_all_for_an_untabled_package(ctx: RuleContext) -> Iterator[Verdict]:
    """What: pip finds no version at all (`from versions: none`) of a package the wheel tables and
    the signatures do not know (ctranslate2, a project's own CLI), and the log shows either a
    Python released less than ~10 months before the log was written (its pip's release day), or
    a machine many projects build no wheel for (aarch64, 32-bit ARM, musl, ppc64le).
    Why: "none" means no file of any release fits: no sdist, and no wheel for this Python or this
    machine. A Python that new is the usual gap (compiled projects publish its wheels months after
    its release), and a pre-release Python (3.12.0a6) the extreme of it; on a wheel-poor machine
    with an older Python, the machine is. Neither shown, the line stays as weak as it is.
    Example: pip 24.3.1 (python 3.13) on Windows: `ctranslate2 (from versions: none)`."""
    if ctx.signals.get(PY) or ctx.signals.get(PLAT) or "network-or-index" in ctx.signals or decided(ctx):
        return
    failed = [
        r
        for r in ctx.facts.requests
        if r.source == "pip-error" and not nowheel.known(r.name) and compiled_family(r.name) is None
    ]
    empty = [r for r in failed if (o := offered_for(ctx, r.name)) is not None and not o.versions]
    if not empty:
        return
    req = empty[0]
    offered = offered_for(ctx, req.name)
    evidence = [Evidence(offered.line, offered.text, "fact/offered")] if offered else []
    python, era = ctx.python, ctx.facts.era_from
    prerelease = next(((n, t) for n, t in ctx.lines if _PRERELEASE_PYTHON.search(t)), None)
    if prerelease is not None:
        note = f"no file of {req.name} fits, and the Python is a pre-release: wheels come after its release"
        evidence.append(Evidence(*prerelease, "fact/python"))
        yield Verdict(PY, 0.82, note, evidence, fix=f"use a released Python {req.name} publishes wheels for")
        return
    released = wheelhistory.PYTHON_RELEASED.get(python or "")
    if python and released and era is not None and 0 <= _days(released, era.value[:10]) <= _NEW_PYTHON_DAYS:
        note = f"no file of {req.name} fits, and Python {python} was released {released}, months before this log"
        evidence.append(ctx.facts.python.evidence("fact/python") if ctx.facts.python else era.evidence("fact/era"))
        yield Verdict(PY, 0.82, note, evidence, fix=f"use a Python {req.name} publishes wheels for (one minor older)")
        return
    poor = next(((n, t, m.group(0)) for n, t in ctx.lines if (m := _WHEEL_POOR.search(t))), None)
    if poor is not None:
        note = f"no file of {req.name} fits this machine ({poor[2]}): it has no wheel for it"
        evidence.append(Evidence(poor[0], poor[1], "fact/machine"))
        fix = f"build {req.name} from source, or use a machine it publishes wheels for"
        yield Verdict(PLAT, 0.8, note, evidence, fix=fix)
