"""`envdoctor plan`: a compatible, fully pinned environment for a machine, or a proof that none exists.

Two steps, kept apart so the first is pure and testable:

1. **Choice** — `choose(specs, target, kb) -> Choice`: from the knowledge base pick the newest
   framework release (TensorFlow / PyTorch / JAX) that fits the target's Python, platform,
   GPU / driver and the user's other requirements; add the curated caps the KB knows
   (TensorFlow <= 2.17 -> numpy<2, TensorFlow <= 2.9 -> protobuf<3.20, ...); spell the GPU build
   (`tensorflow[and-cuda]`, `jax[cuda12]`; never `tensorflow-gpu`). Pure function of its inputs,
   no I/O; <= 50 ms.
2. **Resolution** — `make_plan(...)` hands the choice to real resolvers: `uv pip compile` for the
   target Python / platform (pre-releases off unless asked), and for `manager="conda"` py-rattler's
   solver with the target's virtual packages (`__cuda`, `__glibc`). It writes environment.yml,
   requirements.txt (with hashes) and pylock.toml on request.

Public API (used by `envdoctor create`)::

    from envdoctor.plan import Target, ResolveOptions, OutputFiles, make_plan, target_for_machine
    target = target_for_machine(python="3.11", gpu=True)      # defaults from this machine
    plan = make_plan(["tensorflow"], target)                   # -> Plan
    plan.feasible, plan.python, plan.packages                  # [Pin(name, version, reason, source)]
    plan.requirement_lines()                                   # ["tensorflow==2.18.0", ...] (pip part)
    plan.to_dict()                                             # the JSON `plan --format json` prints

`make_plan(specs, target, kb=None, *, options=ResolveOptions(), files=OutputFiles(), resolve=True)`:
`specs` are PEP 508 strings (plus what `read_spec_files` returns for `-r` / `-f`); `kb` defaults to
`KnowledgeBase.load()`; `resolve=False` stops after the choice. It raises `UsageError` for bad input
and never raises for an infeasible request: `Plan.feasible` is False and `Plan.proof` /
`Plan.alternatives` say why and what would fit.
"""

from __future__ import annotations

from envdoctor.plan.choose import choose
from envdoctor.plan.machine import target_for_machine
from envdoctor.plan.model import Choice, OutputFiles, Pin, Plan, ResolveOptions, Target
from envdoctor.plan.planner import make_plan
from envdoctor.plan.specs import SpecInput, read_spec_files

__all__ = [
    "Choice",
    "OutputFiles",
    "Pin",
    "Plan",
    "ResolveOptions",
    "SpecInput",
    "Target",
    "choose",
    "make_plan",
    "read_spec_files",
    "target_for_machine",
]

from envdoctor._callable import make_callable

make_callable(__name__)
