"""ED105: several distributions of one framework (TensorFlow's variants) installed over one another."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.version import Version

from envdoctor.frameworks import Framework, all_frameworks
from envdoctor.model import Distribution, Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import base_requirements, describe, satisfies
from envdoctor.rules._registry import rule
from envdoctor.versions import parse_version


@rule(
    "ED105",
    "multiple-tensorflow",
    title="Several TensorFlow distributions installed over one another",
    severity=Severity.ERROR,
)
def multiple_tensorflow(ctx: Context) -> Iterator[Finding]:
    """What:
    More than one TensorFlow distribution is installed (tensorflow, tensorflow-cpu,
    tensorflow-gpu, tensorflow-intel, tensorflow-macos, tf-nightly, ...). They all install the
    same `tensorflow/` package, so each overwrites the other's files. Pairs that the `tensorflow`
    package installs itself (tensorflow -> tensorflow-intel on Windows, tensorflow-macos on Apple
    silicon, tensorflow-cpu-aws on Linux aarch64, at the same version) are fine.

    Why:
    The `tensorflow/` folder ends up a mix of two builds (often two versions): imports fail with
    missing or mismatched `_pywrap_*` modules, undefined symbols, or the wrong (CPU-only) build
    loads. Uninstalling one of them deletes files the other needs.

    Example:
    tensorflow 2.15.0 and tensorflow-cpu 2.13.1 both installed (by pip) in one site-packages.

    Fix:
    Uninstall every TensorFlow distribution, then install one:
    `python -m pip uninstall -y tensorflow tensorflow-cpu && python -m pip install "tensorflow==2.15.0"`.
    """
    for framework in all_frameworks():
        found = [ctx.installed[n] for n in framework.distributions if n in ctx.installed]
        if len(found) >= 2:
            yield from _several(ctx, framework, found)


def _several(ctx: Context, framework: Framework, found: list[Distribution]) -> Iterator[Finding]:
    names = {d.name for d in found}
    # Drop the ones another installed TF distribution requires (and gets, at the right version).
    satisfied_children: set[str] = set()
    for parent in found:
        for req in base_requirements(ctx, parent):
            child = ctx.installed.get(req.name)
            if (
                req.name in names
                and req.name != parent.name
                and child is not None
                and satisfies(req.specifier, child.version)
            ):
                satisfied_children.add(req.name)
    roots = [d for d in found if d.name not in satisfied_children]
    if len(roots) < 2:
        return
    keep = _keep(framework, roots)
    evidence = [f"{d.name}: {describe(d)} ({d.metadata_path})" for d in found]
    if satisfied_children:
        evidence.append(
            f"installed as a dependency of another {framework.label} distribution: "
            + ", ".join(sorted(satisfied_children))
        )
    yield multiple_tensorflow.finding(
        f"several {framework.label} distributions are installed over one another: "
        + ", ".join(f"{d.name} {d.version}" for d in found),
        evidence=evidence,
        fix=ctx.replace(sorted(names), [keep], for_package=keep.split("==")[0]),
        hints=[
            f"The fix keeps {keep}; install another one of them instead if that is the one you want.",
            f"Uninstalling only one of them leaves the other's `{framework.module}/` folder incomplete.",
        ],
        subject=framework.key,
        about=sorted(names),
    )


def _keep(framework: Framework, roots: list[Distribution]) -> str:
    """The distribution to reinstall: the newest version (the main distribution on a tie)."""
    best = roots[0]
    best_key: tuple[Version, bool] | None = None
    for dist in roots:
        parsed = parse_version(dist.version)
        if parsed is None:
            continue
        key = (parsed, dist.name == framework.distribution)
        if best_key is None or key > best_key:
            best, best_key = dist, key
    return f"{framework.user_distribution(best.name)}=={best.version}"
