"""`envdoctor create`: where, from what, each build step, the verify after, how to use it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envdoctor.output import document_header
from envdoctor.render.document import Block, Document, Entries, Facts, JsonData, Para, Section, Span, command, line
from envdoctor.render.views.steps import step_run_entry
from envdoctor.render.views.verify import verify_blocks, verify_summary

if TYPE_CHECKING:
    from envdoctor.actions.create import CreateResult


def create_document(result: CreateResult) -> Document:
    facts = []
    if result.spec and result.spec.source:
        facts.append(("from", line(result.spec.source)))
    if result.python:
        source = f" (from {result.interpreter_source})" if result.interpreter_source else ""
        facts.append(("python", line(Span(result.python, "literal"), source)))
    blocks: list[Block] = []
    if facts:
        blocks.append(Facts(facts))
    notes = result.spec.notes if result.spec else []
    blocks += [Para(line(Span("note: ", "label"), note)) for note in notes]
    if result.steps:
        blocks.append(Entries([step_run_entry(s, lines=10) for s in result.steps]))
    if result.verify is not None:
        blocks.append(Section(line("verify:"), [*verify_blocks(result.verify), verify_summary(result.verify)]))
    if result.moved_aside:
        blocks.append(
            Para(
                line(
                    f"the folder that was at {result.prefix} is now ",
                    Span(result.moved_aside, "literal"),
                    " (kept whole)",
                )
            )
        )
    if result.ok and result.python:
        activate = f"source {result.prefix}/bin/activate"
        blocks.append(Para(line("use it: ", command(result.python), " (or ", command(activate), ")")))
    state = "created" if result.ok else f"FAILED: {result.error}"
    return Document(
        verb="create",
        title=line("envdoctor create: ", Span(result.prefix, "literal"), f" ({result.manager} manager)"),
        blocks=blocks,
        verdict=Para(line(f"create: {state} ({result.seconds:.1f} s)"), "ok" if result.ok else "fail"),
        data=JsonData({**document_header(), **result.to_dict()}),
    )
