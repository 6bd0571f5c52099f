"""`envdoctor plan`: the pinned set (a table whose reason column wraps on a terminal), why, the
files written; or the proof that nothing fits; or why it could not resolve and what to try."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envdoctor._version import __version__
from envdoctor.render.document import Block, Bullets, Column, Document, JsonData, Para, Span, Table, line

if TYPE_CHECKING:
    from envdoctor.plan.model import Pin, Plan


def _label(pin: Pin) -> str:
    return f"{pin.name}[{','.join(pin.extras)}]" if pin.extras else pin.name


def _header(plan: Plan) -> str:
    build = "GPU" if plan.gpu else "CPU"
    return f"Python {plan.python or '?'} · {plan.platform} · {build} · {plan.manager}"


def _table(pins: list[Pin], title: str) -> Table:
    return Table(
        [Column("package"), Column("version"), Column("source"), Column("reason", wrap=True)],
        [[Span(_label(p), "code"), p.version, p.source, p.reason] for p in pins],
        title=title,
    )


def plan_document(plan: Plan) -> Document:
    data = plan.to_dict()
    data["envdoctor"] = __version__
    blocks: list[Block] = []
    if plan.status == "unresolved":
        title = line(f"envdoctor plan: could not resolve ({_header(plan)}); this is not a proof that nothing fits")
        blocks.append(Bullets([line(p) for p in plan.proof]))
        if plan.next_steps:
            blocks.append(Bullets([line(s) for s in plan.next_steps], title="try:"))
        verdict = Para(line("could not resolve"), "fail")
    elif not plan.feasible:
        title = line(f"envdoctor plan: nothing fits ({_header(plan)})")
        blocks.append(Bullets([line(p) for p in plan.proof]))
        if plan.alternatives:
            blocks.append(
                Bullets([line(a) for a in plan.alternatives], title="nearest feasible alternatives:", style="fix")
            )
        verdict = Para(line("nothing fits"), "fail")
    else:
        title = line(f"envdoctor plan: {_header(plan)}")
        if plan.conda:
            blocks.append(_table([p for p in plan.conda if p.reason != "conda dependency"], "conda packages:"))
            deps = sum(1 for p in plan.conda if p.reason == "conda dependency")
            if deps:
                blocks.append(Para(line(f"  (+ {deps} conda dependencies)"), "dim"))
        if plan.packages:
            blocks.append(_table(plan.packages, "pip packages:" if plan.conda else "packages:"))
        if plan.reasons:
            blocks.append(Bullets([line(r) for r in plan.reasons], title="why:"))
        if plan.files:
            blocks.append(
                Bullets([line(f"{kind}: ", Span(path, "literal")) for kind, path in plan.files.items()], title="wrote:")
            )
        verdict = None
    return Document("plan", title, blocks, verdict, JsonData(data))
