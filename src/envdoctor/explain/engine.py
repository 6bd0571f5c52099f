"""The explain engine's entry points, in one place: scan -> extract facts -> rules -> decision.

The pieces live in their own modules: `scanner` (signatures over byte blocks), `extract` (LogFacts),
`rules/` (the cause rules), `decide` (scores, confidence, unknown + candidates), `build` (the
Explanation). `Decision` is what the fix tailoring (`tailor.py`) reads.
"""

from __future__ import annotations

from envdoctor.explain.decide import CANDIDATE_MIN, CONFIDENT, SECONDARY_MIN, Decision, decide
from envdoctor.explain.rules._registry import shipped_kb
from envdoctor.explain.scanner import Capture, Hit, Scanner

__all__ = [
    "CANDIDATE_MIN",
    "CONFIDENT",
    "SECONDARY_MIN",
    "Capture",
    "Decision",
    "Hit",
    "Scanner",
    "decide",
    "shipped_kb",
]
