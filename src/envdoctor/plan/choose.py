"""The knowledge-base choice: newest framework release that fits, plus the curated caps. Pure.

`choose(specs, target, kb)` runs every framework request through a pipeline of filters (the user's
specifier, a build for the platform, for the Python, a GPU build, the driver's CUDA, the user's other
pins). The filter that empties the candidate set is the proof when nothing fits; relaxing one input
at a time gives the nearest feasible alternatives.

The parts: `requests` (the specs parsed), `chooser` (the pipeline and its memo), `infeasible` (the proof and
the alternatives), `condaspecs` (conda match specs). `choose` here puts them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from envdoctor.frameworks import PlanQuestion
from envdoctor.knowledge import view as kbview
from envdoctor.plan.chooser import Chooser, Memo, all_pythons, best_python, version_text
from envdoctor.plan.condaspecs import conda_part, short_version
from envdoctor.plan.infeasible import explain_infeasible
from envdoctor.plan.model import Choice, GpuBuild, Pin, Target
from envdoctor.plan.requests import DEFAULT_PYTHON, Request, framework_of, split_requests

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource


def _variants(kb: KnowledgeSource, requests: Sequence[Request], gpu: bool) -> dict[str, str]:
    """{family: variant} for requests of a variant planned as itself with releases in the KB, in a CPU
    plan: a plan for tensorflow-cpu pins tensorflow-cpu (a GPU plan asks for tensorflow[and-cuda])."""
    if gpu:
        return {}
    result: dict[str, str] = {}
    for r in requests:
        variant = framework_of(r.family).variant(r.name)
        if variant is not None and variant.own_plan and kbview.releases(kb, r.name):
            result[r.family] = r.name
    return result


def _gpu_default(target: Target, requests: Sequence[Request]) -> tuple[bool, str]:
    if target.gpu is not None:
        return target.gpu, "--gpu" if target.gpu else "--cpu"
    hints = [r.gpu_hint for r in requests if r.gpu_hint is not None]
    if hints:
        return any(hints), "the requested package spelling"
    has_driver = bool(target.driver or target.cuda_driver)
    if has_driver and target.os == "linux":
        return True, f"an NVIDIA driver ({target.driver or 'CUDA ' + str(target.cuda_driver)}) is present"
    return False, "no NVIDIA driver" if not has_driver else f"GPU builds on {target.os} need --gpu"


def choose(
    specs: Sequence[str],
    target: Target,
    kb: KnowledgeSource,
    *,
    conda_specs: Sequence[str] = (),
    memo_pool: dict[tuple[Any, ...], Any] | None = None,
) -> Choice:
    """The KB choice for `specs` on `target` (pure: no I/O beyond the in-memory KB).

    `memo_pool`: a dict kept by a caller that asks many questions of one KB (the explorer page);
    what one call learns is reused by the next call of the same scope (KB, platform, plugin CUDA
    major, pre-releases), which is all the memo depends on."""
    requests, others, notes = split_requests(specs)
    gpu, gpu_why = _gpu_default(target, requests)
    variants = _variants(kb, requests, gpu)
    cuda_major = next((r.cuda_major for r in requests if r.cuda_major), "")
    memo: Memo | None = None
    if memo_pool is not None:
        scope = (id(kb), target.platform, cuda_major, target.prereleases, tuple(sorted(variants.items())))
        memo = memo_pool.setdefault(scope, Memo())
    chooser = Chooser(kb, target, others, gpu, memo, cuda_major=cuda_major, variants=variants)
    installed = set(target.installed_pythons)
    choice = Choice(feasible=False, python=None, platform=target.platform, gpu=gpu)
    choice.reasons.extend(notes)

    if not requests:
        python = target.python or _newest(installed) or DEFAULT_PYTHON
        choice.feasible = True
        choice.python = python
        choice.requirements = [str(r) for r in others]
        choice.reasons.append(_python_reason(python, target, installed, "no framework requested"))
        conda_part(choice, target, [], [], conda_specs, kb)
        return choice

    pythons = [target.python] if target.python else all_pythons(chooser, requests)
    best = best_python(chooser, requests, pythons, installed) if pythons else None
    if best is None:
        explain_infeasible(choice, chooser, requests, pythons, installed)
        return choice

    python, versions = best
    choice.feasible = True
    choice.python = python
    why = "pinned with --python-version" if target.python else "the newest Python the chosen releases support"
    if not target.python and python in installed:
        why += " that is installed here"
    choice.reasons.append(f"Python {python}: {why}")
    choice.reasons.append(f"{'GPU' if gpu else 'CPU'} build: {gpu_why}")
    if not gpu and target.os == "windows" and (target.driver or target.cuda_driver):
        for req in requests:
            gap = framework_of(req.family).gpu_gaps.get(target.os)
            if gap is not None:
                choice.reasons.append(f"{gap.reason}: use WSL2 for the GPU")
    for req, version in zip(requests, versions):
        _add_framework(choice, chooser, req, version, python)
    choice.requirements.extend(str(r) for r in others)
    conda_part(choice, target, requests, versions, conda_specs, kb)
    return choice


def _newest(pythons: set[str]) -> str | None:
    return max(pythons, key=kbview.python_key) if pythons else None


def _python_reason(python: str, target: Target, installed: set[str], why: str) -> str:
    if target.python:
        return f"Python {python}: pinned with --python-version"
    if python in installed:
        return f"Python {python}: the newest installed here ({why})"
    return f"Python {python}: default ({why})"


def _add_framework(choice: Choice, chooser: Chooser, req: Request, version: Version, python: str) -> None:
    target = chooser.target
    gpu = chooser.gpu
    framework = framework_of(req.family)
    extras = list(req.extras)
    cuda, cudnn = chooser.build(req.family, version)
    gpu_build = GpuBuild(cuda, cudnn) if gpu and cuda else None
    if gpu and cuda and gpu_build is not None:
        plugin = chooser.plugin(req.family, version)
        if plugin is not None:
            gpu_build.package = f"{plugin.plugin}=={plugin.version}"
    question = PlanQuestion(str(version), target.os, gpu, cuda, cudnn, target.manager, chooser.cuda_major)
    spelling = framework.plan_build(question)  # the framework's own spelling of this build
    extras += spelling.extras
    detail = list(spelling.detail)
    system_cuda = spelling.system_cuda
    if spelling.index_backend:
        choice.index_backend = spelling.index_backend
    if gpu and cuda and target.os in ("linux", "windows") and spelling.driver_applies:
        _, need = chooser.driver_need(req.family, version)
        if need:
            have = target.driver or (f"CUDA {target.cuda_driver}" if target.cuda_driver else "unknown")
            cuda_text = cuda or ""
            minor, toolkit, _ = kbview.min_driver(chooser.kb, cuda_text, target.platform)
            full_text = f", >= {toolkit} for every feature" if toolkit and toolkit != need else ""
            detail.append(f"needs NVIDIA driver >= {need}{full_text} (this machine: {have})")
            package = gpu_build.package if gpu_build else ""
            gpu_build = GpuBuild(cuda, cudnn, need, toolkit, minor, package)
    name = chooser.package(req.family)  # the main distribution; a CPU variant stays itself in a CPU plan
    spec_text = str(req.specifier) or "any version"
    reason = f"newest {req.family} matching {spec_text} with a build for Python {python} on {target.platform}"
    if detail:
        reason += "; " + "; ".join(detail)
    pin = Pin(name, version_text(version), reason, "pip", tuple(sorted(set(extras))), gpu=gpu_build)
    if target.conda_framework:
        pin.source = "conda"
    choice.pins.append(pin)
    extra_text = f"[{','.join(pin.extras)}]" if pin.extras else ""
    if not target.conda_framework:
        choice.requirements.append(f"{name}{extra_text}=={version}")
    choice.reasons.append(f"{name} {version}: {reason}")
    for constraint in kbview.extra_constraints(chooser.kb, chooser.package(req.family), version):
        requirement = str(constraint.requirement)
        if requirement not in choice.constraints:
            choice.constraints.append(requirement)
        cap_name = canonicalize_name(Requirement(requirement).name)
        cap = f"cap {requirement} for {req.family} {version}: {constraint.reason} ({constraint.source})"
        choice.cap_reasons[cap_name] = cap
        choice.reasons.append(cap)
    if system_cuda and target.manager == "conda" and cuda:
        choice.conda_specs.append(f"cudatoolkit={short_version(cuda)}")
        if cudnn:
            choice.conda_specs.append(f"cudnn={short_version(cudnn)}")
