"""`envdoctor lint FILE...`: `path:line:col: CODE message` per finding, then the verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from envdoctor.render.document import Document, Findings, JsonData, Para, line
from envdoctor.render.findings import VERDICT_STYLE, summary_line, verdict_word
from envdoctor.render.views.check import findings_data

if TYPE_CHECKING:
    from envdoctor.model import Finding


def lint_document(results: Sequence[tuple[str, Sequence[Finding]]], *, platform: str, quiet: bool) -> Document:
    """`results`: (file, its findings) per file. JSON: one document per file (the document itself
    for one file)."""
    everything = [f for _, findings in results for f in findings]
    blocks = [Findings(findings, concise=True, default_path=path) for path, findings in results]
    word = verdict_word(everything, [])
    count = len(results)
    closing = Para(
        line(f"{word}: {summary_line(everything, [])} in {count} file{'s' * (count != 1)} (platform {platform})"),
        VERDICT_STYLE[word],
    )
    documents = [findings_data(findings, [], file=path, platform=platform) for path, findings in results]
    return Document(
        verb="lint",
        title=(),  # ruff's habit: the first line is the first finding
        blocks=list(blocks),
        verdict=None if quiet else closing,
        data=JsonData(documents[0] if len(documents) == 1 else documents),
    )
