"""ED106: a removed package (tensorflow-gpu, tf-nightly-gpu, PyPI's sklearn placeholder) is installed."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import of_distribution
from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe
from envdoctor.rules._registry import rule
from envdoctor.versions import parse_version


@rule(
    "ED106",
    "removed-package",
    title="A removed package is installed",
    severity=Severity.ERROR,
    cause="package-removed",
)
def removed_package(ctx: Context) -> Iterator[Finding]:
    """What:
    A package that its publisher removed or renamed is installed: `tensorflow-gpu` (removed
    after 2.11: TensorFlow itself carries the GPU build since 2.1, and `tensorflow[and-cuda]`
    brings the CUDA libraries since 2.14) or `tf-nightly-gpu`. A release from after the removal
    (the 2.12 stub, which fails on purpose) is an error; an older, real one is a warning.

    Why:
    Nothing can upgrade or reinstall it any more: `pip install tensorflow-gpu` fails with
    "Removed: please install tensorflow instead", resolvers backtrack over it, and requirement
    files that name it break on every new machine. Installed next to `tensorflow`, the two
    overwrite each other's files (see ED105).

    Example:
    tensorflow-gpu 2.10.0 installed by pip in /env/lib/python3.10/site-packages.

    Fix:
    Uninstall it and install its replacement at the same version:
    `python -m pip uninstall -y tensorflow-gpu && python -m pip install "tensorflow==2.10.0"`
    (`"tensorflow[and-cuda]==2.15.1"` from 2.14 on, on Linux).
    """
    linux = (ctx.machine.os or "").lower() == "linux" or ctx.interpreter.sys_platform == "linux"
    for dist in sorted(ctx.installed.values(), key=lambda d: d.name):
        removed = ctx.kb.removed(dist.name)
        if removed is None or (removed.pypi_only and dist.installer == "conda"):
            continue  # conda's package of a PyPI placeholder's name is the real one
        have, since = parse_version(dist.version), parse_version(removed.since)
        stub = have is not None and since is not None and have >= since
        replacement = removed.replacement if linux else removed.replacement_non_linux
        base = replacement.split("[")[0]
        framework = of_distribution(base)
        variant = framework.variant(base) if framework else None
        extra_since = parse_version(variant.cuda_extra_since) if variant else None
        if not stub and have is not None and extra_since is not None and have < extra_since:
            replacement = base  # before its CUDA extra existed the plain package had the GPU build
        spec = f"{replacement}=={dist.version}" if not stub else replacement
        fix = ctx.replace([dist.name], [spec])
        hints = [f"Replace {dist.name} by {replacement} in requirement files and environment.yml."]
        if not linux and framework is not None and framework.gpu_gaps:
            gaps = "; ".join(gap.reason for gap in framework.gpu_gaps.values())
            hints.append(f"{gaps}: use WSL2 on Windows for the GPU.")
        yield removed_package.finding(
            f"{dist.name} {dist.version} is installed, but {dist.name} was removed "
            f"(since {removed.since}); use {replacement}",
            evidence=[
                f"{dist.name}: {describe(dist)} ({dist.metadata_path})",
                f"{removed.reason} (source: {removed.source})",
            ],
            fix=fix,
            hints=hints,
            severity=Severity.ERROR if stub else Severity.WARNING,
            subject=dist.name,
            cause=removed.cause or "package-removed",
        )
