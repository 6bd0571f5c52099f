"""The decision: signature evidence + cause rules over the log's facts -> one cause, or `unknown`.

1. Signatures give each cause a score (noisy-OR of their weights; `requires` / `suppressed_by`).
2. The cause rules (`explain/rules/`) run in order over the facts and the knowledge base; each
   verdict adds its weight, may re-read another cause's evidence as its own (`moves_from`), cap a
   circumstantial reading, or demote the symptoms it explains (halved, once).
3. Confidence is the top score less how close the runner-up comes (within 0.2). At or above
   `CONFIDENT` the top cause is the answer; below it the answer is `unknown`, with the candidates
   and what would tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from envdoctor.explain.calibration import calibrated_bound, is_measured
from envdoctor.explain.causes import PRIORITY
from envdoctor.explain.extract import extract
from envdoctor.explain.logfacts import LogFacts
from envdoctor.explain.model import UNKNOWN, Conflict, Evidence
from envdoctor.explain.rules import RuleContext, Signal, Verdict, all_rules
from envdoctor.explain.scanner import Scanner
from envdoctor.explain.target import TargetFacts

if TYPE_CHECKING:
    from envdoctor.knowledge.interface import KnowledgeSource
    from envdoctor.model import Snapshot

CONFIDENT = 0.8  # the bar for naming a cause
CANDIDATE_MIN = 0.3  # the least score a candidate is listed with
SECONDARY_MIN = 0.2  # the least score a secondary cause (a symptom, a side issue) is listed with
MARGIN = 0.2  # a runner-up within this of the top score lowers the confidence by the shortfall


@dataclass
class Decision:
    cause: str
    confidence: float
    scores: dict[str, float]
    evidence: dict[str, list[Evidence]]
    conflicts: list[Conflict]
    facts: dict[str, str]
    groups: dict[str, dict[str, str]]
    notes: dict[str, Any] = field(default_factory=dict)
    logfacts: LogFacts = field(default_factory=LogFacts)
    verdicts: list[Verdict] = field(default_factory=list)
    symptoms: dict[str, str] = field(default_factory=dict)  # demoted cause -> the cause that explains it
    ranked: list[tuple[str, float]] = field(default_factory=list)
    key: str = ""  # the strongest signature or rule behind the top cause (what calibration measures)
    raw_confidence: float = 0.0  # the confidence before calibration

    def reasons(self, cause: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.cause == cause and v.weight > 0]


def combine(weights: Iterable[float]) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


def signature_signals(scanner: Scanner) -> dict[str, Signal]:
    """Each cause's score from the signatures that matched (their `requires` / `suppressed_by` read)."""
    tags = scanner.tags()
    present = {h.signature.cause for h in scanner.hits.values() if h.signature.cause}
    signals: dict[str, Signal] = {}
    for hit in scanner.hits.values():
        sig = hit.signature
        if sig.cause is None or sig.role != "cause":
            continue
        if sig.requires and not all(r in tags or r in present for r in sig.requires):
            continue
        if sig.suppressed_by and any(s in present - {sig.cause} or s in tags for s in sig.suppressed_by):
            continue
        signal = signals.setdefault(sig.cause, Signal(0.0))
        signal.score = combine([signal.score, sig.weight])
        signal.evidence.extend(hit.evidence)
        signal.ids.append(sig.id)
        signal.groups.update({k: v for k, v in hit.groups.items() if v and k not in signal.groups})
    return signals


def _add_evidence(known: list[Evidence], new: Iterable[Evidence]) -> None:
    lines = {e.line for e in known}
    for ev in new:
        if ev.line not in lines:
            known.append(ev)
            lines.add(ev.line)


def apply_verdict(signals: dict[str, Signal], verdict: Verdict, demoted: dict[str, str]) -> None:
    if verdict.weight <= 0 and verdict.cause not in signals:
        return
    target = signals.get(verdict.cause) or Signal(0.0)
    for cause in verdict.moves_from:
        moved = signals.pop(cause, None)
        if moved is not None and cause != verdict.cause:
            _add_evidence(target.evidence, moved.evidence)
            target.ids.extend(moved.ids)
            target.groups.update({k: v for k, v in moved.groups.items() if k not in target.groups})
    if verdict.weight > 0:
        target.score = combine([target.score, verdict.weight])
    _add_evidence(target.evidence, verdict.evidence)
    if verdict.cap is not None:
        target.score = min(target.score, verdict.cap)
    signals[verdict.cause] = target
    for cause in verdict.demotes:
        if cause in signals and cause != verdict.cause and cause not in demoted:
            signals[cause].score *= 0.5
            demoted[cause] = verdict.cause


def deciding_key(cause: str, signal: Signal | None, scanner: Scanner, verdicts: Iterable[Verdict]) -> str:
    """The strongest single contributor to `cause`'s score: a signature id or a rule id. Ties go to a
    rule, then to the first id in sorted order (never to the order lines happened to match in)."""
    weighed: list[tuple[float, int, str]] = []
    for sig_id in signal.ids if signal else ():
        hit = scanner.hits.get(sig_id)
        if hit is not None:
            weighed.append((hit.signature.weight, 0, sig_id))
    weighed += [(v.weight, 1, v.rule) for v in verdicts if v.cause == cause and v.weight > 0]
    if not weighed:
        return ""
    return min(weighed, key=lambda w: (-w[0], -w[1], w[2]))[2]


def _prio(cause: str) -> int:
    return PRIORITY.index(cause) if cause in PRIORITY else len(PRIORITY)


def decide(
    scanner: Scanner, snapshot: Snapshot | None = None, kb: KnowledgeSource | None = None, calibrated: bool = True
) -> Decision:
    """`snapshot` (the environment the command ran in) and `kb` (a KnowledgeBase; the shipped one is
    loaded lazily, only when a rule needs it) are optional. `calibrated=False` gives the raw
    confidence (what bench/explain_calibration.py measures)."""
    facts = extract(scanner)
    signals = signature_signals(scanner)
    ctx = RuleContext(
        facts=facts,
        signals=signals,
        hits=scanner.hits,
        tags=scanner.tags(),
        lines=scanner.numbered(),
        captures=scanner.captures,
        target=TargetFacts.from_snapshot(snapshot),
        given_kb=kb,
        snapshot=snapshot,
    )
    demoted: dict[str, str] = {}
    failed: list[str] = []
    for rule in all_rules():
        try:
            verdicts = rule.run(ctx)
        except Exception as exc:  # one rule failing must not lose the diagnosis: say so in the notes
            failed.append(f"{rule.id}: {exc.__class__.__name__}")
            continue
        for verdict in verdicts:
            apply_verdict(signals, verdict, demoted)
            ctx.verdicts.append(verdict)
    ranked = sorted(
        ((c, s.score) for c, s in signals.items() if s.score > 0), key=lambda kv: (-round(kv[1], 3), _prio(kv[0]))
    )
    cause, confidence, key, raw = UNKNOWN, 0.0, "", 0.0
    if ranked:
        top, best = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else 0.0
        raw = confidence = best - max(0.0, runner - (best - MARGIN))
        key = deciding_key(top, signals.get(top), scanner, ctx.verdicts)
        if calibrated and (snapshot is None or is_measured(top, key)):
            # a target's facts are the environment's own: a key no log measured keeps its confidence
            confidence = min(confidence, calibrated_bound(top, key, raw))
        if round(confidence, 2) >= CONFIDENT:
            cause = top
    for signal in signals.values():
        signal.evidence.sort(key=lambda e: e.line)
    notes: dict[str, Any] = {}
    if failed:
        notes["rule_errors"] = failed
    if cause != UNKNOWN:
        fix = next((v.fix for v in ctx.verdicts if v.cause == cause and v.fix), None)
        if fix:
            notes["kb_fix"], notes["kb_verdict"] = fix, cause
    return Decision(
        cause=cause,
        confidence=round(confidence, 2),
        scores={c: s.score for c, s in signals.items()},
        evidence={c: s.evidence for c, s in signals.items()},
        conflicts=facts.conflicts,
        facts=facts.flat(),
        groups={c: s.groups for c, s in signals.items()},
        notes=notes,
        logfacts=facts,
        verdicts=ctx.verdicts,
        symptoms=demoted,
        ranked=ranked,
        key=key,
        raw_confidence=round(raw, 2),
    )


__all__ = [
    "CANDIDATE_MIN",
    "CONFIDENT",
    "SECONDARY_MIN",
    "Decision",
    "TargetFacts",
    "combine",
    "decide",
    "signature_signals",
]
