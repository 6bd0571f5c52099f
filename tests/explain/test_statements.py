"""What the user says fixed it: statements read for the one cause their remedy belongs to."""

from __future__ import annotations

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.extract import extract
from envdoctor.explain.scanner import Scanner
from tests.explain.expect import assert_reasoned


def _stated(text: str) -> list[str]:
    scanner = Scanner()
    scanner.feed(text.encode())
    return [cause for cause, _line in extract(scanner).resolutions]


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        ("The problem was PYTHONPATH pointing at my old env; unsetting it fixed everything.", "env-leakage"),
        ("EDIT: solved by installing the latest Visual C++ Redistributable (x64).", "msvc-runtime-missing"),
        ("It works now after I enabled long paths in the registry.", "windows-long-paths"),
        ("Fixed it by running `python -m ipykernel install --user --name myenv`.", "wrong-interpreter"),
        ("The issue was the proxy at work, it works from home.", "network-or-index"),
        ("Turned out my NVIDIA driver was old: updating the driver fixed it.", "driver-too-old"),
        ("Resolved by pip install tf-keras and TF_USE_LEGACY_KERAS=1.", "keras-version-mismatch"),
    ],
)
def test_a_statement_names_its_cause(line: str, cause: str) -> None:
    assert _stated(line + "\n") == [cause]


@pytest.mark.parametrize(
    "line",
    [
        "I tried downgrading numpy but no luck.",  # only tried
        "Could it be the Visual C++ runtime?",  # a question
        "Solved it by reinstalling everything.",  # no remedy that belongs to one cause
        "Fixed by installing the VC++ redistributable and updating the NVIDIA driver.",  # two causes at once
        "Maybe the problem is PYTHONPATH.",  # a guess
    ],
)
def test_tries_questions_and_guesses_are_no_statements(line: str) -> None:
    assert _stated(line + "\n") == []


def test_a_numpy_pin_answers_the_numpy_cause_the_log_shows() -> None:
    abi = "ImportError: numpy.core.multiarray failed to import\nSolved by downgrading numpy to 1.26.4.\n"
    assert_reasoned(abi, "numpy-abi")
    alias = "AttributeError: module 'numpy' has no attribute 'float'.\nSolved by downgrading numpy to 1.23.5.\n"
    assert explain_text(alias).cause == "numpy-api-removed"


def test_a_statement_alone_is_an_answer_and_statements_that_disagree_are_not() -> None:
    alone = "Windows 10. It is the problem of the VC runtime, solved now.\n"
    assert_reasoned(alone, "msvc-runtime-missing")
    both = "The problem was PYTHONPATH.\nLater: the problem was the proxy.\n"
    assert explain_text(both).cause == "unknown"
