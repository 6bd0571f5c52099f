"""Versions and specifiers, shared by the rules, the knowledge base, plan and fix: lenient
parsing, and whether specifiers can be satisfied (alone, together, or beyond a cap)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

_EDGES = (Version("0"), Version("0.0.1"), Version("99999"))


@cache  # the rules parse the same few hundred installed versions many times per check
def parse_version(text: str | None) -> Version | None:
    """The PEP 440 version `text` names; None when it is empty or not a version."""
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _release(parts: Iterable[int]) -> Version:
    return Version(".".join(map(str, parts)))


def probe_points(*specifiers: SpecifierSet) -> set[Version] | None:
    """Versions at and around every bound of `specifiers`: the bound, just above and just below it
    at each level (`1.2` -> `1.2.1`, `1.2.post1`, `1.3`, `2`, `1.1.999`, `1.2.0.1`), and the
    extremes. Some version satisfies a set of the <, <=, >, >=, ==, ===, ~=, != clauses requirements
    use if and only if one of these does. None when a bound is not a version (cannot tell)."""
    points = set(_EDGES)
    for specifier in specifiers:
        for clause in specifier:
            base = parse_version(clause.version.replace(".*", ""))
            if base is None:
                return None
            release = list(base.release)
            points.update((base, _release([*release, 1]), Version(f"{_release(release)}.post1")))
            for i in range(len(release)):
                up = release[: i + 1]
                up[-1] += 1
                points.add(_release(up))
                points.add(_release([*release[: i + 1], 0, 1]))
                if release[i] > 0:
                    down = release[: i + 1]
                    down[-1] -= 1
                    points.add(_release([*down, 999]))
    return points


def satisfiable(specifier: SpecifierSet, known: Iterable[Version] | None = None) -> bool:
    """Can any version satisfy `specifier` (pre-releases allowed)? Among `known` versions (the
    releases a package has) when given, else among its probe points."""
    if not len(specifier):
        return True
    candidates = list(known) if known is not None else probe_points(specifier)
    if candidates is None:
        return True  # a bound that is not a version: cannot tell, assume it can
    return any(specifier.contains(v, prereleases=True) for v in candidates)


def overlap(a: SpecifierSet, b: SpecifierSet) -> bool:
    """Whether some final version satisfies both."""
    points = probe_points(a, b)
    if points is None:
        return True  # cannot tell: assume they overlap
    return any(a.contains(p) and b.contains(p) for p in points)


def admits_outside(specifier: SpecifierSet, cap: SpecifierSet) -> bool:
    """Whether `specifier` allows some final version that `cap` excludes."""
    points = probe_points(specifier, cap)
    if points is None:
        return False
    return any(specifier.contains(p) and not cap.contains(p) for p in points)
