"""Plain data produced by `explain`: the cause of a log, its evidence, and the fixes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from envdoctor.model import Remedy

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Evidence:
    """One line of the log that shows the cause (1-based line number, cleaned text)."""

    line: int
    text: str
    signature: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text}


@dataclass
class Conflict:
    """The requirements a solver could not satisfy together, and which one to move."""

    tool: str  # "pip" | "conda" | "libmamba" | "uv"
    requirements: list[str] = field(default_factory=list)
    move: str | None = None  # the requirement to loosen or drop
    reason: str = ""
    kind: str = "conflict"  # "conflict" | "python" | "cuda-driver" | "glibc" | "platform" | "missing"
    fix: str = ""  # what the report itself says to change (Poetry's fitting python range), "" when it does not

    def to_dict(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "kind": self.kind,
            "requirements": list(self.requirements),
            "move": self.move,
            "reason": self.reason,
            "fix": self.fix,
        }


@dataclass
class Secondary:
    cause: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class Candidate:
    """A cause the log points at without proving it, and what would tell it from the others."""

    cause: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    tell_apart: str = ""
    why: str = ""  # what the rules read for it, when they read anything

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence],
            "tell_apart": self.tell_apart,
            "why": self.why,
        }


@dataclass
class Explanation:
    """What `explain` found. `cause` is an id from causes.md, or "unknown"."""

    cause: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    explanation: str = ""
    fixes: list[str] = field(default_factory=list)
    secondary: list[Secondary] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    facts: dict[str, str] = field(default_factory=dict)
    lines_read: int = 0
    title: str = ""
    reasons: list[str] = field(default_factory=list)  # the reasoning steps behind the cause, in words
    candidates: list[Candidate] = field(default_factory=list)  # when unknown: what it may be, and how to tell
    remedies: list[Remedy] = field(default_factory=list)  # the commands in `fixes`, as data

    @property
    def found(self) -> bool:
        return self.cause != UNKNOWN

    def to_dict(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "confidence": self.confidence,
            "evidence": [e.to_dict() for e in self.evidence],
            "explanation": self.explanation,
            "fixes": list(self.fixes),
            "secondary": [s.to_dict() for s in self.secondary],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "facts": dict(self.facts),
            "lines_read": self.lines_read,
            "reasons": list(self.reasons),
            "candidates": [c.to_dict() for c in self.candidates],
            "remedies": [r.to_dict() for r in self.remedies],
        }
