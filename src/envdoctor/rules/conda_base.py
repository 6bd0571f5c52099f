"""ED221: the conda base environment used for ML work."""

from __future__ import annotations

from collections.abc import Iterator

from envdoctor.frameworks import get
from envdoctor.model import Finding, Severity
from envdoctor.rules._context import Context
from envdoctor.rules._deps import describe
from envdoctor.rules._registry import rule


@rule(
    "ED221",
    "conda-base-env",
    title="ML framework installed in the conda base environment",
    severity=Severity.WARNING,
)
def conda_base_env(ctx: Context) -> Iterator[Finding]:
    """What:
    A framework (TensorFlow, PyTorch, JAX) is installed in the conda base environment, the one
    that runs conda itself.

    Why:
    The base environment carries conda's own dependencies and hundreds of Anaconda packages, so
    pins collide (UnsatisfiableError, or pip moving packages conda needs), `conda update conda`
    can break the framework and a broken base can break conda. It is also the environment whose
    packages leak into venvs created from it.

    Example:
    tensorflow 2.15.0 installed by pip in /opt/conda (conda-meta present, `condabin/` present).

    Fix:
    Create a dedicated environment with the framework and leave base alone:
    `envdoctor create --name tf --python 3.11 "tensorflow==2.15.0"` (a checked, pinned set; or
    `conda create -n tf python=3.11` and install there).
    """
    conda = ctx.snapshot.conda
    if conda is None or not conda.is_base or not ctx.frameworks:
        return
    family, dist = sorted(ctx.frameworks.items())[0]
    framework = get(family)
    env_name = framework.short_name if framework else family
    specs = [f"{d.name}=={d.version}" for _, d in sorted(ctx.frameworks.items())]
    fix = ctx.new_env(specs, "keep the conda base environment for conda itself", name=env_name)
    yield conda_base_env.finding(
        f"{', '.join(specs)} {'is' if len(specs) == 1 else 'are'} installed in the conda base "
        f"environment ({conda.prefix})",
        evidence=[f"conda base environment: {conda.prefix}"]
        + [f"{d.name}: {describe(d)}" for _, d in sorted(ctx.frameworks.items())],
        fix=fix,
        hints=[
            "Keep base for conda itself; `envdoctor plan "
            + dist.name
            + "` gives a pinned, checked set for a new environment."
        ],
        subject="conda-base",
    )
