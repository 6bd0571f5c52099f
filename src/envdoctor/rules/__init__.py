"""Rules: one module per rule (or per small family), registered in `_registry`."""

from envdoctor.rules._context import Context
from envdoctor.rules._registry import Rule, all_rules, get_rule, rule, run_rules

__all__ = ["Context", "Rule", "all_rules", "get_rule", "rule", "run_rules"]
