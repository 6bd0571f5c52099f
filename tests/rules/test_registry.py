"""Every registered rule is documented, uniquely coded and tested; crashes become ED000."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from envdoctor.model import Finding, Severity
from envdoctor.rules import Context, Rule, all_rules, rule, run_rules
from envdoctor.rules._registry import _NAMES, _RULES
from tests.factories import dist, snapshot
from tests.rules.conftest import make_kb

HERE = Path(__file__).parent
MINE = [r for r in all_rules() if "ED100" < r.code < "ED400"]


def test_codes_and_names_are_unique() -> None:
    rules = all_rules(None)
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


@pytest.mark.parametrize("rule_", all_rules(None), ids=lambda r: r.code)
def test_every_rule_is_documented(rule_: Rule) -> None:
    doc = rule_.doc
    for section in ("What", "Why", "Fix"):
        assert doc.get(section), f"{rule_.code} lacks {section}"
    assert rule_.title
    assert rule_.name == rule_.name.lower() and " " not in rule_.name


def test_the_package_rules_are_all_there() -> None:
    codes = {r.code for r in MINE}
    expected = {
        "ED101",
        "ED102",
        "ED103",
        "ED104",
        "ED105",
        "ED106",
        "ED107",
        "ED201",
        "ED202",
        "ED203",
        "ED204",
        "ED211",
        "ED212",
        "ED213",
        "ED221",
        "ED301",
        "ED302",
    }
    assert expected <= codes


TESTS = HERE.parent
# where a family of rules is tested together (the others: tests/rules/test_<module>.py)
FAMILY_TESTS = {"envdoctor.rules.gpu_": "gpu/test_rules.py", "envdoctor.lint.rules.": "lint/test_lint.py"}


def _tests_of(rule_: Rule) -> Path | None:
    module = rule_.check.__module__
    own = HERE / f"test_{module.rsplit('.', 1)[-1]}.py"
    if module.startswith("envdoctor.rules.") and own.exists():
        return own
    return next((TESTS / path for prefix, path in FAMILY_TESTS.items() if module.startswith(prefix)), None)


@pytest.mark.parametrize("rule_", all_rules(None), ids=lambda r: r.code)
def test_every_rule_has_an_example_and_a_test_module(rule_: Rule) -> None:
    """Every registered code, whatever its scope or range (check's ED1xx-ED4xx, lint's ED5xx)."""
    assert rule_.doc.get("Example"), rule_.code
    tests = _tests_of(rule_)
    assert tests is not None and tests.exists(), f"no test module for {rule_.code} ({rule_.check.__module__})"
    assert rule_.code in tests.read_text(encoding="utf-8"), f"{tests} never names {rule_.code}"


def test_the_coverage_check_sees_every_scope() -> None:
    scopes = {r.scope for r in all_rules(None)}
    assert {"environment", "file"} <= scopes
    assert any(r.code.startswith("ED4") for r in all_rules(None))


@pytest.mark.parametrize("rule_", all_rules(None), ids=lambda r: r.code)
def test_causes_are_known_ids(rule_: Rule) -> None:
    """Against the package's own cause table: it ships with envdoctor, so this always runs."""
    from envdoctor.explain.causes import CAUSES

    if rule_.cause is not None:
        assert rule_.cause in CAUSES, f"{rule_.cause} is not in the cause table (envdoctor.explain.causes)"


def test_registering_a_duplicate_code_or_an_undocumented_rule_fails() -> None:
    def check(ctx: Context) -> Iterator[Finding]:
        """What:
        x
        Why:
        y
        Fix:
        z
        """
        yield from ()

    with pytest.raises(ValueError, match="used twice"):
        rule("ED101", "another-name", title="t", severity=Severity.INFO)(check)

    def undocumented(ctx: Context) -> Iterator[Finding]:
        """What: only"""
        yield from ()

    with pytest.raises(ValueError, match="lacks"):
        rule("ED099", "undocumented-test-rule", title="t", severity=Severity.INFO)(undocumented)
    assert "ED099" not in _RULES and "undocumented-test-rule" not in _NAMES


def test_a_crashing_rule_becomes_ed000_and_the_others_still_run() -> None:
    def boom(ctx: Context) -> Iterator[Finding]:
        """What:
        crashes
        Why:
        test
        Fix:
        none
        """
        yield from ()
        raise RuntimeError("kaboom")

    crashing = Rule("ED098", "crash-test", "crashes", Severity.ERROR, None, boom)
    snap = snapshot([dist("tensorflow-gpu", "2.10.0")])
    real = [r for r in all_rules() if r.code == "ED106"]
    findings = list(run_rules(Context(snap, make_kb()), [crashing, *real]))
    assert [f.code for f in findings] == ["ED000", "ED106"]
    internal = findings[0]
    assert internal.rule == "internal-error"
    assert "ED098" in internal.message and "kaboom" in internal.message
    assert internal.evidence == ["RuntimeError: kaboom"]


def test_all_rules_run_clean_on_a_healthy_environment() -> None:
    snap = snapshot(
        [
            dist(
                "tensorflow",
                "2.15.1",
                requires=[
                    "numpy<2.0.0,>=1.23.5",
                    "protobuf!=4.21.0,<5.0.0dev,>=3.20.3",
                    "keras<2.16,>=2.15.0",
                    "ml-dtypes~=0.2.0",
                ],
                wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"],
            ),
            dist("numpy", "1.26.4", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"]),
            dist("protobuf", "4.25.3"),
            dist("keras", "2.15.0"),
            dist("ml-dtypes", "0.2.0", wheel_tags=["cp311-cp311-manylinux_2_17_x86_64"]),
        ]
    )
    findings = [f for f in run_rules(Context(snap, make_kb()), MINE)]
    assert findings == []
