"""From a finished scan to an Explanation: decision, explanation text, fixes, secondary causes."""

from __future__ import annotations

from typing import Any

from envdoctor.explain.causes import CAUSES, UNKNOWN_EXPLANATION
from envdoctor.explain.engine import SECONDARY_MIN, Scanner, decide
from envdoctor.explain.model import UNKNOWN, Evidence, Explanation, Secondary
from envdoctor.explain.tailor import tailored

MAX_EVIDENCE = 8


def _evidence(lines: list[Evidence]) -> list[Evidence]:
    seen: set[int] = set()
    out: list[Evidence] = []
    for ev in sorted(lines, key=lambda e: e.line):
        if ev.line not in seen:
            seen.add(ev.line)
            out.append(ev)
    return out[:MAX_EVIDENCE]


def build_explanation(scanner: Scanner, snapshot: Any = None, kb: Any = None) -> Explanation:
    decision = decide(scanner, snapshot=snapshot, kb=kb)
    cause = decision.cause
    secondary = [
        Secondary(c, round(s, 2), _evidence(decision.evidence.get(c, []))[:3])
        for c, s in sorted(decision.scores.items(), key=lambda kv: -kv[1])
        if c != cause and s >= SECONDARY_MIN
    ]
    fixes, remedies = tailored(decision, snapshot, kb)
    if cause == UNKNOWN:
        return Explanation(
            cause=UNKNOWN,
            confidence=0.0,
            evidence=[],
            explanation=UNKNOWN_EXPLANATION,
            fixes=fixes,
            remedies=remedies,
            secondary=secondary,
            conflicts=decision.conflicts,
            facts=decision.facts,
            lines_read=scanner.lines,
            title="No known cause found",
        )
    info = CAUSES[cause]
    text = info.explanation
    note = decision.notes.get("python_note")
    if note and cause == "python-unsupported":
        text += f" ({note}.)"
    platform_note = decision.notes.get("platform_note")
    if platform_note and cause == "platform-unsupported":
        text += f" ({platform_note}.)"
    relevant = [c for c in decision.conflicts if c.kind != "missing" or cause == "solver-conflict"]
    for conflict in relevant[:2]:
        if conflict.requirements:
            text += f" {conflict.tool} could not satisfy: " + "; ".join(conflict.requirements[:6]) + "."
    if decision.facts.get("python") and "Python" not in text:
        text += f" Python in the log: {decision.facts['python']}."
    return Explanation(
        cause=cause,
        confidence=decision.confidence,
        evidence=_evidence(decision.evidence.get(cause, [])),
        explanation=text,
        fixes=fixes,
        remedies=remedies,
        secondary=secondary,
        conflicts=decision.conflicts,
        facts=decision.facts,
        lines_read=scanner.lines,
        title=info.title,
    )
