"""The cause rules' registry, their context and their verdicts (like check's `rules/_registry.py`).

A cause rule is one reasoning step: a small pure function of the log's facts (`LogFacts`), the
signatures that matched, the knowledge base and, when given, the target environment's snapshot. It
yields `Verdict`s: "this is cause X, this sure, because <facts>", optionally re-reading another
cause's evidence as its own (`moves_from`: the platform, not the Python version, is why no wheel
fits) or naming the symptoms it explains (`demotes`: CUDA warnings next to a NumPy ABI failure).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from envdoctor.explain.logfacts import LogFacts
from envdoctor.explain.model import Evidence
from envdoctor.explain.scanner import Capture, Hit
from envdoctor.explain.target import TargetFacts
from envdoctor.knowledge import KnowledgeBase

if TYPE_CHECKING:
    from envdoctor.knowledge import KnowledgeBase
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.model import Snapshot


@dataclass
class Verdict:
    """One rule's conclusion: a cause, how sure the rule is (0..1), why, and the lines that show it."""

    cause: str
    weight: float
    why: str
    evidence: list[Evidence] = field(default_factory=list)
    moves_from: tuple[str, ...] = ()  # causes whose signature evidence this verdict re-reads as its own
    demotes: tuple[str, ...] = ()  # symptoms this root cause explains
    fix: str | None = None  # a fix the rule could name from the facts and the knowledge base
    cap: float | None = None  # the most this cause may score (a circumstantial reading)
    rule: str = ""


@dataclass
class Signal:
    """What the signatures alone say about one cause."""

    score: float
    evidence: list[Evidence] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)


_SHIPPED_KB: list[KnowledgeBase | None] = []


def shipped_kb() -> KnowledgeBase | None:
    """The shipped knowledge base, loaded on first use (and only then)."""
    if not _SHIPPED_KB:
        try:
            _SHIPPED_KB.append(KnowledgeBase.load())
        except Exception:  # advisory: without it the log-only reading stands
            _SHIPPED_KB.append(None)
    return _SHIPPED_KB[0]


@dataclass
class RuleContext:
    facts: LogFacts
    signals: dict[str, Signal]
    hits: dict[str, Hit]
    tags: set[str]
    lines: list[tuple[int, str]]  # every retained line, numbered, in log order
    captures: list[Capture] = field(default_factory=list)  # lines kept after solver headers and GPU checks
    target: TargetFacts | None = None
    given_kb: KnowledgeSource | None = None
    snapshot: Snapshot | None = None  # the target itself, for fixes rendered by envdoctor.remedies
    verdicts: list[Verdict] = field(default_factory=list)

    @functools.cached_property
    def line_text(self) -> dict[int, str]:
        """Each retained line's text by its number (the source line under a traceback frame is `+ 1`)."""
        return dict(self.lines)

    @property
    def kb(self) -> KnowledgeSource | None:
        return self.given_kb if self.given_kb is not None else shipped_kb()

    def has(self, *signature_ids: str) -> bool:
        return any(sid in self.hits for sid in signature_ids)

    def score(self, cause: str) -> float:
        signal = self.signals.get(cause)
        return signal.score if signal else 0.0

    def evidence(self, cause: str) -> list[Evidence]:
        signal = self.signals.get(cause)
        return list(signal.evidence) if signal else []

    def concluded(self, cause: str) -> Verdict | None:
        """A verdict an earlier rule gave for `cause`."""
        return next((v for v in self.verdicts if v.cause == cause), None)

    def strongest_other(self, cause: str) -> float:
        return max((s.score for c, s in self.signals.items() if c != cause), default=0.0)

    @property
    def python(self) -> str | None:
        """The Python (X.Y) the failing command ran: the target's, else the log's."""
        if self.target is not None and self.target.python:
            return self.target.python
        return self.facts.python_minor

    @property
    def platforms(self) -> tuple[str, ...]:
        if self.target is not None and self.target.platform:
            return (self.target.platform,)
        return self.facts.platforms

    @property
    def os(self) -> str | None:
        if self.target is not None and self.target.os:
            return self.target.os
        return self.facts.os

    def version_of(self, name: str) -> str | None:
        """An installed version: the target's, else what the log shows."""
        if self.target is not None and name in self.target.versions:
            return self.target.versions[name]
        found = self.facts.version_of(name)
        return found.value if found else None


RuleFunction = Callable[[RuleContext], Iterator[Verdict]]


@dataclass(frozen=True)
class CauseRule:
    id: str
    causes: tuple[str, ...]
    function: RuleFunction

    @property
    def doc(self) -> str:
        return (self.function.__doc__ or "").strip()

    def run(self, ctx: RuleContext) -> list[Verdict]:
        out = []
        for verdict in self.function(ctx):
            verdict.rule = self.id
            out.append(verdict)
        return out


_RULES: list[CauseRule] = []


def cause_rule(rule_id: str, *causes: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register a cause rule. Rules run in registration order (module order in `rules/__init__`)."""

    def register(function: RuleFunction) -> RuleFunction:
        if any(r.id == rule_id for r in _RULES):
            raise ValueError(f"duplicate cause rule {rule_id}")
        _RULES.append(CauseRule(rule_id, causes, function))
        return function

    return register


def all_rules() -> tuple[CauseRule, ...]:
    # importing this module imports its package first, and envdoctor/explain/rules/__init__.py registers every rule
    return tuple(_RULES)


def rule_by_id(rule_id: str) -> CauseRule:
    return next(r for r in all_rules() if r.id == rule_id)
