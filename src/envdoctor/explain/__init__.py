"""explain: the cause of an install or import error log (an id from causes.md), offline.

Library API (used by the `explain` / `run` verbs and by `verify`)::

    from envdoctor.explain import explain_text, explain_lines, explain_stream, explain_file
    result = explain_text(log_text, snapshot=None, kb=None)   # -> Explanation
    result.cause, result.confidence, result.evidence, result.fixes, result.to_dict()

`snapshot` (envdoctor.model.Snapshot) and `kb` (envdoctor.knowledge.KnowledgeBase) are optional; with
them the fixes name this environment's versions and exact commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from envdoctor.explain.model import UNKNOWN, Candidate, Conflict, Evidence, Explanation, Secondary
from envdoctor.explain.reader import blocks_from_lines, iter_blocks

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.model import Snapshot

__all__ = [
    "UNKNOWN",
    "Candidate",
    "Conflict",
    "Evidence",
    "Explanation",
    "Secondary",
    "Session",
    "explain_file",
    "explain_lines",
    "explain_stream",
    "explain_text",
]


class Session:
    """Incremental explanation: feed text as it arrives (e.g. from a running command), then finish()."""

    def __init__(self) -> None:
        # lazy: keeps the signature table (2 modules, ~45 ms) out of `import envdoctor.explain.model` (views, api)
        from envdoctor.explain.scanner import Scanner

        self._scanner = Scanner()
        self._partial = b""

    def feed_text(self, text: str | bytes) -> None:
        """Feed any text; incomplete trailing lines are kept until their newline arrives."""
        data = self._partial + (text.encode("utf-8", errors="replace") if isinstance(text, str) else text)
        cut = data.rfind(b"\n")
        if cut == -1:
            self._partial = data
            if len(self._partial) > 1 << 20:
                self._scanner.feed(self._partial + b"\n")
                self._partial = b""
            return
        self._partial = data[cut + 1 :]
        self._scanner.feed(data[: cut + 1])

    def feed_block(self, block: str | bytes) -> None:
        """Feed a block that ends at a line boundary (no buffering)."""
        self._scanner.feed(block)

    def finish(self, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None) -> Explanation:
        if self._partial:
            self._scanner.feed(self._partial + b"\n")
            self._partial = b""
        # lazy: keeps the engine (rules, extractor, kb: 52 modules, ~0.3-0.6 s) out of `run` until its command has ended
        from envdoctor.explain.build import build_explanation

        return build_explanation(self._scanner, snapshot=snapshot, kb=kb)


def explain_lines(
    lines: Iterable[str], snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None
) -> Explanation:
    session = Session()
    for block in blocks_from_lines(lines):
        session.feed_block(block)
    return session.finish(snapshot=snapshot, kb=kb)


def explain_text(text: str, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None) -> Explanation:
    session = Session()
    session.feed_text(text)
    return session.finish(snapshot=snapshot, kb=kb)


def explain_stream(
    stream: BinaryIO, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None
) -> Explanation:
    """A binary stream of any size (bytes are decoded tolerantly, block by block)."""
    session = Session()
    for block in iter_blocks(stream):
        session.feed_block(block)
    return session.finish(snapshot=snapshot, kb=kb)


def explain_file(path: str | Path, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None) -> Explanation:
    with open(path, "rb") as stream:
        return explain_stream(stream, snapshot=snapshot, kb=kb)


from envdoctor._callable import make_callable  # noqa: E402  (envdoctor.explain(...) is envdoctor.api.explain)

make_callable(__name__)
