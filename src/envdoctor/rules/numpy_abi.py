"""ED102: NumPy 2 installed under a package built against NumPy 1."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import abi_package, binary_family, of_distribution
from envdoctor.model import Distribution, Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import (
    base_requirements,
    describe,
    metadata_file,
    parse_requirement,
    pin_fix,
    satisfies,
)
from envdoctor.rules._registry import rule
from envdoctor.versions import parse_version

# The first release built against NumPy 2, when the knowledge base does not say.
_NOT_VICTIMS = frozenset({"numpy", "numpy-base"})


def numpy_abi_victims(ctx: Context) -> dict[str, list[str]]:
    """{distribution name: evidence} for every installed distribution built against NumPy 1 while
    NumPy 2 is installed ({} when NumPy is not 2.x). Shared with ED101, which leaves these
    numpy pairs to this rule."""
    cached: dict[str, list[str]] | None = ctx.memo.get("numpy_abi.victims")
    if cached is not None:
        return cached
    victims: dict[str, list[str]] = {}
    numpy = ctx.get("numpy")
    have = parse_version(numpy.version) if numpy else None
    if numpy is not None and have is not None and have.major >= 2:
        for dist in ctx.installed.values():
            if dist.name not in _NOT_VICTIMS:
                evidence = _signals(ctx, dist, numpy.version)
                if evidence:
                    victims[dist.name] = evidence
    ctx.memo["numpy_abi.victims"] = victims
    return victims


def _signals(ctx: Context, dist: Distribution, numpy_version: str) -> list[str]:
    evidence: list[str] = []
    binary = dist.numpy_build
    if binary == "2":
        return []  # the binary itself says NumPy 2: it wins over release-level facts
    if binary == "1":
        evidence.append(
            f"{dist.numpy_build_path or dist.location}: compiled against NumPy 1.x (its "
            "_import_array imports numpy.core._multiarray_umath, NumPy 2 headers import "
            "numpy._core._multiarray_umath)"
        )
    if binary_family(dist.name) is None:
        return evidence  # the curated facts only cover the frameworks
    known = ctx.kb.numpy_abi(dist.name, dist.version, ctx.machine.platform_key)
    if known is not None and known[0] == "1":
        evidence.append(f"{dist.name} {dist.version} was built against NumPy 1.x (source: {known[1]})")
        return evidence
    for constraint in ctx.kb.extra_constraints(dist.name, dist.version):
        req = parse_requirement(constraint.requirement)
        if constraint.cause != "numpy-abi" or req is None or req.name != "numpy":
            continue
        if satisfies(req.specifier, numpy_version) is False:
            evidence.append(
                f"{dist.name} {dist.version} needs {constraint.requirement}: {constraint.reason} "
                f"(source: {constraint.source})"
            )
    return evidence


@rule(
    "ED102",
    "numpy-abi",
    title="NumPy 2 under a package built against NumPy 1",
    severity=Severity.ERROR,
    cause="numpy-abi",
)
def numpy_abi(ctx: Context) -> Iterator[Finding]:
    """What:
    NumPy 2.x is installed, but a package with compiled extensions was built against NumPy 1.x.
    The evidence goes beyond metadata: the knowledge base's facts per framework release
    (TensorFlow <= 2.17, PyTorch < 2.3 and jaxlib < 0.4.26 were built against NumPy 1.x) and what
    the extension binaries themselves show (NumPy 2's headers make an extension import
    `numpy._core._multiarray_umath`, NumPy 1's only `numpy.core._multiarray_umath`).

    Why:
    NumPy 2 changed the C ABI. An extension compiled against NumPy 1.x fails at import with
    "A module that was compiled using NumPy 1.x cannot be run in NumPy 2.x", `_ARRAY_API not
    found` or "numpy.core.multiarray failed to import". `pip check` often says nothing: TensorFlow
    2.10's metadata admits numpy 2, so `pip install tensorflow-cpu==2.10.*` is broken out of the
    box today; torch declares no numpy requirement at all.

    Example:
    numpy 2.1.3 with tensorflow-cpu 2.10.1 (metadata: numpy>=1.20), or with torch 2.2.2.

    Fix:
    Install NumPy 1.x into the target interpreter, within every installed package's range:
    `python -m pip install "numpy<2"` (conda: `conda install "numpy<2"`); or upgrade the package
    to a release built against NumPy 2 (TensorFlow >= 2.18, PyTorch >= 2.3, jaxlib >= 0.4.26).
    """
    victims = numpy_abi_victims(ctx)
    numpy = ctx.get("numpy")
    if not victims or numpy is None:
        return
    dists = [ctx.installed[name] for name in sorted(victims)]
    names = ", ".join(f"{d.display_name or d.name} {d.version}" for d in dists)
    message = (
        f"NumPy {numpy.version} is installed, but {names} "
        f"{'was' if len(dists) == 1 else 'were'} built against NumPy 1.x: importing "
        f'{"it" if len(dists) == 1 else "them"} fails ("A module that was compiled using NumPy '
        '1.x cannot be run in NumPy 2.x")'
    )
    evidence = [f"numpy: {describe(numpy)}"]
    for dist in dists:
        evidence.append(f"{dist.name}: {describe(dist)}")
        evidence.extend(victims[dist.name])
    hints: list[str] = []
    for dist in dists:
        admits = [
            req
            for req in base_requirements(ctx, dist)
            if req.name == "numpy" and satisfies(req.specifier, numpy.version)
        ]
        if admits:
            hints.append(
                f"`pip check` reports nothing here: {dist.name} {dist.version}'s metadata "
                f"({metadata_file(dist)}) admits it with '{admits[0].text}'."
            )
    for dist in dists:
        family = abi_package(dist.name) if binary_family(dist.name) else None
        first = _first_numpy2(ctx, family) if family else None
        if first is not None and family is not None:
            framework = of_distribution(dist.name)
            target = framework.user_distribution(dist.name) if framework else dist.name  # keeps tensorflow-cpu
            hints.append(
                f"Or upgrade {dist.name} to a release built against NumPy 2: "
                f"{ctx.command(ctx.install([f'{target}>={first}'], for_package=dist.name))}"
            )
    fix = pin_fix(ctx, "numpy", ["<2"], hints)
    yield numpy_abi.finding(
        message, evidence=evidence, fix=fix, hints=hints, subject="numpy", about=["numpy", *sorted(victims)]
    )


def _first_numpy2(ctx: Context, family: str) -> str | None:
    return ctx.kb.first_numpy2_release(family, ctx.machine.platform_key)
