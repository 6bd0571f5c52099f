"""ED104: packages built for (or declaring) another Python than the one running them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.frameworks import binary_family
from envdoctor.model import Distribution, Finding, Remedy, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe, is_framework, metadata_file, satisfies, specifier
from envdoctor.rules._registry import rule
from envdoctor.rules._shared import per_distribution

_EXT_TAG = re.compile(r"\.(?:cpython-|cp)(\d)(\d+)(t?)-")
_PY_TAG = re.compile(r"^cp(\d)(\d+)$")
_ABI_TAG = re.compile(r"^cp(\d)(\d+)([dmut]*)$")


def _running(ctx: Context) -> tuple[tuple[int, int], bool] | None:
    """((major, minor), free-threaded) of the target CPython; None when not CPython / unknown."""
    interp = ctx.interpreter
    if (interp.implementation or "cpython").lower() != "cpython":
        return None
    parts = interp.version_tuple
    if len(parts) < 2 or parts[0] == 0:
        return None
    return (parts[0], parts[1]), interp.abi_tag.endswith("t")


def _tag_ok(tag: str, running: tuple[int, int], threaded: bool) -> bool | None:
    """Whether one wheel tag can load in the running CPython: True / False, None when the tag
    does not tie the wheel to an interpreter ABI (pure `py3-none-any`, `cp39-none-...`)."""
    pieces = tag.split("-")
    if len(pieces) != 3:
        return None
    verdict: bool | None = None
    for py in pieces[0].split("."):
        for abi in pieces[1].split("."):
            if abi == "none":
                continue
            if py.startswith(("pp", "graalpy", "ip", "jy")):
                verdict = verdict or False  # another implementation's binary
                continue
            py_match = _PY_TAG.match(py)
            if py_match is None:
                continue
            built = (int(py_match.group(1)), int(py_match.group(2)))
            if abi == "abi3":
                ok = running >= built and not threaded
            else:
                abi_match = _ABI_TAG.match(abi)
                if abi_match is None:
                    continue
                ok = built == running and ("t" in abi_match.group(3)) == threaded
            if ok:
                return True
            verdict = False
    return verdict


def _binary_mismatch(dist: Distribution, running: tuple[int, int], threaded: bool) -> list[str] | None:
    """Evidence that `dist` was built for another Python; None when it was not (or unknown)."""
    verdicts = [_tag_ok(t, running, threaded) for t in dist.wheel_tags]
    if any(v is True for v in verdicts):
        return None
    if any(v is False for v in verdicts):
        return [f"{metadata_file(dist, 'WHEEL')}: Tag: {', '.join(dist.wheel_tags)}"]
    # No binary wheel tag (egg-info, conda, unknown): the extension files' names tell.
    tagged = []
    for rel in dist.extension_modules:
        match = _EXT_TAG.search(rel.rsplit("/", 1)[-1])
        if match is not None:
            built = (int(match.group(1)), int(match.group(2)))
            if built == running:
                return None
            tagged.append(rel)
    if tagged:
        return [f"{dist.location}/{tagged[0]}: an extension built for another Python"]
    return None


@rule(
    "ED104",
    "python-mismatch",
    title="Built for another Python than the one running it",
    severity=Severity.ERROR,
    cause="python-unsupported",
)
def python_mismatch(ctx: Context) -> Iterator[Finding]:
    """What:
    Installed packages that cannot work under the running Python: compiled wheels built for
    another CPython (WHEEL tag `cp310-cp310-...` under Python 3.11, or extension files named
    `*.cpython-310-*.so`), a framework release the knowledge base knows has no wheel for this
    Python on this platform, and distributions whose Requires-Python excludes it.

    Why:
    This happens when an environment is copied or its Python upgraded underneath its packages
    (`conda install python=3.11` over a 3.10 env, a venv rebuilt in place). Extensions built for
    another Python fail at import ("No module named 'tensorflow.python._pywrap...'", undefined
    symbols) and pip refuses to reinstall a release that has no wheel for this Python ("No
    matching distribution found").

    Example:
    tensorflow 2.10.1 (Tag: cp310-cp310-manylinux_2_17_x86_64) under Python 3.11.7.

    Fix:
    Reinstall the same versions for this Python: `python -m pip install --force-reinstall
    --no-deps "pkg==X"`; for a framework release with no wheel for this Python, install a release
    that has one (or recreate the environment with a Python it supports: `envdoctor plan`).
    """
    running_info = _running(ctx)
    minor = ctx.interpreter.minor
    reported: set[str] = set()

    # 1. Framework releases with no wheel for this Python (knowledge base). Not asked when the
    #    installed wheel itself is one for this Python (that answers it, and spares loading the
    #    release data).
    for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
        if binary_family(dist.name) is None:
            continue
        if running_info is not None and any(_tag_ok(t, *running_info) for t in dist.wheel_tags):
            continue
        finding = _no_wheels(ctx, dist, minor)
        if finding is not None:
            reported.add(dist.name)
            yield finding

    # 2. Binaries built for another Python.
    if running_info is not None:
        running, threaded = running_info
        mismatched: list[tuple[Distribution, list[str]]] = []
        for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
            if dist.name in reported:
                continue
            evidence = per_distribution(  # called at once: the loop variable is the one meant
                "binary_mismatch",
                dist,
                running_info,
                lambda: _binary_mismatch(dist, running, threaded),  # noqa: B023
            )
            if evidence is not None:
                mismatched.append((dist, evidence))
                reported.add(dist.name)
        if mismatched:
            yield _binary_finding(ctx, mismatched)

    # 3. Requires-Python that excludes the running Python.
    if ctx.interpreter.version:
        declared: list[Distribution] = []
        for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
            if dist.name in reported or not dist.requires_python:
                continue
            if _excludes(dist.requires_python, ctx.interpreter.version):
                declared.append(dist)
        if declared:
            yield _requires_python_finding(ctx, declared)


_EXCLUDES: dict[tuple[str, str], bool] = {}  # (Requires-Python, Python) -> excluded: few distinct pairs


def _excludes(requires_python: str, version: str) -> bool:
    """Whether the Requires-Python text excludes the running Python `version`."""
    key = (requires_python, version)
    found = _EXCLUDES.get(key)
    if found is None:
        spec = specifier(requires_python.strip())
        found = spec is not None and satisfies(spec, version) is False
        if len(_EXCLUDES) >= 10_000:
            _EXCLUDES.clear()
        _EXCLUDES[key] = found
    return found


def _no_wheels(ctx: Context, dist: Distribution, minor: str) -> Finding | None:
    pythons_of = getattr(ctx.kb, "pythons", None)
    platform = ctx.machine.platform_key if ctx.machine.os and ctx.machine.arch else ""
    if not callable(pythons_of) or not platform or not minor:
        return None
    pythons = list(pythons_of(dist.name, dist.version, platform))
    if not pythons or minor in pythons:
        return None
    evidence = [
        f"{dist.name}: {describe(dist)}",
        f"the knowledge base lists wheels of {dist.name} {dist.version} on {platform} for "
        f"Python {', '.join(pythons)} only",
        f"running: Python {ctx.interpreter.version} ({ctx.interpreter.executable})",
    ]
    fix: Remedy | None = None
    hints = [
        f"Or recreate the environment with Python {pythons[-1]} to keep {dist.name} "
        f"{dist.version}: `envdoctor plan {dist.name}=={dist.version} --python {pythons[-1]}`."
    ]
    releases_for = getattr(ctx.kb, "releases_for", None)
    if callable(releases_for):
        candidates = list(releases_for(dist.name, minor, platform))
        if candidates:
            newest = candidates[-1].version
            fix = ctx.install([f"{dist.name}=={newest}"], for_package=dist.name)
            evidence.append(f"the newest {dist.name} with a wheel for Python {minor}: {newest}")
    return python_mismatch.finding(
        f"{dist.name} {dist.version} has no wheel for Python {minor} on {platform}",
        evidence=evidence,
        fix=fix,
        hints=hints,
        subject=dist.name,
    )


def _binary_finding(ctx: Context, mismatched: list[tuple[Distribution, list[str]]]) -> Finding:
    names = ", ".join(f"{d.name} {d.version}" for d, _ in mismatched)
    evidence = [f"running: Python {ctx.interpreter.version} ({ctx.interpreter.executable})"]
    for dist, lines in mismatched:
        evidence.append(f"{dist.name}: {describe(dist)}")
        evidence.extend(lines)
    fix = ctx.install([f"{d.name}=={d.version}" for d, _ in mismatched], options=["force-reinstall", "no-deps"])
    hints = [
        "The environment was probably copied or its Python upgraded under its packages; if many "
        "packages are affected, recreating it is cleaner (`envdoctor plan` / `envdoctor create`)."
    ]
    if any(d.name in ctx.conda_records for d, _ in mismatched):
        hints.append("Packages that conda installed are best reinstalled with conda.")
    return python_mismatch.finding(
        f"built for another Python than {ctx.interpreter.version}: {names}",
        evidence=evidence,
        fix=fix,
        hints=hints,
        subject="python",
        about=[d.name for d, _ in mismatched],
    )


def _requires_python_finding(ctx: Context, declared: list[Distribution]) -> Finding:
    names = ", ".join(f"{d.name} {d.version} ({d.requires_python})" for d in declared)
    evidence = [f"running: Python {ctx.interpreter.version} ({ctx.interpreter.executable})"]
    evidence += [f"{d.name} {d.version}: Requires-Python {d.requires_python} ({metadata_file(d)})" for d in declared]
    severity = Severity.ERROR if any(is_framework(d.name) for d in declared) else Severity.WARNING
    return python_mismatch.finding(
        f"Requires-Python excludes Python {ctx.interpreter.version}: {names}",
        evidence=evidence,
        fix=ctx.install([d.name for d in declared], options=["upgrade"]),
        hints=["pip only picks releases whose Requires-Python admits the running Python."],
        severity=severity,
        subject="requires-python",
        about=[d.name for d in declared],
    )
