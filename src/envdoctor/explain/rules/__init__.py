"""Cause rules: one reasoning step each, from a log's facts (and the knowledge base) to a cause.

Modules register their rules on import, in this order (a later rule sees the verdicts of earlier
ones): the terminal error first, then solver conflicts, wheels (Python vs platform), installed
package versions, the GPU stack, and interpreters / leakage. `all_rules()` lists them.
"""

# ruff: noqa: I001, F401  (the import order is the rules' order)
from __future__ import annotations

from envdoctor.explain.rules import errors
from envdoctor.explain.rules import native
from envdoctor.explain.rules import solver
from envdoctor.explain.rules import wheels
from envdoctor.explain.rules import packages
from envdoctor.explain.rules import installs
from envdoctor.explain.rules import gpu
from envdoctor.explain.rules import leakage
from envdoctor.explain.rules import statements
from envdoctor.explain.rules._registry import CauseRule, RuleContext, Signal, Verdict, all_rules, cause_rule

__all__ = ["CauseRule", "RuleContext", "Signal", "Verdict", "all_rules", "cause_rule"]
