"""ED212: conda packages whose `depends` are broken by what pip installed."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.model import CondaRecord, Finding, Severity
from envdoctor.rules._conda_spec import conda_names_of, conda_spec_allows, conda_to_pypi, split_match_spec
from envdoctor.rules._context import Context
from envdoctor.rules._deps import canonical_name, describe, is_framework, is_important
from envdoctor.rules._registry import rule
from envdoctor.rules.pip_over_conda import moved_by_pip

_SKIP = frozenset({"python", "python_abi", "pip", "setuptools", "wheel"})


@rule(
    "ED212",
    "conda-depends-broken",
    title="pip broke what conda packages depend on",
    severity=Severity.WARNING,
    cause="mixed-pip-conda",
)
def conda_depends_broken(ctx: Context) -> Iterator[Finding]:
    """What:
    Conda records (conda-meta/*.json) whose `depends` match specs ("numpy >=1.21,<2.0a0") are no
    longer met because pip (or uv) replaced the package they depend on with a version outside the
    range. Conda specs are read as PEP 440 (`1.21.*`, `=1.21`, `|`, `,`); specs that cannot be
    read are skipped. Only packages pip moved are checked: conda keeps its own records consistent.
    An error when a framework or a core dependency is involved.

    Why:
    conda believes its versions are installed, so it neither warns nor repairs; the conda
    package (built against the version it pins) breaks at import or at run time, and the next
    `conda install` may undo pip's change without telling.

    Example:
    conda's scipy 1.11.4 depends on "numpy >=1.21.6,<1.28"; pip installed numpy 2.0.1 over it.

    Fix:
    Give the package back to conda within the range its dependents need: `python -m pip
    uninstall -y numpy && conda install -p PREFIX --force-reinstall "numpy >=1.21.6,<1.28"`.
    """
    conda = ctx.snapshot.conda
    if conda is None:
        return
    broken: dict[str, list[tuple[CondaRecord, str]]] = {}
    moved_cache: dict[str, bool] = {}
    for record in conda.records:
        for depend in record.depends:
            name, spec, _ = split_match_spec(depend)
            if not name or name in _SKIP:
                continue
            pypi = conda_to_pypi(name) or canonical_name(name)
            dist = ctx.installed.get(pypi)
            if dist is None:
                continue
            moved = moved_cache.get(pypi)
            if moved is None:
                moved = _moved(ctx, pypi)
                moved_cache[pypi] = moved
            if not moved:
                continue
            if conda_spec_allows(spec, dist.version) is False:
                broken.setdefault(pypi, []).append((record, depend))
    for pypi in sorted(broken):
        yield _finding(ctx, pypi, broken[pypi])


def _moved(ctx: Context, name: str) -> bool:
    dist = ctx.installed[name]
    state = moved_by_pip(ctx, dist)
    if state is None:
        return (dist.installer or "").strip() != "conda"  # no conda record at all: pip's
    return state is not False


def _finding(ctx: Context, name: str, broken: list[tuple[CondaRecord, str]]) -> Finding:
    dist = ctx.installed[name]
    matters = is_important(name) or any(is_framework(conda_to_pypi(r.name) or r.name) for r, _ in broken)
    evidence = [f"installed: {describe(dist)} ({dist.metadata_path})"]
    evidence += [f"conda's {r.name} {r.version} ({r.path or r.name}) depends on '{d}'" for r, d in broken]
    specs = sorted({split_match_spec(d)[1] for _, d in broken if split_match_spec(d)[1]})
    conda_name = next((n for n in conda_names_of(name) if n in ctx.conda_records), name)
    hints: list[str] = []
    if any("|" in s for s in specs) and len(specs) > 1:
        wanted = f"{conda_name} {specs[0]}"
        hints.append("The other ranges: " + "; ".join(specs[1:]))
    else:
        wanted = f"{conda_name} {','.join(specs)}".strip()
    fix = ctx.replace([name], [wanted], manager="conda", options=["force-reinstall"])
    hints.append(
        "If a pip-installed package needs this version, install that one with conda too (or use "
        "`envdoctor plan` to find a set both agree on)."
    )
    dependents = ", ".join(sorted({f"{r.name} {r.version}" for r, _ in broken}))
    return conda_depends_broken.finding(
        f"{name} {dist.version} (installed by {(dist.installer or 'pip').strip()}) breaks conda "
        f"packages that depend on it: {dependents}",
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=Severity.ERROR if matters else Severity.WARNING,
        subject=name,
    )
