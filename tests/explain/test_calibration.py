"""The shipped confidences are the measured ones (src/envdoctor/explain/data/calibration.json).

Regenerate after any change to signatures or rules:
`.venv/bin/python bench/explain_calibration.py --write --live DIR --fresh DIR` (the live corpus's and
the fresh faults' logs, batches 1-5; a source whose logs are not given keeps its shipped counts).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from envdoctor.explain import explain_text
from envdoctor.explain.calibration import DATA, calibrated_bound, counts, pooled, wilson_lower
from envdoctor.explain.decide import CONFIDENT

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import explain_calibration as bench  # noqa: E402

from .test_rules import DEVICE_LIST_CPU  # noqa: E402


@pytest.fixture(scope="module")
def corpus() -> tuple[list[bench.Labelled], dict[tuple[str, str], bench.Raw]]:
    logs = bench.corpus_logs()
    return logs, {(log.split, log.name): bench.raw_answer(log.text) for log in logs}


def _source(table: dict[str, dict[str, list[int]]], source: str) -> dict[str, list[int]]:
    return {k: by[source] for k, by in table.items() if source in by}


def test_the_shipped_counts_are_what_the_bench_derives_from_the_corpus(
    corpus: tuple[list[bench.Labelled], dict[tuple[str, str], bench.Raw]],
) -> None:
    logs, answers = corpus
    shipped = json.loads(DATA.read_text(encoding="utf-8"))["keys"]
    derived = bench.count(logs, answers)
    assert _source(shipped, "corpus") == _source(derived, "corpus"), "run bench/explain_calibration.py --write"


@pytest.mark.parametrize(
    ("source", "folder"),
    [("live", ROOT / ".bench" / "live-corpus" / "logs"), ("fresh", ROOT / ".bench" / "fresh-faults" / "logs")],
)
def test_the_shipped_counts_match_the_cached_live_and_fresh_logs(source: str, folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"{folder} not made here (bench/live_corpus.py, bench/explain_fresh_faults.py)")
    logs = bench.live_logs(folder) if source == "live" else bench.fresh_logs(folder)
    derived = bench.count(logs, {(log.split, log.name): bench.raw_answer(log.text) for log in logs})
    shipped = json.loads(DATA.read_text(encoding="utf-8"))["keys"]
    assert _source(shipped, source) == _source(derived, source)


def test_no_shipped_answer_is_more_confident_than_its_measured_bound(
    corpus: tuple[list[bench.Labelled], dict[tuple[str, str], bench.Raw]],
) -> None:
    logs, answers = corpus
    for log in logs:
        raw = answers[(log.split, log.name)]
        got = explain_text(log.text)
        if got.cause != "unknown":
            assert got.confidence <= calibrated_bound(got.cause, raw.key) + 0.005, log.name
            assert calibrated_bound(got.cause, raw.key) >= CONFIDENT


def test_wilson_lower_bound() -> None:
    assert wilson_lower(0, 0) == 0.0
    assert wilson_lower(40, 40) == pytest.approx(40 / (40 + 1.645**2), abs=1e-9)  # p = 1: n / (n + z^2)
    assert wilson_lower(16, 15) == pytest.approx(0.76, abs=0.01)
    assert wilson_lower(3, 3) < 0.8 <= wilson_lower(11, 11)


def test_a_key_with_a_wrong_answer_on_record_is_held_to_its_own_record() -> None:
    wrong = [k for k, (n, r) in counts().items() if r < n]
    assert wrong, "the read sets hold no wrong answer at the bar any more: this test has nothing to hold"
    for name in wrong:
        cause, key = name.split(" <- ", 1)
        assert calibrated_bound(cause, key) <= wilson_lower(*counts()[name])
        assert calibrated_bound(cause, key) <= wilson_lower(*pooled(cause))


def test_an_unmeasured_key_names_nothing() -> None:
    assert calibrated_bound("numpy-abi", "no/such-rule") == 0.0


def test_an_answer_held_below_the_bar_says_what_was_measured() -> None:
    # TensorFlow's device list with a CPU and no GPU: gpu/device-list-without-gpu decided one labelled
    # log at the bar, wrongly (a Windows platform case): no-gpu-visible stays a candidate
    got = explain_text(DEVICE_LIST_CPU)
    assert got.cause == "unknown"
    assert got.candidates and got.candidates[0].cause == "no-gpu-visible"
    assert "right 0 of 1 times" in got.candidates[0].why


def test_with_a_target_a_key_no_log_measured_keeps_its_confidence() -> None:
    # a rule that decides from the target's facts: no log corpus can measure it
    from collections.abc import Iterator

    from envdoctor.explain.rules import _registry as cause_registry
    from envdoctor.explain.rules._registry import RuleContext, Verdict, cause_rule

    from .test_kb_platform import _snapshot

    @cause_rule("toy-target", "platform-unsupported")
    def toy(ctx: RuleContext) -> Iterator[Verdict]:
        """A ToyError on a Windows target."""
        if ctx.target is not None and any(text.startswith("ToyError:") for _n, text in ctx.lines):
            yield Verdict("platform-unsupported", 0.95, "the toy library has no Windows build")

    log = "ToyError: the toy library refused to load\n"
    try:
        alone = explain_text(log)
        targeted = explain_text(log, snapshot=_snapshot("windows", "AMD64", "3.11.4"))
    finally:
        cause_registry._RULES[:] = [r for r in cause_registry._RULES if r.id != "toy-target"]
    assert alone.cause == "unknown"
    assert targeted.cause == "platform-unsupported" and targeted.confidence >= CONFIDENT
