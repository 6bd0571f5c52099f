"""When nothing fits: the proof (the request and Python whose failure came latest in the pipeline) and the nearest
feasible alternatives, found by relaxing one input at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from packaging.specifiers import SpecifierSet

from envdoctor.plan.chooser import STAGES, Chooser, Outcome, all_pythons, best_python, lowest_driver, minor_text
from envdoctor.plan.model import Choice
from envdoctor.plan.requests import Request

if TYPE_CHECKING:
    pass


def explain_infeasible(
    choice: Choice,
    chooser: Chooser,
    requests: Sequence[Request],
    pythons: Sequence[str],
    installed: set[str],
) -> None:
    target = chooser.target
    # The proof: the request and Python whose failure came latest in the pipeline.
    worst: tuple[int, str, Request, Outcome] | None = None
    for python in pythons or [None]:  # type: ignore[list-item]
        for req in requests:
            outcome = chooser.pick(req, python)
            if outcome.version is None:
                rank = STAGES.index(outcome.stage)
                if worst is None or rank > worst[0]:
                    worst = (rank, python or "", req, outcome)
                break
    if worst is None:  # every request fits alone, but no single Python fits all of them
        choice.proof.append(
            "no single Python version has builds of "
            + " and ".join(r.label for r in requests)
            + f" on {target.platform}"
        )
        return
    _, python, req, outcome = worst
    alternatives = _alternatives(chooser, requests, req, outcome, python or None)
    choice.alternatives = alternatives
    proof = outcome.proof
    if alternatives:
        proof += " -> " + ", or ".join(alternatives)
    choice.proof.append(proof)
    choice.python = python or target.python


def _alternatives(
    chooser: Chooser, requests: Sequence[Request], req: Request, outcome: Outcome, python: str | None
) -> list[str]:
    target = chooser.target
    installed = set(target.installed_pythons)
    result: list[str] = []
    # 1. another Python for the same request
    if target.python and outcome.stage in ("python", "constraints", "gpu", "driver"):
        all_pys = all_pythons(chooser, [req])
        best = best_python(chooser, list(requests), all_pys, installed)
        if best is not None:
            result.append(f"use Python {best[0]}")
    # 2. another release of the framework
    if outcome.stage != "platform" and not target.python:
        free_req = Request(req.family, req.name, SpecifierSet(), req.extras, req.gpu_hint, req.text, req.cuda_major)
        best = best_python(chooser, [free_req], all_pythons(chooser, [req]), installed)
        if best is not None:
            result.append(f"{req.family}=={best[1][0]} (Python {best[0]})")
    elif outcome.stage != "platform":
        relaxed = chooser.pick(req, python, spec=False, full=True)
        if relaxed.version is not None and relaxed.passing:
            low = min(relaxed.passing)
            spec_versions = [v for v in chooser.releases(req.family) if req.specifier.contains(v)]
            if str(req.specifier) and spec_versions and low > max(spec_versions):
                result.append(f"{req.family}>={minor_text(low)}")
            else:
                result.append(f"{req.family}=={relaxed.version}")
    # 3. CPU instead of GPU
    if chooser.gpu and outcome.stage in ("gpu", "driver"):
        cpu = Chooser(
            chooser.kb,
            target,
            chooser.others,
            gpu=False,
            memo=chooser.memo,
            cuda_major=chooser.cuda_major,
            variants=chooser.variants,
        )
        if cpu.pick(req, python).version is not None:
            result.append("--cpu")
        if target.os == "windows":
            result.append("WSL2 (--platform linux-x86_64)")
    # 4. a newer driver
    if outcome.stage == "driver":
        version = chooser.pick(req, python, spec=True)
        spec_versions = [v for v in chooser.releases(req.family) if req.specifier.contains(v)]
        needs = [need for v in spec_versions for _, need in [chooser.driver_need(req.family, v)] if need]
        if version.version is None and needs:
            result.append(f"an NVIDIA driver >= {lowest_driver(*needs)}")
    # 5. drop the user's conflicting pin
    if outcome.stage == "constraints":
        free = Chooser(
            chooser.kb,
            target,
            [],
            chooser.gpu,
            memo=chooser.memo,
            cuda_major=chooser.cuda_major,
            variants=chooser.variants,
        )
        if free.pick(req, python).version is not None:
            conflicting = outcome.proof.rsplit("you asked for ", 1)[-1]
            result.append(f"drop {conflicting}")
    return result
