"""ED101: installed requirements that are not met (pip check, with who, what, where and the fix)."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import of_distribution
from envdoctor.model import Distribution, Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import (
    Req,
    combined_spec,
    describe,
    install_fix,
    is_framework,
    metadata_file,
    pin_fix,
    requirers,
    satisfies,
    spec_text,
)
from envdoctor.rules._registry import rule
from envdoctor.rules.numpy_abi import numpy_abi_victims
from envdoctor.versions import parse_version

_CAUSES = {
    "protobuf": "protobuf-mismatch",
    "keras": "keras-version-mismatch",
    "tf-keras": "keras-version-mismatch",
}


def owned_elsewhere(ctx: Context, requirer: Distribution, target: str) -> bool:
    """Pairs a dedicated rule reports with more context: a framework's protobuf (ED103),
    TensorFlow's keras (ED107), and numpy under a package ED102 already reports."""
    if target == "protobuf" and is_framework(requirer.name):
        return True
    framework = of_distribution(requirer.name)
    if (
        framework is not None
        and framework.keras is not None
        and target in (framework.keras.package, framework.keras.legacy)
    ):
        return True
    if target == "numpy":
        return requirer.name in numpy_abi_victims(ctx)
    return False


@rule(
    "ED101",
    "unmet-requirement",
    title="An installed distribution's requirement is not met",
    severity=Severity.WARNING,
    cause="dependency-version-mismatch",
)
def unmet_requirement(ctx: Context) -> Iterator[Finding]:
    """What:
    An installed distribution requires another one that is missing, or installed at a version
    outside the range it declares (Requires-Dist). Like `pip check`, requirements that only apply
    to an extra are not checked and environment markers are evaluated for the target interpreter.
    Unlike it, the finding names who requires what, the installed version, which installer put it
    there and where it lives. Unmet requirements of TensorFlow, PyTorch and JAX are errors; others
    are warnings.

    Why:
    A later `pip install` or `conda install` that moves one package (NumPy, protobuf, h5py,
    ml-dtypes, typing-extensions...) silently breaks the packages that pinned it; the failure only
    shows at import or at the first operation, and rarely names the package.

    Example:
    tensorflow 2.12.0 requires numpy<1.24,>=1.22 but numpy 1.26.4 is installed (by pip);
    tensorflow 2.15.0 requires ml-dtypes~=0.2.0 but ml-dtypes 0.4.0 is installed.

    Fix:
    Install a version that satisfies every installed requirer at once, with the installer that
    manages it: `python -m pip install "ml-dtypes~=0.2.0"` (or `conda install` when conda owns it).
    """
    index = requirers(ctx)
    installed = ctx.installed
    missing: dict[str, list[tuple[Distribution, Req]]] = {}
    findings: list[tuple[str, Finding]] = []
    for target in sorted(index):
        problems: list[tuple[Distribution, Req]] = []
        dist = installed.get(target)
        for requirer, req in index[target]:
            if requirer.name == target:
                continue  # an extra requiring its own distribution
            if dist is None or (
                req.url is None
                and satisfies(req.specifier, dist.version) is False
                and not owned_elsewhere(ctx, requirer, target)
            ):
                problems.append((requirer, req))
        if problems and dist is None:
            missing[target] = problems
        elif problems:
            findings.append((target, _finding(ctx, target, dist, problems)))
    # Several distributions missing for one requirer (torch without its nvidia-* wheels, a
    # package installed with --no-deps): one finding for that requirer.
    by_requirer: dict[int, list[str]] = {}
    for target, problems in missing.items():
        if len(problems) == 1:
            by_requirer.setdefault(id(problems[0][0]), []).append(target)
    grouped = {t for targets in by_requirer.values() if len(targets) > 1 for t in targets}
    for targets in by_requirer.values():
        if len(targets) > 1:
            requirer = missing[targets[0]][0][0]
            reqs = [missing[t][0][1] for t in targets]
            findings.append((requirer.name, _missing_finding(ctx, requirer, reqs)))
    for target, problems in missing.items():
        if target not in grouped:
            findings.append((target, _finding(ctx, target, None, problems)))
    for _, finding in sorted(findings, key=lambda pair: pair[0]):
        yield finding


def _missing_finding(ctx: Context, requirer: Distribution, reqs: list[Req]) -> Finding:
    label = f"{requirer.display_name or requirer.name} {requirer.version}"
    return unmet_requirement.finding(
        f"{label} requires {len(reqs)} distributions that are not installed: " + ", ".join(_wanted(r) for r in reqs),
        evidence=[f"{label} requires '{r.text}' ({metadata_file(requirer)})" for r in reqs]
        + [f"{requirer.name}: {describe(requirer)}", "installed: none of them"],
        fix=install_fix(ctx, [combined_spec(ctx, r.name) for r in reqs], for_package=requirer.name),
        hints=["Installed with --no-deps, or from another index than its dependencies?"],
        severity=Severity.ERROR if is_framework(requirer.name) else Severity.WARNING,
        subject=requirer.name,
        about=[requirer.name, *(r.name for r in reqs)],
    )


def _finding(ctx: Context, target: str, dist: Distribution | None, problems: list[tuple[Distribution, Req]]) -> Finding:
    framework_requirers = [r for r, _ in problems if is_framework(r.name)]
    severity = Severity.ERROR if framework_requirers else Severity.WARNING
    cause = _CAUSES.get(target, "dependency-version-mismatch")
    if target == "numpy" and dist is not None and any(_numpy_major_break(req, dist.version) for _, req in problems):
        cause = "numpy-abi"  # the range excludes the installed NumPy's major: a C-ABI break
    who = ", ".join(f"{r.display_name or r.name} {r.version} requires {_wanted(req)}" for r, req in problems)
    if dist is None:
        message = f"{target} is not installed, but {who}"
    else:
        message = f"{who}, but {dist.display_name or dist.name} {dist.version} is installed"
    evidence = [
        f"{r.display_name or r.name} {r.version} requires '{req.text}' ({metadata_file(r)})" for r, req in problems
    ]
    evidence.append(f"installed: {describe(dist)}" if dist is not None else f"installed: no {target}")
    if dist is not None and dist.metadata_path:
        evidence.append(f"{target} metadata: {dist.metadata_path}")
    hints: list[str] = []
    fix = pin_fix(ctx, target, (), hints)
    unmet = {id(r) for r, _ in problems}
    others = sorted({f"{r.name} {r.version}" for r, _ in requirers(ctx)[target] if id(r) not in unmet})
    if fix is not None and others:
        hints.append("The fix also keeps the other requirers satisfied: " + ", ".join(others))
    return unmet_requirement.finding(
        message,
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=severity,
        subject=target,
        cause=cause,
        about=[target, *(r.name for r, _ in problems)],
    )


_NUMPY_PROBES = {1: ("1.26.4", "1.23.5", "1.21.6", "1.19.5", "1.16.6"), 2: ("2.0.2", "2.2.6", "2.3.0")}


def _numpy_major_break(req: Req, installed: str) -> bool:
    """The requirement admits NumPy of another major than the one installed (only)."""
    have = parse_version(installed)
    if have is None or satisfies(req.specifier, installed) is not False:
        return False
    admitted = {major for major, probes in _NUMPY_PROBES.items() if any(satisfies(req.specifier, p) for p in probes)}
    return bool(admitted) and have.major not in admitted


def _wanted(req: Req) -> str:
    if req.url is not None:
        return f"{req.name} @ {req.url}"
    spec = spec_text(req.specifier)
    return f"{req.name}{spec}" if spec else req.name
