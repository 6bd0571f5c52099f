"""From a finished scan to an Explanation: decision, explanation text, reasons, fixes, candidates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envdoctor.explain.calibration import measured
from envdoctor.explain.candidates import TARGET_HINT, tell_apart
from envdoctor.explain.causes import CAUSES, UNKNOWN_EXPLANATION
from envdoctor.explain.decide import CANDIDATE_MIN, CONFIDENT, SECONDARY_MIN, Decision, decide
from envdoctor.explain.model import UNKNOWN, Candidate, Evidence, Explanation, Secondary
from envdoctor.explain.scanner import Scanner
from envdoctor.explain.tailor import ABOUT_WHICH_PIP, fixes_for, for_installer, tailored

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.model import Snapshot

MAX_EVIDENCE = 8
MAX_CANDIDATES = 4
TERMINAL_REASON = "it is the error the log ends on"


def _evidence(lines: list[Evidence]) -> list[Evidence]:
    seen: set[int] = set()
    out: list[Evidence] = []
    for ev in sorted(lines, key=lambda e: e.line):
        if ev.line not in seen:
            seen.add(ev.line)
            out.append(ev)
    return out[:MAX_EVIDENCE]


def _reasons(decision: Decision, cause: str) -> list[str]:
    out: list[str] = []
    for verdict in decision.reasons(cause):
        if verdict.why and verdict.why not in out:
            out.append(verdict.why)
    for symptom, root in decision.symptoms.items():
        if root == cause and decision.scores.get(symptom, 0.0) >= CANDIDATE_MIN:
            out.append(f"{symptom} is a symptom of it")
    return out


def _rule_fixes(decision: Decision, cause: str) -> list[str]:
    fixes: list[str] = []
    for verdict in decision.reasons(cause):
        for fix in (verdict.fix or "").split(" ; "):
            if fix and fix not in fixes:
                fixes.append(fix)
    return fixes


def _fixes(decision: Decision, cause: str, snapshot: Snapshot | None, kb: KnowledgeSource | None) -> list[str]:
    """The tailored fixes (a rule's own fix first, split into its steps), the other rules' fixes,
    then the generic ones."""
    generic = list(CAUSES[cause].fixes)
    out: list[str] = []
    if snapshot is None:  # the rules' fixes read the log; the tailoring's read the snapshot, when there is one
        out += _rule_fixes(decision, cause)
    later: list[str] = []
    for fix in fixes_for(decision, snapshot, kb):
        if fix in generic:
            continue
        if fix == decision.notes.get("kb_fix"):
            steps = fix.split(" ; ")
            # with a snapshot, the tailoring's fixes name this environment: they come first
            (later if snapshot is not None else out).extend(s for s in steps if s not in out)
        elif fix not in out:
            out.append(fix)
    out += [f for f in later if f not in out]
    out += [f for f in _rule_fixes(decision, cause) if f not in out]
    return out + [g for g in generic if g not in out]


def _for_installer(fixes: list[str], cause: str, decision: Decision, snapshot: Snapshot | None) -> list[str]:
    """Without a target, pip's install commands in `fixes` written for the installer the log shows
    (a uv venv has no pip); with one, the ownership model already chose the installer."""
    installer = decision.logfacts.installer
    if snapshot is not None or installer is None or cause in ABOUT_WHICH_PIP:
        return fixes
    return list(dict.fromkeys(for_installer(f, installer.value) for f in fixes))


def _uncalibrated(decision: Decision, cause: str) -> list[str]:
    """Why a cause the rules reached at the bar is only a candidate: its measured precision."""
    if decision.ranked and decision.ranked[0][0] == cause and decision.raw_confidence >= CONFIDENT:
        return [measured(cause, decision.key, decision.raw_confidence)]
    return []


def build_explanation(
    scanner: Scanner, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None
) -> Explanation:
    decision = decide(scanner, snapshot=snapshot, kb=kb)
    cause = decision.cause
    if cause == UNKNOWN:
        candidates = [
            Candidate(
                c,
                round(s, 2),
                _evidence(decision.evidence.get(c, []))[:3],
                tell_apart(c),
                "; ".join(_reasons(decision, c) + _uncalibrated(decision, c)),
            )
            for c, s in decision.ranked
            if s >= CANDIDATE_MIN
        ][:MAX_CANDIDATES]
        fixes = [
            f for c in candidates for f in _for_installer(_rule_fixes(decision, c.cause), c.cause, decision, snapshot)
        ]
        fixes += [f"{c.cause}? {c.tell_apart}" for c in candidates]
        if candidates and snapshot is None:
            fixes.append(TARGET_HINT)
        lines, remedies = tailored(decision, snapshot, kb)
        fixes += [f for f in lines if f not in fixes]
        return Explanation(
            cause=UNKNOWN,
            confidence=decision.confidence if candidates else 0.0,
            evidence=[],
            explanation=UNKNOWN_EXPLANATION
            if not candidates
            else "The log does not prove one cause; the candidates are listed with what would tell them apart.",
            fixes=fixes,
            secondary=[],
            conflicts=decision.conflicts,
            facts=decision.facts,
            lines_read=scanner.lines,
            title="No cause proven" if candidates else "No known cause found",
            reasons=[],
            candidates=candidates,
            remedies=remedies,
        )
    info = CAUSES[cause]
    reasons = _reasons(decision, cause)
    text = info.explanation
    notes = [r for r in reasons if r != TERMINAL_REASON and " names the clash" not in r]
    if notes:  # what the rules read here; the full list is `reasons`
        text += " Here: " + notes[0] + "."
    relevant = [c for c in decision.conflicts if c.kind != "missing" or cause == "solver-conflict"]
    for conflict in relevant[:2]:
        if conflict.requirements:
            text += f" {conflict.tool} could not satisfy: " + "; ".join(conflict.requirements[:6]) + "."
    if decision.facts.get("python") and "Python" not in text:
        text += f" Python in the log: {decision.facts['python']}."
    secondary = [
        Secondary(c, round(s, 2), _evidence(decision.evidence.get(c, []))[:3])
        for c, s in decision.ranked
        if c != cause and s >= SECONDARY_MIN
    ]
    lines, remedies = tailored(decision, snapshot, kb)
    # with an environment whose own remedies answer the cause (check's, or the tailoring's through
    # the ownership model), those are the fix: no second, differently pinned line from the log
    fixes = lines if snapshot is not None and remedies else _fixes(decision, cause, snapshot, kb)
    fixes = _for_installer(fixes, cause, decision, snapshot)
    return Explanation(
        cause=cause,
        confidence=decision.confidence,
        evidence=_evidence(decision.evidence.get(cause, [])),
        explanation=text,
        fixes=fixes,
        secondary=secondary,
        conflicts=decision.conflicts,
        facts=decision.facts,
        lines_read=scanner.lines,
        title=info.title,
        reasons=reasons,
        remedies=remedies,
    )
