"""The conda side of a choice: conda match specs for the chosen framework releases and for pip requirements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import Version

from envdoctor.plan.model import Choice, Target
from envdoctor.plan.requests import Request, framework_of, parse_requirement

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource


def short_version(version: str) -> str:
    return ".".join(version.split(".")[:2])


def conda_part(
    choice: Choice,
    target: Target,
    requests: Sequence[Request],
    versions: Sequence[Version],
    conda_specs: Sequence[str],
    kb: KnowledgeSource,
) -> None:
    if target.manager != "conda":
        return
    specs = [f"python={choice.python}"]
    if target.conda_framework:
        for req, version in zip(requests, versions):
            conda = framework_of(req.family).conda
            conda_name = conda.request if conda is not None else framework_of(req.family).distribution
            build = "=*cuda*" if choice.gpu and target.os == "linux" else ""
            specs.append(f"{conda_name}={version}{build}" if build else f"{conda_name}=={version}")
        for line in choice.requirements:
            specs.append(pep508_to_conda(line))
        choice.requirements = []
        choice.conda_constraints = [pep508_to_conda(c) for c in choice.constraints]
    else:
        specs.append("pip")
    for spec in [*choice.conda_specs, *conda_specs]:
        if spec not in specs and not spec.startswith("python"):
            specs.append(spec)
    choice.conda_specs = specs


def pep508_to_conda(text: str) -> str:
    """ "numpy<2,>=1.26" -> "numpy <2,>=1.26" (conda match spec)."""
    req = parse_requirement(text)
    return f"{canonicalize_name(req.name)} {req.specifier}".strip() if str(req.specifier) else req.name
