"""Why no wheel fits: which (Python, platform, day) could have printed this, and what each would mean.

pip's "No matching distribution found" and uv's "no wheel for the current platform" say only that
no wheel fits. What the log does say narrows the machine down: the Python it shows, its OS and
bitness, the day it was written (a pip or Python version, a timestamp, the newest release pip
listed), and above all the versions pip offered, which are exactly the releases with a wheel for
this Python on this platform at that day. This module weighs every hypothesis (Python minor x
platform x month) that agrees with all of that, with a prior of how common each is, and reads for
each one what was wrong: the requested release has wheels on this platform for other Pythons
(python-unsupported), or none on this platform at all (platform-unsupported). A 32-bit Python is
its own reading (`BITNESS`): causes.md counts it under both. On Linux the system's glibc is one
more dimension: a machine of CentOS 7's glibc 2.17 or Ubuntu 18.04's 2.27 loads no wheel whose
manylinux tag asks for more, so a release with wheels for this Python may still fit none
(glibc-too-old); the log's own glibc (a distribution it names) replaces the estimate.

The priors are plain estimates of who installs frameworks (Linux and Windows x86_64 most, macOS
arm64 only after Nov 2020, 32-bit Pythons ever rarer); the wheel tables (wheelhistory, then the
knowledge base) are facts. The result is a probability per cause, not a verdict: the rule that
uses it (`rules/wheels.py`) names a cause only when one reading holds almost all the weight.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from envdoctor.explain import wheelhistory
from envdoctor.explain.rules._registry import shipped_kb
from envdoctor.explain.wheelhistory import WheelRelease

PY, PLAT, BITNESS, GLIBC = "python-unsupported", "platform-unsupported", "bitness", "glibc-too-old"

PYTHON_RELEASED = wheelhistory.PYTHON_RELEASED
FIRST_MONTH = 2016 * 12  # Jan 2016: logs older than that are not weighed
LAST_MONTH = 2026 * 12 + 11  # Dec 2026
# A 32-bit Python on 64-bit Windows is the interpreter's bitness (causes.md counts it under both
# causes); a 32-bit Linux (i686, armv7l) is the machine itself: the platform.
_BITS32 = frozenset({"windows-x86"})
_BITS64_SIBLING = {"windows-x86": "windows-x86_64"}


def month(day: str) -> int:
    """`2023-05-01` -> a month number (year * 12 + month - 1); 0 when unreadable."""
    try:
        return int(day[:4]) * 12 + int(day[5:7]) - 1
    except (ValueError, IndexError):
        return 0


def platform_prior(platform: str, when: int) -> float:
    """How common a platform is among people installing frameworks, in a month (estimates)."""
    year = when / 12
    if platform == "linux-x86_64":
        return 0.40
    if platform == "windows-x86_64":
        return 0.33
    if platform == "macos-x86_64":
        return 0.10 if year < 2021 else max(0.03, 0.10 - 0.0175 * (year - 2021))
    if platform == "macos-arm64":
        return 0.0 if when < 2020 * 12 + 10 else min(0.10, 0.03 + 0.0175 * (year - 2021))
    if platform == "linux-aarch64":
        return 0.02 + 0.0025 * max(0.0, year - 2016)
    if platform == "windows-x86":
        # python.org's default Windows download was 32-bit until 3.9 (Oct 2020); rare after
        return 0.08 if year < 2020.5 else max(0.004, 0.08 - 0.076 * (year - 2020.5))
    if platform == "windows-arm64":
        return 0.002 if year >= 2020 else 0.0
    return {
        "linux-armv7l": 0.01,
        "linux-i686": 0.003,
        "linux-ppc64le": 0.002,
        "linux-s390x": 0.0005,
        "musllinux-x86_64": 0.006,
        "musllinux-aarch64": 0.001,
    }.get(platform, 0.0)


#: The old glibc levels weighed on Linux (CentOS / RHEL 7, Ubuntu 18.04); None: one every wheel loads on.
OLD_GLIBCS: tuple[tuple[int, int], ...] = ((2, 17), (2, 27))


def glibc_prior(glibc: tuple[int, int] | None, when: int) -> float:
    """How common a Linux system of that glibc class is among people installing frameworks, in a
    month (estimates: CentOS 7 fades towards its June 2024 end, Ubuntu 18.04 towards its April 2023 one)."""
    year = when / 12
    if glibc == (2, 17):
        return 0.12 if year < 2021 else max(0.02, 0.12 - 0.025 * (year - 2021))
    if glibc == (2, 27):
        return 0.0 if year < 2018.3 else 0.15 if year < 2021.5 else max(0.02, 0.15 - 0.035 * (year - 2021.5))
    return 1.0 - sum(glibc_prior(g, when) for g in OLD_GLIBCS)


def glibc_classes(platform: str, known: tuple[int, int] | None) -> tuple[tuple[int, int] | None, ...]:
    """The glibc levels weighed for a platform: the log's own on Linux, else every class."""
    if not platform.startswith("linux-"):
        return (None,)
    return (known,) if known is not None else (None, *OLD_GLIBCS)


# The first Python minor with a native CPython build for a platform, where that came years after
# the platform's first wheels: python.org's first Windows ARM64 installer was 3.11 (Oct 2022);
# before it, Windows on ARM ran x86 / x64 Pythons under emulation, which read as those platforms.
NATIVE_PYTHON_FROM = {"windows-arm64": (3, 11)}


def native_python(platform: str, python: str) -> bool:
    """Whether a Python minor could run natively on a platform (and so ask for its wheels)."""
    first = NATIVE_PYTHON_FROM.get(platform)
    if first is None:
        return True
    try:
        major, minor = (int(x) for x in python.split(".")[:2])
    except ValueError:
        return True
    return (major, minor) >= first


def volume(when: int) -> float:
    """How many logs a month contributes: questions about framework installs grew over the years."""
    return 0.5 + max(0.0, when - FIRST_MONTH) / 120


def recency(asked: int, when: int) -> float:
    """How likely a pinned release is asked for `when - asked` months after it came out: people pin
    the releases of their day (docs, tutorials, requirements files), rarely ones years old."""
    age = when - asked
    for limit, share in ((12, 1.0), (24, 0.5), (48, 0.25)):
        if age < limit:
            return share
    return 0.1


def python_share(python: str, when: int) -> float:
    """How common a Python minor is in a month, by its age (estimates); 0 before its release."""
    released = month(PYTHON_RELEASED.get(python, ""))
    if not released:
        return 0.05  # a minor the table does not know (3.3, 3.16): rare either way
    age = when - released
    if age < 0:
        return 0.0
    for limit, share in ((6, 0.5), (12, 0.8), (48, 1.0), (72, 0.5), (96, 0.15)):
        if age < limit:
            return share
    return 0.03


@dataclass(frozen=True)
class Question:
    """What the log says about one failed request."""

    package: str
    spec: str = ""  # a specifier set without the local part ("==1.10.0", ">=2.4,<2.6", "")
    local: str = ""  # the local version asked for ("cu113" of torch==1.10.0+cu113)
    offered: tuple[str, ...] | None = None  # pip's "(from versions: ...)"; () for "none"; None: not shown
    python: str | None = None  # "3.10"
    platforms: tuple[str, ...] = ()  # the platform keys the machine may be; () when the log does not say
    first_day: str = ""  # the log is from this day or later
    last_day: str = ""  # ... and from before this day
    extra_index: bool = False  # another index or find-links page was read too
    python_patch: str | None = None  # "3.12.0": the patch release dates the log too
    glibc: tuple[int, int] | None = None  # the system's glibc, when the log names it (Linux only)


@dataclass
class Reading:
    """The weight of each cause over the hypotheses that fit the log, and the likeliest one."""

    weights: dict[str, float] = field(default_factory=dict)
    best: dict[str, tuple[float, str, str, int]] = field(default_factory=dict)  # cause -> (w, py, platform, month)
    hypotheses: int = 0
    best_fit: float = 0.0  # the best agreement of any hypothesis with pip's lists (1: exact)

    def total(self) -> float:
        return sum(self.weights.values())

    def share(self, cause: str) -> float:
        total = self.total()
        return self.weights.get(cause, 0.0) / total if total else 0.0

    def top(self) -> tuple[str, float]:
        if not self.weights:
            return "", 0.0
        cause = max(self.weights, key=lambda c: self.weights[c])
        return cause, self.share(cause)


def _releases(package: str) -> Sequence[WheelRelease]:
    held = wheelhistory.releases(package)
    if held:
        return held
    return _from_kb(package)


def _from_kb(package: str) -> Sequence[WheelRelease]:
    try:
        kb = shipped_kb()
        if kb is None or package not in kb.packages():
            return ()
        return tuple(
            WheelRelease(package, r.version, (r.upload_time or "")[:10], dict(r.pythons_by_platform), r.sdist_only)
            for r in kb.releases(package)
            if not r.yanked
        )
    except Exception:  # advisory
        return ()


def known(package: str) -> bool:
    return bool(_releases(package))


def releases_of(package: str) -> Sequence[WheelRelease]:
    """The releases the tables know of a package (wheelhistory, else the knowledge base)."""
    return _releases(package)


def _canonical(version: str) -> str | None:
    try:
        return str(Version(version))
    except InvalidVersion:
        return None


def _with_sdists(rels: Sequence[WheelRelease]) -> list[WheelRelease]:
    """An sdist serves every machine (pip lists it and tries to build it): such a release fits all."""
    every = {p: tuple(PYTHON_RELEASED) for p in wheelhistory.PLATFORM_KEYS}
    return [WheelRelease(r.package, r.version, r.uploaded, every, True) if r.sdist else r for r in rels]


def _ghosts(package: str, until: int) -> list[WheelRelease]:
    """Stand-ins for the releases the index no longer holds, one per month before `until`: wheels on
    every main platform a curated fact does not exclude, for the Pythons of that month."""
    plats = [p for p in wheelhistory.MAIN_PLATFORMS if wheelhistory.first_on(package, p) is None]
    out = []
    for when in range(FIRST_MONTH, until):
        pythons = tuple(
            py
            for py, day in PYTHON_RELEASED.items()
            if month(day) + 3 <= when and when - month(day) < 72 and py != "2.7"
        )
        if pythons:
            day = f"{when // 12:04d}-{when % 12 + 1:02d}-01"
            out.append(WheelRelease(package, f"ghost-{when}", day, {p: pythons for p in plats}))
    return out


FIT_FLOOR = 0.02  # a hypothesis pip's lists disagree with more than once is not weighed
MISSING = 0.05  # the likelihood factor of a release the hypothesis fits that pip did not list
EXTRA = 0.02  # ... and of a release pip listed that the hypothesis does not fit
EXTRA_INDEXED = 0.3  # ... when pip also read another index, which may hold builds the tables do not


@dataclass
class _Request:
    """The request and the releases that match it, as the model reads them."""

    matching: list[WheelRelease]
    exists_from: int  # the month the requested release was out (0: no exact release)
    ghost: bool  # the requested release is one the index no longer holds


def _request(question: Question, rels: list[WheelRelease], ghosts: list[WheelRelease]) -> _Request | None:
    spec = question.spec
    exact = spec.startswith("==") and "*" not in spec and "," not in spec
    if exact:
        version = _canonical(spec[2:])
        if version is None:
            return None
        parsed = Version(version)
        if parsed.is_prerelease or parsed.is_devrelease:  # an rc has the tags its final release has
            version = parsed.base_version
            parsed = Version(version)
        found = next((r for r in rels if Version(r.version) == parsed), None)
        if found is not None:
            return _Request([found], month(found.uploaded), False)
        incomplete = wheelhistory.INCOMPLETE_BEFORE.get(question.package)
        if ghosts and incomplete and parsed < Version(incomplete[0]):
            return _Request(ghosts, 0, True)
        return None  # a version the tables do not know (a typo, a private build): nothing to weigh
    if not spec:
        return _Request([*ghosts, *rels], 0, False)
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        return None
    matching = [r for r in rels if wanted.contains(r.version, prereleases=True)]
    incomplete = wheelhistory.INCOMPLETE_BEFORE.get(question.package)
    if ghosts and incomplete:
        named = [_canonical(s.version.rstrip(".*")) for s in wanted]
        if not matching or any(v and Version(v) < Version(incomplete[0]) for v in named):
            matching = [*ghosts, *matching]  # a range of releases the index no longer holds
    return _Request(matching, 0, False) if matching else None


def patch_month(patch: str) -> int:
    """About when a CPython patch release came out: bugfix releases follow the minor's first
    release every two months or so (an approximation; 0 when unknown)."""
    parts = patch.split(".")
    if len(parts) < 3 or not parts[2].isdigit():
        return 0
    released = month(PYTHON_RELEASED.get(".".join(parts[:2]), ""))
    return released + 2 * int(parts[2]) if released else 0


def patch_recency(patch_at: int, when: int) -> float:
    """People run a recent patch release: a log more than a year after its patch is rarer."""
    if not patch_at or when - patch_at < 12:
        return 1.0
    return 0.3 if when - patch_at < 36 else 0.1


@dataclass
class _Model:
    """One failed request, ready to be asked about any (Python, platform, month)."""

    question: Question
    request: _Request
    candidates: list[WheelRelease]
    listed: set[str] | None
    older_listed: bool
    low: int
    high: int

    @classmethod
    def of(cls, question: Question) -> _Model | None:
        rels = _with_sdists([r for r in _releases(question.package) if month(r.uploaded)])
        if not rels:
            return None
        by_version = {r.version: r for r in rels}
        incomplete = wheelhistory.INCOMPLETE_BEFORE.get(question.package)
        until = month(by_version[incomplete[0]].uploaded) if incomplete and incomplete[0] in by_version else 0
        ghosts = _ghosts(question.package, until) if until else []
        request = _request(question, rels, ghosts)
        if request is None:
            return None
        # the versions pip listed that the tables know (pre-releases, local builds and deleted
        # releases are not in them: they neither confirm nor refute a hypothesis)
        listed: set[str] | None = None
        older_listed = False
        if question.offered is not None:
            canon = [v for v in (_canonical(x) for x in question.offered) if v]
            listed = {v for v in canon if v in by_version}
            older_listed = incomplete is not None and any(Version(v) < Version(incomplete[0]) for v in canon)
        low = max(FIRST_MONTH, month(question.first_day) if question.first_day else 0, request.exists_from)
        high = min(LAST_MONTH, month(question.last_day) if question.last_day else LAST_MONTH)
        if listed:
            low = max(low, max(month(by_version[v].uploaded) for v in listed))
        return cls(question, request, [*ghosts, *rels], listed, older_listed, low, high)

    def for_hypothesis(self, plat: str, py: str, glibc: tuple[int, int] | None = None) -> _Fit:
        matching = sorted(self.request.matching, key=lambda r: month(r.uploaded))
        sibling = _BITS64_SIBLING.get(plat, "")

        def loads(r: WheelRelease) -> bool:
            return r.fits(py, plat, glibc)

        fit = _Fit(
            self,
            plat,
            [month(r.uploaded) for r in matching],
            _running_any(loads(r) for r in matching),
            _running_any(py in r.pythons_by_platform.get(plat, ()) for r in matching),
            _running_any(bool(r.pythons_by_platform.get(plat)) for r in matching),
            _running_any(bool(sibling and r.pythons_by_platform.get(sibling)) for r in matching),
            _running_any(
                any(py in r.pythons_by_platform.get(p, ()) for p in wheelhistory.MAIN_PLATFORMS) for r in matching
            ),
        )
        if self.listed is not None:
            fitting = [(month(r.uploaded), r.version) for r in self.candidates if loads(r)]
            for when, version in fitting:
                if version in self.listed:
                    fit.listed_fit.append(when)
                elif not (self.older_listed and version.startswith("ghost-")):
                    fit.unlisted.append(when)
            fit.unlisted.sort()
            fit.listed_fit.sort()
            fit.listed_nofit = len(self.listed - {v for _m, v in fitting})
        return fit


@dataclass
class _Fit:
    """One request under one (platform, Python): its likelihood and cause month by month."""

    model: _Model
    plat: str
    match_months: list[int]
    fits: list[bool]  # some matching release has a wheel this machine (its glibc too) loads
    fits_any_glibc: list[bool]  # ... a wheel for this Python and platform, whatever glibc it needs
    on_plat: list[bool]
    on_sibling: list[bool]
    py_anywhere: list[bool]  # some matching release has a wheel for this Python on a main platform
    unlisted: list[int] = field(default_factory=list)
    listed_fit: list[int] = field(default_factory=list)
    listed_nofit: int = 0

    def at(self, when: int) -> tuple[str | None, float]:
        """(cause, how well pip's list agrees) under this hypothesis in that month."""
        model = self.model
        if when < model.low or when > model.high:
            return None, 0.0
        out = bisect_right(self.match_months, when)
        if not out:
            return None, 0.0  # the requested release was not out yet
        like = 1.0
        if model.listed is not None:
            # a release of the log's own month may have come out after it: only earlier ones are missing
            missing = bisect_left(self.unlisted, when)
            extra = len(self.listed_fit) - bisect_right(self.listed_fit, when)
            # another index (a find-links page) may hold releases the tables do not: softer there
            nofit = EXTRA_INDEXED if model.question.extra_index else EXTRA
            like *= MISSING**missing * EXTRA**extra * nofit**self.listed_nofit
        at = out - 1
        cause = _cause(model.question, self.plat, self.fits[at], self.on_plat[at], self.on_sibling[at])
        if cause is not None and not self.fits[at] and self.fits_any_glibc[at]:
            cause = GLIBC  # a wheel for this Python and platform exists; this glibc loads none of them
        supposed = bool(model.listed) and bool(self.listed_fit)  # pip listed releases this machine takes
        if cause != PY and cause is not None and (model.question.python or supposed) and not self.py_anywhere[at]:
            # this Python (the log's, or the one this hypothesis supposes while the machine takes other
            # releases) has no wheel of the request on any platform: that is why, whatever the machine
            cause = PY
        return cause, like


def read(question: Question, pythons: Sequence[str] | None = None) -> Reading | None:
    """The reading of one failed request, or None when the tables do not know the package."""
    return read_all([question], pythons)


def read_all(questions: Sequence[Question], pythons: Sequence[str] | None = None) -> Reading | None:
    """The reading of the failed requests of one log (one machine, one day): a hypothesis must
    explain every one of them; the last request's cause is the one it reads."""
    models = [m for m in (_Model.of(q) for q in questions) if m is not None]
    if not models:
        return None
    machine = models[-1].question
    low = max(m.low for m in models)
    high = min(m.high for m in models)
    patch_at = patch_month(machine.python_patch or "")
    low = max(low, patch_at - 1) if patch_at else low
    if low > high:
        return None
    plats = machine.platforms or wheelhistory.PLATFORM_KEYS
    minors = list(pythons) if pythons else ([machine.python] if machine.python else list(PYTHON_RELEASED))
    reading = Reading()
    for plat in plats:
        for py in minors:
            if not native_python(plat, py):
                continue
            for glibc in glibc_classes(plat, machine.glibc):
                _weigh(reading, models, plat, py, glibc, low, high, patch_at, machine.glibc is not None)
    # one release listed or left out against the tables is a glitch (a yanked file, a mirror);
    # more than that in every hypothesis is a list no machine showed: nothing to read
    return reading if reading.weights and reading.best_fit >= FIT_FLOOR else None


def _weigh(
    reading: Reading,
    models: Sequence[_Model],
    plat: str,
    py: str,
    glibc: tuple[int, int] | None,
    low: int,
    high: int,
    patch_at: int,
    glibc_known: bool,
) -> None:
    """Add one (platform, Python, glibc) machine's months to the reading."""
    fits = [m.for_hypothesis(plat, py, glibc) for m in models]
    for when in range(low, high + 1):
        prior = platform_prior(plat, when) * python_share(py, when)
        if not glibc_known and plat.startswith("linux-"):
            prior *= glibc_prior(glibc, when)
        if prior <= 0:
            continue
        prior *= volume(when) * patch_recency(patch_at, when)
        cause: str | None = None
        agreement = 1.0
        for fit in fits:
            cause, like = fit.at(when)
            if cause is None:
                break
            agreement *= like
            if fit.model.request.exists_from:
                prior *= recency(fit.model.request.exists_from, when)
        if cause is None or agreement < FIT_FLOOR:
            continue
        reading.best_fit = max(reading.best_fit, agreement)
        _add(reading, cause, prior * agreement, py, plat, when)


def _running_any(flags: Iterable[bool]) -> list[bool]:
    out: list[bool] = []
    seen = False
    for flag in flags:
        seen = seen or flag
        out.append(seen)
    return out


def _add(reading: Reading, cause: str, prior: float, py: str, plat: str, when: int) -> None:
    reading.hypotheses += 1
    reading.weights[cause] = reading.weights.get(cause, 0.0) + prior
    best = reading.best.get(cause)
    if best is None or prior > best[0]:
        reading.best[cause] = (prior, py, plat, when)


def _cause(question: Question, plat: str, fits: bool, on_plat: bool, on_sibling: bool) -> str | None:
    """What was wrong under one hypothesis, or None when it could not have failed this way."""
    if fits:
        if question.local and plat.startswith("macos"):
            return PLAT  # the plain release fits; its +cu / +cpu builds exist for Linux and Windows only
        return None  # a wheel fits: pip would have found it
    if on_plat:
        return PY
    if plat in _BITS32 and on_sibling:
        return BITNESS
    return PLAT
