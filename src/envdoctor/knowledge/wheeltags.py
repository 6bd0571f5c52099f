"""Wheel tags read for the knowledge base: a platform tag's platform keys, the CPython minors a wheel serves
(its tags and Requires-Python), the minors the covered packages are built for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidWheelFilename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from envdoctor.knowledge import PLATFORMS

#: Python minors a version-agnostic (py3 / abi3) wheel may serve when no wheel says otherwise; a build
#: uses `known_pythons(...)`: every minor from the oldest to the newest CPython some compiled wheel
#: of the covered packages is tagged for (jaxlib had cp315 wheels while this list still ended at 3.14)
KNOWN_PYTHONS: tuple[str, ...] = tuple(f"3.{m}" for m in range(6, 15))


def platform_keys(tag: str) -> list[str]:
    """The knowledge base's platform keys for one wheel platform tag ([] when not covered)."""
    if tag == "any":
        return list(PLATFORMS)
    if tag.startswith(("manylinux", "linux")):
        if tag.endswith("_x86_64"):
            return ["linux-x86_64"]
        if tag.endswith("_aarch64"):
            return ["linux-aarch64"]
        return []
    if tag.startswith("macosx_"):
        if tag.endswith("_arm64"):
            return ["macos-arm64"]
        if tag.endswith(("_x86_64", "_intel")):
            return ["macos-x86_64"]
        if tag.endswith("_universal2"):
            return ["macos-arm64", "macos-x86_64"]
        return []
    if tag == "win_amd64":
        return ["windows-x86_64"]
    return []


def _allowed(requires_python: str | None) -> Callable[[str], bool]:
    if not requires_python:
        return lambda _py: True
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return lambda _py: True
    return lambda py: (
        spec.contains(Version(py + ".0"), prereleases=True) or spec.contains(Version(py), prereleases=True)
    )


def wheel_pythons(
    interpreter: str, abi: str, requires_python: str | None, known: Sequence[str] = KNOWN_PYTHONS
) -> tuple[list[str], bool]:
    """(Python minors, version-agnostic?) one wheel tag's interpreter/abi part serves; a
    version-agnostic wheel serves the `known` minors its Requires-Python admits."""
    if abi.endswith("t") and abi.startswith("cp"):  # free-threaded build: not covered
        return [], False
    if interpreter.startswith("cp") and interpreter[2:].isdigit():
        minor = _cp_minor(interpreter)
        if abi == "abi3":
            ok = _allowed(requires_python)
            return [p for p in known if _newer_or_equal(p, minor) and ok(p)], True
        return [minor], False
    if interpreter in ("py3", "py2.py3", "py30") or interpreter.startswith("py3"):
        ok = _allowed(requires_python)
        return [p for p in known if ok(p)], True
    return [], False


def _cp_minor(interpreter: str) -> str:
    digits = interpreter[2:]
    return f"{digits[0]}.{digits[1:]}"


def known_pythons(filenames: Iterable[str], also: Iterable[str] = ()) -> tuple[str, ...]:
    """Every Python 3 minor from the oldest to the newest that some CPython wheel among
    `filenames` is tagged for (cp315 -> up to "3.15"), or that `also` names ("3.12": minors
    compiled wheels of earlier data serve); KNOWN_PYTHONS when there is none."""
    minors: set[int] = {int(p.split(".")[1]) for p in also if p.startswith("3.") and p[2:].isdigit()}
    for filename in filenames:
        if not filename.endswith(".whl"):
            continue
        try:
            _, _, _, tags = parse_wheel_filename(filename)
        except (InvalidWheelFilename, InvalidVersion):
            continue
        for tag in tags:
            interpreter = tag.interpreter
            if interpreter.startswith("cp3") and interpreter[2:].isdigit() and len(interpreter) > 3:
                minors.add(int(interpreter[3:]))
    if not minors:
        return KNOWN_PYTHONS
    return tuple(f"3.{m}" for m in range(min(minors), max(minors) + 1))


def _newer_or_equal(a: str, b: str) -> bool:
    return tuple(int(x) for x in a.split(".")) >= tuple(int(x) for x in b.split("."))


def minor_key(py: str) -> tuple[int, ...]:
    return tuple(int(x) for x in py.split("."))
