"""ED211: pip installed over a package conda manages."""

from __future__ import annotations

import os
from collections.abc import Iterator

from envdoctor.model import CondaRecord, Distribution, Finding, Severity
from envdoctor.rules._conda_spec import conda_to_pypi
from envdoctor.rules._context import Context
from envdoctor.rules._deps import (
    canonical_name,
    combined_spec,
    describe,
    installer_of,
    is_important,
    satisfies,
    specifier,
)
from envdoctor.rules._registry import rule


def dist_name_of(folder: str) -> str:
    """ "numpy" from "numpy-1.26.4.dist-info" / "PyYAML-6.0-py3.11.egg-info"."""
    return canonical_name(folder.split("-", 1)[0])


def conda_owned(ctx: Context) -> dict[str, tuple[CondaRecord, str]]:
    """{distribution name: (conda record, the *-info folder it installed)}."""
    cached: dict[str, tuple[CondaRecord, str]] | None = ctx.memo.get("conda.owned")
    if cached is None:
        cached = {}
        if ctx.snapshot.conda is not None:
            for record in ctx.snapshot.conda.records:
                for folder in record.python_dists:
                    cached.setdefault(dist_name_of(folder), (record, folder))
        ctx.memo["conda.owned"] = cached
    return cached


def moved_by_pip(ctx: Context, dist: Distribution) -> CondaRecord | bool | None:
    """For an installed distribution: False when conda's own copy is what is installed; the
    conda record when another copy replaced conda's; None when conda has no record of it."""
    owned = conda_owned(ctx).get(dist.name)
    if owned is not None:
        record, folder = owned
        if os.path.basename(dist.metadata_path.rstrip("/\\")) == folder:
            return False
        return record
    if ctx.snapshot.conda is None or conda_owned(ctx):
        return None  # conda's file lists are known: no record installed this distribution
    # Records without file lists (an old or trimmed snapshot): match by name and version.
    found = ctx.conda_records.get(dist.name)
    if found is None:
        found = next((r for n, r in ctx.conda_records.items() if conda_to_pypi(n) == dist.name), None)
    if found is None:
        return None
    if found.version == dist.version or installer_of(dist) == "conda":
        return False
    return found


@rule(
    "ED211",
    "pip-over-conda",
    title="pip installed over a conda package",
    severity=Severity.WARNING,
    cause="mixed-pip-conda",
)
def pip_over_conda(ctx: Context) -> Iterator[Finding]:
    """What:
    A package has a conda record (conda-meta/*.json) but the installed metadata is not the one
    conda installed: pip (or uv) installed another version over it, or removed conda's copy.
    An error for a framework or a core dependency (numpy, protobuf, ...), a warning otherwise.

    Why:
    conda still believes its version is installed: its solver plans against a version that is not
    there, `conda update` / `conda remove` delete or overwrite pip's files, and packages conda
    built against its version get pip's. Typical symptoms: "Cannot uninstall 'X'", files
    overwritten, imports that break after an unrelated `conda install`.

    Example:
    conda-meta/numpy-1.26.4-py311h64a7726_0.json, but numpy-2.0.1.dist-info (INSTALLER: pip) is
    what is installed.

    Fix:
    Let one manager own it: conda's own version back when every installed package accepts it
    (`python -m pip uninstall -y numpy && conda install -p PREFIX --force-reinstall
    "numpy==1.26.4"`), else conda owning pip's version (`conda install ... "numpy==2.0.1"`).
    """
    conda = ctx.snapshot.conda
    if conda is None or not conda.records:
        return
    for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
        record = moved_by_pip(ctx, dist)
        if not isinstance(record, CondaRecord):
            continue
        if record.version == dist.version and installer_of(dist) == "conda":
            continue
        yield _finding(ctx, dist, record)
    # conda records whose Python metadata is gone (removed by `pip uninstall`)
    for name, (record, folder) in sorted(conda_owned(ctx).items()):
        if name not in ctx.all_copies:
            yield pip_over_conda.finding(
                f"conda installed {record.name} {record.version}, but its metadata ({folder}) is "
                "gone (removed by pip?)",
                evidence=[f"conda record: {record.path} ({record.name} {record.version}, {record.channel})"],
                fix=ctx.install([f"{record.name}=={record.version}"], manager="conda", options=["force-reinstall"]),
                hints=["`pip uninstall` on a conda package deletes conda's files; conda still lists it."],
                severity=Severity.ERROR if is_important(name) else Severity.WARNING,
                subject=name,
            )


def _finding(ctx: Context, dist: Distribution, record: CondaRecord) -> Finding:
    matters = is_important(dist.name)
    evidence = [
        f"conda record: {record.path or record.name} ({record.name} {record.version}, "
        f"{record.channel or 'unknown channel'})",
        f"installed: {describe(dist)} ({dist.metadata_path})",
    ]
    if record.python_dists:
        evidence.append(f"conda installed {', '.join(record.python_dists)}")
    keep = ctx.replace([dist.name], [f"{record.name}=={dist.version}"], manager="conda", options=["force-reinstall"])
    back = ctx.replace([dist.name], [f"{record.name}=={record.version}"], manager="conda", options=["force-reinstall"])
    wanted = combined_spec(ctx, dist.name)
    spec = specifier(wanted[len(canonical_name(dist.name)) :]) if wanted else None
    if spec is not None and satisfies(spec, record.version) is not False:
        # conda's own version fits every installed requirer: give it back (the state conda's solver chose)
        fix = back
        hints = [f"Or let conda own {dist.name} {dist.version} instead: {ctx.command(keep)}"]
    else:
        fix = keep
        hints = [f"Or give conda's {record.name} {record.version} back: {ctx.command(back)}"]
    hints.append("Install with conda first and pip last, and never pip over a package conda installed.")
    return pip_over_conda.finding(
        f"{dist.name} {dist.version} ({installer_of(dist)}) is installed over conda's {record.name} {record.version}",
        evidence=evidence,
        fix=fix,
        hints=hints,
        severity=Severity.ERROR if matters else Severity.WARNING,
        subject=dist.name,
    )
