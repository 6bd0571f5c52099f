"""File rules (lint) about conda specifics: channel mixing, pip over conda, unreadable lines."""

from __future__ import annotations

import re
from collections.abc import Iterator

from envdoctor.frameworks import of_distribution
from envdoctor.knowledge import view as kbview
from envdoctor.lint.context import FileContext
from envdoctor.model import Finding, Severity
from envdoctor.rules._registry import rule

_DEFAULTS = ("defaults", "main", "anaconda", "r", "msys2")


@rule(
    "ED506",
    "lint-mixed-channels",
    title="defaults and conda-forge mixed without strict channel priority",
    severity=Severity.WARNING,
    cause="solver-conflict",
    scope="file",
)
def mixed_channels(fctx: FileContext) -> Iterator[Finding]:
    """What:
    The environment lists both the `defaults` (Anaconda) channels and `conda-forge`, without
    `nodefaults` or strict channel priority.
    Why:
    Packages from the two channels are built with different compilers and pinnings; a mix
    breaks at import (missing symbols) or makes the solver slow and unsatisfiable.
    Example:
    `channels: [defaults, conda-forge]`.
    Fix:
    Use conda-forge only (`- conda-forge` and `- nodefaults`), or
    `conda config --set channel_priority strict`.
    """
    if fctx.file.kind != "environment.yml":
        return
    names = [c for c, _ in fctx.file.channels]
    defaults = [(c, line) for c, line in fctx.file.channels if c in _DEFAULTS or "repo.anaconda.com" in c]
    forge = [(c, line) for c, line in fctx.file.channels if c.rstrip("/").endswith("conda-forge")]
    if not defaults or not forge or "nodefaults" in names:
        return
    if (fctx.file.channel_priority or "").lower() == "strict":
        return
    yield mixed_channels.finding(
        "channels mix defaults and conda-forge without strict priority",
        evidence=[fctx.file.evidence(line) for _, line in defaults + forge],
        location=fctx.location(line=min(line for _, line in defaults + forge)),
        fix="conda config --set channel_priority strict",
        hints=["or list only conda-forge and add '- nodefaults' to channels"],
        subject="channels",
    )


@rule(
    "ED507",
    "lint-pip-over-conda",
    title="pip entries will overwrite conda packages",
    severity=Severity.WARNING,
    cause="mixed-pip-conda",
    scope="file",
)
def pip_over_conda(fctx: FileContext) -> Iterator[Finding]:
    """What:
    The pip section installs a package that the conda section also installs, or a framework
    whose requirements replace conda's copies (numpy, protobuf, h5py).
    Why:
    pip overwrites conda's files without telling conda; the next conda operation or import breaks.
    Example:
    `- numpy=1.26` in dependencies and `- numpy==2.1` (or `- tensorflow`) under `pip:`.
    Fix:
    Install each package with one manager: keep python (and CUDA for old TensorFlow) in conda and
    everything else in the pip section, as TensorFlow's docs do.
    """

    if fctx.file.kind != "environment.yml":
        return
    conda = {e.name: e for e in fctx.file.entries if e.kind == "conda" and e.name}
    conda.pop("python", None)
    conda.pop("pip", None)
    for entry in fctx.file.entries:
        if entry.kind != "pip" or not entry.name:
            continue
        framework = of_distribution(entry.name)
        conda_name = framework.conda.request if framework and framework.conda else ""
        twin = conda.get(entry.name) or conda.get(conda_name)
        if twin is not None:
            yield pip_over_conda.finding(
                f"{entry.name} is installed by both conda and pip: pip will overwrite conda's copy",
                evidence=[twin.evidence, entry.evidence],
                location=fctx.location(entry),
                fix=f"remove one of '{twin.text}' (conda) and '{entry.text}' (pip)",
                subject=entry.name,
            )
            continue
        if framework is None or framework.distribution != entry.name:
            continue  # the main distributions: their Requires-Dist is in the knowledge base
        family = framework.distribution
        versions = fctx.framework_versions(family, entry)
        if not versions:
            continue
        needs = {r.name.lower() for r in kbview.requirements(fctx.kb, family, versions[0])}
        for name in sorted(needs & set(conda)):
            yield pip_over_conda.finding(
                f"pip's {entry.name} depends on {name}, which conda installs: pip may replace conda's {name}",
                evidence=[conda[name].evidence, entry.evidence],
                location=fctx.location(entry),
                fix=f"move '{conda[name].text}' into the pip section (as {name} pinned for pip)",
                severity=Severity.INFO,
                subject=name,
            )


@rule(
    "ED508",
    "lint-unreadable-entry",
    title="A dependency line cannot be read",
    severity=Severity.WARNING,
    cause=None,
    scope="file",
)
def unreadable_entry(fctx: FileContext) -> Iterator[Finding]:
    """What:
    A dependency line is not a valid requirement (PEP 508) or conda spec.
    Why:
    pip or conda will reject the file; envdoctor skipped the line, so its checks may miss things.
    Example:
    `numpy>>2` in requirements.txt.
    Fix:
    Correct the line.
    """
    for problem in fctx.file.problems:
        first = problem.splitlines()[0]
        # problems are written "FILE:LINE: message" by lint.files
        numbered = re.match(r"^.*?:(\d+): ", first)
        yield unreadable_entry.finding(
            first.split(": ", 2)[-1],
            evidence=[first],
            location=fctx.location(line=int(numbered.group(1)) if numbered else 1),
        )
