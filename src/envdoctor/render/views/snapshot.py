"""`envdoctor snapshot` (JSON only) and `envdoctor completion` (a shell script)."""

from __future__ import annotations

from typing import Any

from envdoctor.output import document_header
from envdoctor.render.document import Code, Document, JsonData, line


def snapshot_document(snapshot: dict[str, Any]) -> Document:
    return Document(verb="snapshot", title=line("envdoctor snapshot"), data=JsonData(snapshot))


def completion_document(shell: str, script: str) -> Document:
    """The script, verbatim in text (for `eval "$(envdoctor completion bash)"`)."""
    return Document(
        verb="completion",
        title=(),
        blocks=[Code(script, language=shell)],
        data=JsonData({**document_header(), "shell": shell, "script": script}),
    )
