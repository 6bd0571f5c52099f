"""ED204: a distribution (or an import name) provided by several copies; which one wins."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import all_frameworks, framework_family
from envdoctor.model import Distribution, Finding, Remedy, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import base_requirements, describe, is_important, same_path, under
from envdoctor.rules._registry import rule
from envdoctor.rules._shared import per_distribution

# Import names that several distributions legitimately share (namespace packages, junk folders).
_SHARED_NAMES = frozenset(
    {
        "google",
        "nvidia",
        "azure",
        "jupyter",
        "sphinxcontrib",
        "zope",
        "backports",
        "mpl_toolkits",
        "ruamel",
        "jaraco",
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "examples",
        "example",
        "benchmarks",
        "scripts",
        "src",
        "build",
        "bin",
        "share",
        "etc",
        "include",
        "lib",
        "data",
        "tools",
        "utils",
        "opentelemetry",
        "dm",
        "plugins",
        "py",
        "contrib",
        "third_party",
    }
)


@rule(
    "ED204",
    "shadowed-distribution",
    title="A package is installed in several places",
    severity=Severity.WARNING,
    cause="env-leakage",
)
def shadowed_distribution(ctx: Context) -> Iterator[Finding]:
    """What:
    A distribution is found in several places on sys.path (the environment's site-packages, the
    user site, PYTHONPATH, another environment, a stale second *.dist-info in one folder): the
    finding names every copy and the one that wins. Also, an import name provided by two different
    installed distributions (opencv-python and opencv-contrib-python both providing `cv2`).
    An error when a framework or a core dependency (numpy, protobuf...) wins at another version
    than the environment's own copy.

    Why:
    The version `pip list` / `conda list` shows is not the one Python imports. Upgrading or
    pinning the environment's copy changes nothing, and two distributions writing the same files
    leave a mix of both.

    Example:
    numpy 1.24.4 in ~/.local/lib/python3.10/site-packages wins over numpy 1.26.4 in
    /opt/conda/envs/tf/lib/python3.10/site-packages.

    Fix:
    Remove the copy that does not belong to the environment: `python -m pip uninstall -y numpy`
    removes the winning (first) copy; for a stale duplicate in one folder, delete the stale
    *.dist-info and reinstall the package.
    """
    by_path = {d.metadata_path: d for d in ctx.snapshot.distributions if d.metadata_path}
    for name in sorted(ctx.all_copies):
        copies = ctx.all_copies[name]
        losers = [d for d in copies if d.shadowed_by is not None]
        if not losers:
            continue
        winner = ctx.installed.get(name)
        if winner is None:
            winner = by_path.get(losers[0].shadowed_by or "")
        if winner is None:
            continue
        yield _copies_finding(ctx, winner, losers)
    yield from _module_clashes(ctx)


def _inside(ctx: Context, dist: Distribution) -> bool:
    interp = ctx.interpreter
    if any(same_path(dist.location, s) for s in interp.site_packages):
        return True
    return bool(interp.prefix) and under(dist.location, interp.prefix)


def _copies_finding(ctx: Context, winner: Distribution, losers: list[Distribution]) -> Finding:
    name = winner.name
    differ = any(d.version != winner.version for d in losers)
    matters = is_important(name)
    evidence = [f"wins: {describe(winner)} ({winner.metadata_path})"]
    evidence += [f"hidden: {describe(d)} ({d.metadata_path})" for d in losers]
    hints: list[str] = []
    fix: Remedy | None = None
    severity = Severity.WARNING
    same_folder = [d for d in losers if same_path(d.location, winner.location)]
    if same_folder:
        stale = same_folder[0]
        fix = ctx.blocked([name])
        if fix is None:
            reinstall = ctx.install([f"{name}=={winner.version}"], options=["force-reinstall", "no-deps"])
            fix = Remedy(ctx.delete([stale.metadata_path], reason="the stale metadata").steps + reinstall.steps)
        hints.append("Two metadata folders in one site-packages: an interrupted or overlapping install.")
        message = f"{name} has {len(losers) + 1} metadata folders in {winner.location}"
    elif not _inside(ctx, winner) and any(_inside(ctx, d) for d in losers):
        own = next(d for d in losers if _inside(ctx, d))
        fix = _outside_remedy(ctx, winner)
        severity = Severity.ERROR if (differ and matters) else Severity.WARNING
        hints.append(
            f"Once {winner.location} is off sys.path the environment's {name} {own.version} loads. "
            "envdoctor does not uninstall the copy there: it lies outside this environment and may "
            "belong to another one."
        )
        message = f"{name} {winner.version} from {winner.location} shadows the environment's own {name} {own.version}"
    elif _inside(ctx, winner):
        severity = Severity.INFO
        hints.append("The environment's own copy wins; the hidden copies are unused here.")
        message = f"{name} {winner.version} is also installed outside the environment (hidden)"
    else:
        severity = Severity.ERROR if (differ and matters) else Severity.WARNING
        hints.append("Remove the copies you do not want; the first on sys.path wins.")
        fix = _outside_remedy(ctx, winner)
        message = f"{name} is installed in {len(losers) + 1} places; {winner.version} in {winner.location} wins"
    return shadowed_distribution.finding(
        message, evidence=evidence, fix=fix, hints=hints, severity=severity, subject=name
    )


def _import_names(dist: Distribution) -> list[str]:
    """The top-level import names `dist` provides, namespace packages left out (shared on purpose)."""
    modules = {m.strip().replace("\\", "/").split("/")[0] for m in dist.top_level}
    modules -= set(dist.namespace_packages)
    return sorted(modules)


def _module_clashes(ctx: Context) -> Iterator[Finding]:
    shared = _SHARED_NAMES.union(*(fw.shared_modules for fw in all_frameworks()))
    owners: dict[str, list[Distribution]] = {}
    for dist in ctx.installed.values():
        for module in per_distribution("import_names", dist, None, lambda: _import_names(dist)):  # noqa: B023
            if module and not module.startswith("_") and module not in shared:
                owners.setdefault(module, []).append(dist)
    for module in sorted(owners):
        dists = owners[module]
        if len(dists) < 2:
            continue
        families = {framework_family(d.name) for d in dists}
        if len(families) == 1 and None not in families:
            continue  # several distributions of one framework: ED105
        if _split_distribution(ctx, dists):
            continue  # mlflow requires mlflow-skinny and mlflow-tracing: one package split on purpose
        names = sorted(d.name for d in dists)
        keep = sorted(dists, key=lambda d: d.name)[0]
        clash = shadowed_distribution.finding(
            f"the import name '{module}' is provided by {len(dists)} distributions: {', '.join(names)}",
            evidence=[f"{d.name}: {describe(d)} (top_level.txt lists '{module}')" for d in dists],
            fix=ctx.replace(names, [f"{keep.name}=={keep.version}"]),
            hints=[
                f"They write the same files: whichever was installed last owns '{module}'. The fix keeps "
                f"{keep.name}; keep another one instead if that is the one you need."
            ],
            severity=Severity.WARNING,
            subject=module,
        )
        clash.cause = None  # two distributions in one environment: not leakage
        yield clash


def _outside_remedy(ctx: Context, winner: Distribution) -> Remedy:
    """A copy that loads from outside the environment: the sys.path entry is the cause to fix."""
    interp = ctx.interpreter
    separator = ";" if interp.sys_platform == "win32" else ":"
    entries = [e for e in interp.env.get("PYTHONPATH", "").split(separator) if e]
    if any(under(winner.location, e) for e in entries):
        return ctx.unset_env(["PYTHONPATH"], reason=f"{winner.location} is on PYTHONPATH")
    if interp.user_site and same_path(winner.location, interp.user_site):
        return ctx.set_env("PYTHONNOUSERSITE", "1", persistent=True, reason="turn the user site off")
    return ctx.manual(
        f"{winner.name} loads from {winner.location}, outside the environment: remove the .pth line "
        "(or setting) that puts that folder on sys.path (see ED203)"
    )


def _split_distribution(ctx: Context, dists: list[Distribution]) -> bool:
    """Whether one of `dists` requires all the others: a package split into several distributions
    that share an import name by design (not two packages fighting over it)."""
    names = {d.name for d in dists}
    for dist in dists:
        required = {req.name for req in base_requirements(ctx, dist)}
        if names - {dist.name} <= required:
            return True
    return False
