"""The commands an action ran (create's build, fix's steps, restore's commands) as entries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from envdoctor.render.document import Code, Entry, Span, command, line
from envdoctor.render.views.verify import ok_mark

if TYPE_CHECKING:
    from envdoctor.actions.proc import StepRun


def run_entry(
    argv: Sequence[str], ok: bool, *, seconds: float | None = None, name: str = "", tail: str = "", lines: int = 8
) -> Entry:
    """`[ok  ] NAME (1.2 s): COMMAND`, and the last `lines` of its output when it failed."""
    # lazy: actions.proc costs 15.5 ms, 22 modules; only run_entry() needs it
    from envdoctor.actions.proc import quote

    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    head = (
        line(Span(name, "step"), f"{took}: ", command(quote(argv), ""))
        if name
        else line(command(quote(argv), ""), Span(took, "dim"))
    )
    body = []
    if not ok and tail:
        body.append(Code("\n".join(tail.splitlines()[-lines:]), indent=2))
    return Entry(head, mark=ok_mark(ok), body=list(body))


def step_run_entry(run: StepRun, *, lines: int = 8) -> Entry:
    return run_entry(run.argv, run.ok, seconds=run.seconds, name=run.name or "", tail=run.output_tail, lines=lines)
