"""Round 22 (issue 11, blind52 read): NumPy's removed names read as a list, a requirement pip's
terminal wrapped, a release candidate dating a log, each with a near miss.
`assert_reasoned` checks the rules' raw conclusion and what calibration ships for it
(tests/explain/expect.py)."""

from __future__ import annotations

from envdoctor.explain.extract import extract
from envdoctor.explain.logfacts import LogFacts
from envdoctor.explain.scanner import Scanner
from tests.explain.expect import assert_not_concluded, raw_decision


def _facts(text: str) -> LogFacts:
    scanner = Scanner()
    scanner.feed(text.encode())
    return extract(scanner)


def test_only_names_numpy_removed_are_removed_api() -> None:
    assert raw_decision("AttributeError: module 'numpy' has no attribute 'float'.\n").cause == "numpy-api-removed"
    # `__version__` or `random` missing is a broken or shadowed numpy, not removed API
    assert_not_concluded("AttributeError: module 'numpy' has no attribute '__version__'\n", "numpy-api-removed")
    assert_not_concluded("AttributeError: module 'numpy' has no attribute 'random'\n", "numpy-api-removed")
    # a prefix of a removed name is not that name
    assert_not_concluded("AttributeError: module 'numpy' has no attribute 'float128'\n", "numpy-api-removed")


def test_a_requirement_wrapped_onto_the_next_line_is_read_with_its_list() -> None:
    facts = _facts(
        "ERROR: Could not find a version that satisfies the requirement\n"
        "tf-nightly==2.6.0.dev20210412 (from versions: 2.6.0.dev20210501,\n"
        "2.6.0.dev20210502)\n"
    )
    assert [(r.name, r.spec) for r in facts.requests] == [("tf-nightly", "==2.6.0.dev20210412")]
    assert facts.offered[0].versions == ("2.6.0.dev20210501", "2.6.0.dev20210502")
    assert facts.offered[0].line == 1  # the line pip's message starts on


def test_a_framework_release_candidate_dates_the_log_before_its_final_plus_a_year() -> None:
    facts = _facts("- Tensorflow 2.0.0rc0\n")
    assert facts.era_until is not None and facts.era_until.value == "2020-09-30"  # 2.0.0 came out 2019-09-30
    assert _facts("- Tensorflow 2.0.0\n").era_until is None  # a final release dates nothing from above
