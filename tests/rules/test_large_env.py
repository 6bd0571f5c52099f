"""The package rules on a large synthetic environment: none crashes (their speed: bench/rules_speed.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from envdoctor.rules import Context, all_rules, run_rules
from tests.rules.conftest import make_kb

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from rules_speed import large_snapshot


def test_400_distributions_without_a_rule_crash() -> None:
    rules = [r for r in all_rules() if "ED100" < r.code < "ED400"]
    findings = list(run_rules(Context(large_snapshot(), make_kb()), rules))  # type: ignore[arg-type]
    assert not [f for f in findings if f.code == "ED000"]
