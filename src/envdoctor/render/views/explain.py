"""`envdoctor explain` and `run`: the cause of a log, the lines that prove it, why, the fix; or
`unknown` with the candidates and what tells them apart. `explain --list-causes`: the cause table
(docs/causes.md is its Markdown)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envdoctor.output import document_header
from envdoctor.render.document import (
    Block,
    Bullets,
    Cell,
    Column,
    Document,
    Entries,
    Entry,
    Facts,
    Field,
    JsonData,
    Para,
    Prose,
    Section,
    Span,
    Table,
    command,
    line,
)

if TYPE_CHECKING:
    from envdoctor.explain.model import Explanation

EVIDENCE_LIMIT = 2000  # characters of one log line shown (a minified traceback can be a megabyte)


def _cut(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(evidence: list[object]) -> str:
    first = evidence[0] if evidence else None
    return f" (line {first.line})" if first is not None and hasattr(first, "line") else ""


def explanation_document(result: Explanation) -> Document:
    if result.found:
        headline = line(
            Span(f"cause: {result.cause}", "fail"), f" (confidence {result.confidence:.2f}) — {result.title}"
        )
    elif result.candidates:
        headline = line(
            Span("cause: unknown", "heading"),
            f" — the log points at {len(result.candidates)} cause(s) without proving one "
            f"({result.lines_read} lines read)",
        )
    else:
        headline = line(
            Span("cause: unknown", "heading"),
            f" — no known cause is shown by this log ({result.lines_read} lines read)",
        )
    blocks: list[Block] = [Para(headline)]
    if result.evidence:
        rows = [(f"line {ev.line}:", line(Span(_cut(ev.text), "literal"))) for ev in result.evidence]
        blocks.append(Section(line("evidence"), [Facts(rows)]))
    blocks.append(Section(line("why"), [Para(line(result.explanation))]))
    if result.reasons:
        blocks.append(Section(line("reasoning"), [Bullets([line(r) for r in result.reasons])]))
    if result.candidates:
        entries = [
            Entry(
                line(
                    Span(c.cause, "code"),
                    f" (confidence {c.confidence:.2f}){_where(list(c.evidence))}",
                    f": {c.why}" if c.why else "",
                ),
                [Field("to tell:", line(c.tell_apart))],
            )
            for c in result.candidates
        ]
        blocks.append(Section(line("candidates"), [Entries(entries)]))
    if result.conflicts:
        items = []
        for c in result.conflicts:
            items += [line(Span(req, "literal")) for req in c.requirements[:10]]
            if c.move:
                items.append(line(Span("move: ", "fix"), Span(c.move, "literal"), f" ({c.reason})"))
        blocks.append(Section(line("conflicting requirements"), [Bullets(items)]))
    if result.fixes:
        blocks.append(Section(line("fix"), [Bullets([line(command(f)) for f in result.fixes], numbered=True)]))
    if result.secondary:
        items = [
            line(Span(s.cause, "code"), f" (confidence {s.confidence:.2f}){_where(list(s.evidence))}")
            for s in result.secondary
        ]
        blocks.append(Section(line("also seen"), [Bullets(items)]))
    title = line("envdoctor explain: ", Span(result.cause, "code"))
    data = {**document_header(), **result.to_dict()}
    return Document("explain", title, blocks, data=JsonData(data, ensure_ascii=False))


def causes_document() -> Document:
    # lazy: explain.causes costs 32.9 ms, 12 modules; only causes_document() needs it
    from envdoctor.explain.causes import CAUSES, PRIORITY

    rows: list[list[Cell]] = [
        [Span(c.id, "code"), f"{c.title}: {c.explanation}", " ".join(c.fixes)] for c in CAUSES.values()
    ]
    data = document_header()
    data["causes"] = [
        {"id": c.id, "title": c.title, "explanation": c.explanation, "fixes": list(c.fixes)} for c in CAUSES.values()
    ]
    data["priority"] = list(PRIORITY)
    return Document(
        "explain",
        line("Causes"),
        [
            Prose(
                "The ids `check` and `explain` report (`envdoctor explain --list-causes`). Generated from\n"
                "`envdoctor.explain.causes`; regenerate with\n"
                "`envdoctor explain --list-causes --format markdown > docs/causes.md`."
            ),
            Table([Column("id"), Column("what went wrong", wrap=True), Column("what always helps", wrap=True)], rows),
            Para(line("On a tie between causes, the earlier in this order wins (the root cause over its symptoms):")),
            Para(line(*(part for i, c in enumerate(PRIORITY) for part in ((", " if i else ""), Span(c, "code"))))),
        ],
        data=JsonData(data),
    )
